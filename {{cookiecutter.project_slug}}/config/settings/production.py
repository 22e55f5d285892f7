"""
Settings for AWS Lambda, the `dev` and `production` stages in zappa_settings.json.

Secrets come from the stage's secret in AWS Secrets Manager (config/env.py,
secret_required), anything else that differs per deployment from environment
variables set on the Lambda function: never from this file, zappa_settings.json
or git. A missing value stops the start-up with an error that names it.

Check with: uv run manage.py check --deploy --settings=config.settings.production
"""

{% if cookiecutter.storage == "s3" -%}
import os

{% endif -%}
{%- set facts = cookiecutter | derived -%}
{%- set rds, url_database = facts.stack_database, facts.url_database -%}
from config.env import {% if url_database %}database_from_url, {% endif %}env_list, {% if cookiecutter.storage == "s3" or facts.tasks %}env_required, {% endif %}secret_required{% if rds %}, stack_database{% endif %}

from .base import *  # noqa: F403
{%- if cookiecutter.storage == "s3" %}
from .base import s3_storages
{%- endif %}

# SECURITY WARNING: keep the secret key used in production secret!
SECRET_KEY = secret_required("DJANGO_SECRET_KEY")

# SECURITY WARNING: don't run with debug turned on in production!
DEBUG = False

# The API's host names, e.g. ".execute-api.{{ cookiecutter.aws_region }}.amazonaws.com" or your domain.
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS")


# HTTPS
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/security/#ssl-https
# ------------------------------------------------------------------------------
# {% if cookiecutter.api_gateway == "function_url" %}Function URLs{% else %}API Gateway{% endif %} only accepts HTTPS; these settings make Django agree.
SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
X_FRAME_OPTIONS = "DENY"
{%- if cookiecutter.database == "postgresql" %}


# Database
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/databases/#persistent-connections
# ------------------------------------------------------------------------------
{%- if cookiecutter.use_vpc %}
# The stack's database, logged in to with the secret RDS keeps and rotates (config/rds/base.py).
DATABASES = {"default": stack_database()}
{%- else %}
# Yours, outside the VPC: DATABASE_URL is in the stage's secret (README, "Deploy").
DATABASES = {"default": database_from_url(secret_required("DATABASE_URL"))}
{%- endif %}
# RDS only accepts TLS where the parameter group says so; ask for it anyway.
DATABASES["default"]["OPTIONS"].setdefault("sslmode", "require")
{%- if cookiecutter.use_rds_proxy %}
# The database address is the RDS Proxy's endpoint. The proxy owns the few real
# database connections and lends them out per transaction, so each Lambda
# instance may keep its own cheap connection to the proxy across warm
# invocations: a new connection per request cost ~10 ms on loopback (1.6 ms
# with a kept one), more with TLS to RDS, and AWS advises reusing connections
# in Lambda. A frozen instance's socket may have been dropped meanwhile, so
# check it before use. RDS Proxy closes client connections idle for 30 minutes
# by default: stay below that.
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A transaction pooler may run each transaction on a different server
# connection: a named cursor opened in one would not exist in the next.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
{%- else %}
# Every concurrent Lambda instance holds its own connection, even while it
# sits idle between invocations: 100 concurrent requests need 100 connections,
# and a db.t3.micro allows about 87. So close the connection after every
# request. If traffic grows, put RDS Proxy in front (see the README) and keep
# connections to the proxy instead.
DATABASES["default"]["CONN_MAX_AGE"] = 0
{%- endif %}
{%- endif %}
{%- if cookiecutter.storage == "s3" %}


# Static and media files on S3
# https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
# ------------------------------------------------------------------------------
# collectstatic runs in CI (config/settings/collectstatic.py), never in Lambda.
STORAGES = s3_storages(env_required("DJANGO_S3_BUCKET"), os.environ.get("AWS_REGION", "{{ cookiecutter.aws_region }}"))
{%- endif %}
{%- if facts.tasks %}


# Background tasks
# ------------------------------------------------------------------------------
# Each task runs in an asynchronous invocation of this function, on the alias the API uses
# (config/lambda_tasks.py). scripts/deploy.py names it in DJANGO_TASKS_FUNCTION.
TASKS = {
    "default": {
        "BACKEND": "config.lambda_tasks.LambdaBackend",
        "OPTIONS": {"FUNCTION": env_required("DJANGO_TASKS_FUNCTION")},
    },
}
{%- endif %}


# Logging
# https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html
# ------------------------------------------------------------------------------
# Lambda's runtime gives the root logger a handler that writes each record as one JSON object with the
# invocation's request ID (the function's log format, which scripts/deploy.py sets, with the level:
# log_level in zappa_settings.json). Keep that handler: add none, and leave the root logger alone.
LOGGING = {"version": 1, "disable_existing_loggers": False}
