"""
Settings for working on your machine: ``uv run manage.py runserver``.

Set DATABASE_URL (see .env.example) to work against PostgreSQL; SQLite
is used otherwise.
"""

from .base import *  # noqa: F403

# SECURITY WARNING: this key is public; production reads its own from the environment.
SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

# SECURITY WARNING: don't run with debug turned on in production!
DEBUG = True

ALLOWED_HOSTS = ["localhost", "127.0.0.1", "[::1]"]
