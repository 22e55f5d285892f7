"""
Settings for the test suite (pytest picks them through pyproject.toml).

Tests run against PostgreSQL when DATABASE_URL is set, SQLite otherwise.
"""

from .base import *  # noqa: F403

SECRET_KEY = "django-insecure-tests-only"  # noqa: S105

# The test client, and the AWS hosts of the events in tests/lambda_events.py.
ALLOWED_HOSTS = ["testserver", "localhost", ".amazonaws.com", ".on.aws"]
{%- if cookiecutter.use_admin %}

# Fast hashing: tests create users, they don't need to resist brute force.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
{%- endif %}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
{%- if (cookiecutter | derived).tasks %}

# Enqueued tasks are recorded, not run: a test reads them from default_task_backend.results.
TASKS = {"default": {"BACKEND": "{{ (cookiecutter | derived).tasks_api }}.backends.dummy.DummyBackend"}}
{%- endif %}
