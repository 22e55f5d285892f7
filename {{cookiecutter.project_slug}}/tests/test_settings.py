{%- set rds = (cookiecutter | derived).stack_database -%}
"""Production settings: they load from the environment and pass Django's deployment checks."""

{% if cookiecutter.database == "postgresql" -%}
import json
{% endif -%}
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import database_from_url

PROJECT_DIR = Path(__file__).resolve().parent.parent


def production_env(**overrides: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": ".execute-api.{{ cookiecutter.aws_region }}.amazonaws.com",
{%- if rds %}
        "DJANGO_DATABASE_HOST": "db.example.com",
        "DJANGO_DATABASE_PORT": "5432",
        "DJANGO_DATABASE_NAME": "app",
        "DJANGO_DATABASE_SECRET_ARN": "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:rds!db-1",
{%- elif cookiecutter.database == "postgresql" %}
        "DATABASE_URL": "postgres://app:secret@db.example.com:5432/app",
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
        "DJANGO_S3_BUCKET": "example-assets",
{%- endif %}
{%- if (cookiecutter | derived).tasks %}
        "DJANGO_TASKS_FUNCTION": "{{ cookiecutter.project_slug.replace('_', '-') }}-production:snapstart",
{%- endif %}
    }
    env.update(overrides)
    return {name: value for name, value in env.items() if value is not None}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True
    )


def test_production_settings_pass_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "variable",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
{%- if rds %}
        "DJANGO_DATABASE_HOST",
        "DJANGO_DATABASE_PORT",
        "DJANGO_DATABASE_NAME",
        "DJANGO_DATABASE_SECRET_ARN",
{%- elif cookiecutter.database == "postgresql" %}
        "DATABASE_URL",
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
        "DJANGO_S3_BUCKET",
{%- endif %}
{%- if (cookiecutter | derived).tasks %}
        "DJANGO_TASKS_FUNCTION",
{%- endif %}
    ],
)
def test_missing_variable_is_named_in_the_error(variable):
    env = production_env()
    del env[variable]

    result = manage("check", env=env)

    assert result.returncode != 0
    assert f"The {variable} environment variable is not set" in result.stderr
{%- if cookiecutter.database == "postgresql" %}


def test_production_database_settings():
    script = "import django, json; django.setup(); from django.conf import settings as s; "
    script += "print(json.dumps(s.DATABASES['default'], default=str))"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_DIR, env=production_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    database = json.loads(result.stdout)

    assert database["HOST"] == "db.example.com"
    assert database["OPTIONS"]["sslmode"] == "require"
{%- if rds %}
    # The login is the RDS-managed secret's, read by the backend at the first connection: not a setting.
    assert database["ENGINE"] == "config.rds"
    assert not database.get("PASSWORD")
{%- endif %}
{%- if cookiecutter.use_rds_proxy %}
    # Behind RDS Proxy: keep the cheap proxy connection, check it, no server-side cursors.
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["DISABLE_SERVER_SIDE_CURSORS"] is True
{%- else %}
    # Without a pooler every idle Lambda instance would hold a connection.
    assert database["CONN_MAX_AGE"] == 0
{%- endif %}
{%- endif %}


def test_database_url_parsing():
    parsed = database_from_url("postgres://us%40er:p%3Ass@proxy.example.com:6432/app?sslmode=verify-full")

    assert parsed["USER"] == "us@er"
    assert parsed["PASSWORD"] == "p:ss"  # noqa: S105
    assert parsed["HOST"] == "proxy.example.com"
    assert parsed["PORT"] == "6432"
    assert parsed["OPTIONS"] == {"sslmode": "verify-full"}


def test_database_url_errors_do_not_leak_the_password():
    with pytest.raises(Exception, match="scheme 'mysql'") as error:
        database_from_url("mysql://user:hunter2@host/db")

    assert "hunter2" not in str(error.value)
