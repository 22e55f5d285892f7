{%- set facts = cookiecutter | derived -%}
{%- set postgres = cookiecutter.database == "postgresql" -%}
"""
Settings shared by every environment of {{ cookiecutter.project_name }}.

local.py, test.py and production.py start from these and change what differs.
Everything here is loaded at every Lambda cold start: keep it lean.

For the full list of settings and their values, see
https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/
"""

{% if postgres -%}
import os
{% endif -%}
from pathlib import Path
{%- if postgres or facts.tasks %}

from config.env import {% if postgres %}database_from_url{% endif %}{% if postgres and facts.tasks %}, {% endif %}{% if facts.tasks %}env_url{% endif %}
{%- endif %}

BASE_DIR = Path(__file__).resolve().parent.parent.parent


# Core
# ------------------------------------------------------------------------------
# SECURITY WARNING: don't run with debug turned on in production!
DEBUG = False

ALLOWED_HOSTS: list[str] = []

ROOT_URLCONF = "config.urls"

WSGI_APPLICATION = "config.wsgi.application"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Applications
# ------------------------------------------------------------------------------
# Every app is imported and made ready at each cold start: add only what the
# API uses.
INSTALLED_APPS = [
{%- if cookiecutter.use_admin %}
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
    "django.contrib.staticfiles",
{%- endif %}
{%- if cookiecutter.api_framework == "drf" %}
    # For the templates of its Swagger UI page. rest_framework needs no entry: its own templates are
    # those of the browsable API, which is off (REST_FRAMEWORK below).
    "drf_spectacular",
{%- endif %}
    "{{ cookiecutter.project_slug }}",
]

# Each middleware runs on every request. CSRF and clickjacking protection stay
# on: they cost microseconds and `check --deploy` expects them.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
{%- if cookiecutter.use_admin %}
    "django.contrib.sessions.middleware.SessionMiddleware",
{%- endif %}
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
{%- if cookiecutter.use_admin %}
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
{%- endif %}
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
{%- if cookiecutter.use_admin %}
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
{%- endif %}
            ],
        },
    },
]


# Database
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/ref/settings/#databases
# ------------------------------------------------------------------------------
{%- if cookiecutter.database == "postgresql" %}
# Local work and tests use DATABASE_URL when it is set (PostgreSQL, as in
# production) and fall back to SQLite. production.py requires it.
DATABASES = {
    "default": database_from_url(os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
{%- else %}
# No database: Django's dummy backend raises if anything tries to query.
DATABASES: dict[str, dict] = {}
{%- endif %}
{%- if cookiecutter.use_admin %}


# Authentication
# ------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
{%- endif %}

{%- if cookiecutter.api_framework == "drf" %}


# Django REST framework and drf-spectacular
# https://www.django-rest-framework.org/api-guide/settings/
# https://drf-spectacular.readthedocs.io/en/latest/settings.html
# ------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # JSON in and out: no browsable API (HTML pages and their templates) and no form parsing.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # The API uses no cookies or passwords: no session or basic authentication (and so no CSRF check),
    # and no anonymous user object, which would need django.contrib.auth installed.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "{{ cookiecutter.project_name }}",
    "DESCRIPTION": "{{ cookiecutter.description }}",
    "VERSION": "0.1.0",
    # The schema's own route is not part of the API it describes.
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the CDN, at a fixed major version ("latest" would take the next major unasked).
    "SWAGGER_UI_DIST": "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5",
    "SWAGGER_UI_FAVICON_HREF": "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/favicon-32x32.png",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",  # the default
        "{{ cookiecutter.project_slug }}.schema.paths_under_the_stage",
    ],
}
{%- endif %}

{%- if facts.tasks %}


# Background tasks
{%- if facts.tasks_api == "django.tasks" %}
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/tasks/
{%- else %}
# https://github.com/RealOrangeOne/django-tasks (Django 6's Tasks API, backported to {{ cookiecutter.django_version }})
{%- endif %}
# ------------------------------------------------------------------------------
# Here tasks run at once, in the request that enqueues them; production.py runs them on Lambda.
TASKS = {"default": {"BACKEND": "{{ facts.tasks_api }}.backends.immediate.ImmediateBackend"}}

# Where the app's tasks.deliver_webhook POSTs the events of POST /api/events/. Empty: that endpoint
# answers 503 and says so.
WEBHOOK_URL = env_url("DJANGO_WEBHOOK_URL")
{%- endif %}


# Scheduled management commands
# ------------------------------------------------------------------------------
# The only commands the stack's schedules (deploy/stack.yaml) may run: the handler refuses any other
# command a schedule sends. README, "Schedules", shows how to add one.
SCHEDULED_COMMANDS: list[str] = [{% if facts.sessions %}"clearsessions"{% endif %}]


# Internationalization
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/i18n/
# ------------------------------------------------------------------------------
LANGUAGE_CODE = "en-us"

# The languages the API speaks. scripts/build_package.py packages Django's translations for these
# only (and English, Django's fallback): add a language here, then turn USE_I18N on.
LANGUAGES = [("en", "English")]

TIME_ZONE = "UTC"

# Translations cost start-up time; turn on when the API speaks more than one language.
USE_I18N = False

USE_TZ = True


# Static and media files
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/howto/static-files/
# ------------------------------------------------------------------------------
STATIC_URL = "static/"

STATIC_ROOT = BASE_DIR / "staticfiles"

MEDIA_URL = "media/"

MEDIA_ROOT = BASE_DIR / "media"
{%- if cookiecutter.storage == "s3" %}


def s3_storages(bucket: str, region: str) -> dict:
    """STORAGES for S3: uploads under media/ (private, signed URLs), static files under static/.

    No access keys: boto3 takes the credentials of the Lambda's IAM role (or
    of the CI's OIDC role for collectstatic).
    """
    common = {"bucket_name": bucket, "region_name": region}
    return {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {**common, "location": "media", "file_overwrite": False},
        },
        "staticfiles": {
            "BACKEND": "storages.backends.s3.S3Storage",
            # Static files are public (bucket policy on static/*): plain URLs, no signatures.
            "OPTIONS": {**common, "location": "static", "querystring_auth": False},
        },
    }
{%- endif %}


# Logging
# https://docs.djangoproject.com/en/{{ cookiecutter.django_version }}/topics/logging/
# ------------------------------------------------------------------------------
# Everything goes to stdout, which Lambda sends to CloudWatch Logs.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        },
    },
    "root": {"handlers": ["stdout"], "level": "INFO"},
}
