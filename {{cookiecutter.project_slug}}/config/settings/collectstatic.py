"""
Settings for ``collectstatic`` in CI: the production storage and nothing secret.

collectstatic copies files to S3. It signs nothing and opens no database
connection, so it needs neither the production SECRET_KEY nor DATABASE_URL:

    DJANGO_S3_BUCKET=... uv run manage.py collectstatic --noinput --settings=config.settings.collectstatic
"""

import os

from config.env import env_required

from .base import *  # noqa: F403
from .base import s3_storages

SECRET_KEY = "collectstatic-signs-nothing"  # noqa: S105

STORAGES = s3_storages(env_required("DJANGO_S3_BUCKET"), os.environ.get("AWS_REGION", "{{ cookiecutter.aws_region }}"))
