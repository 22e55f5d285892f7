{%- set rds = (cookiecutter | derived).stack_database -%}
"""Reading the stage's secret: one signed GetSecretValue, and the settings use what it holds."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import aws_secrets
from tests.http_recorder import Recorder

PROJECT_DIR = Path(__file__).resolve().parent.parent
SECRET_ARN = "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:my-secret-AbCdEf"  # noqa: S105 (a name)


@pytest.fixture
def secrets_manager(monkeypatch):
{%- if rds %}
    # One secret stands in for both: the stage's, and the database login RDS keeps.
    values = {"DJANGO_SECRET_KEY": "k" * 64, "username": "app", "password": "s3cr3t"}
{%- else %}
    values = {"DJANGO_SECRET_KEY": "k" * 64{% if cookiecutter.database == "postgresql" %}, "DATABASE_URL": "postgres://app:s3cr3t@db.example.com:5432/app"{% endif %}}
{%- endif %}

    def get_secret_value(request: dict) -> tuple[int, dict]:
        if json.loads(request["body"])["SecretId"] == SECRET_ARN:
            return 200, {"SecretString": json.dumps(values)}
        return 400, {"__type": "ResourceNotFoundException"}

    with Recorder(get_secret_value) as stand_in:
        monkeypatch.setenv("AWS_ENDPOINT_URL", stand_in.url)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        monkeypatch.setenv("AWS_SESSION_TOKEN", "tok")
        yield stand_in


def test_read_secret_sends_a_signed_get_secret_value(secrets_manager):
    values = aws_secrets.read_secret(SECRET_ARN, region="{{ cookiecutter.aws_region }}")

    assert values["DJANGO_SECRET_KEY"] == "k" * 64
    request = secrets_manager.requests[0]
    assert json.loads(request["body"]) == {"SecretId": SECRET_ARN}
    assert request["headers"]["x-amz-target"] == "secretsmanager.GetSecretValue"
    assert request["headers"]["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert request["headers"]["x-amz-security-token"] == "tok"


def test_an_unknown_secret_is_named_in_the_error(secrets_manager):
    with pytest.raises(aws_secrets.SecretUnavailable, match="ResourceNotFoundException"):
        aws_secrets.read_secret(SECRET_ARN + "x", region="{{ cookiecutter.aws_region }}")


def test_an_unreachable_endpoint_fails_fast_and_says_why(monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # nothing listens on the discard port
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")

    with pytest.raises(aws_secrets.SecretUnavailable, match="did not answer") as error:
        aws_secrets.read_secret(SECRET_ARN, region="{{ cookiecutter.aws_region }}")

    assert "VPC" in str(error.value)


def test_production_settings_take_their_secrets_from_the_secret(secrets_manager):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRETS_ARN": SECRET_ARN,
        "DJANGO_ALLOWED_HOSTS": ".execute-api.{{ cookiecutter.aws_region }}.amazonaws.com",
{%- if cookiecutter.storage == "s3" %}
        "DJANGO_S3_BUCKET": "example-assets",
{%- endif %}
{%- if (cookiecutter | derived).tasks %}
        "DJANGO_TASKS_FUNCTION": "{{ cookiecutter.project_slug.replace('_', '-') }}-production:snapstart",
{%- endif %}
{%- if rds %}
        "DJANGO_DATABASE_HOST": "db.internal",
        "DJANGO_DATABASE_PORT": "5432",
        "DJANGO_DATABASE_NAME": "app",
        "DJANGO_DATABASE_SECRET_ARN": SECRET_ARN,
{%- endif %}
    }
    for name in ("DJANGO_SECRET_KEY", "DATABASE_URL"):
        env.pop(name, None)  # the secret must be the only source
    script = "import django; django.setup(); from django.conf import settings as s; "
{%- if rds %}
    # The database password is read at the first connection, as Django asks for its parameters.
    script += "from django.db import connection; print(s.SECRET_KEY, connection.get_connection_params()['password'])"
{%- else %}
    script += "print(s.SECRET_KEY{% if cookiecutter.database == 'postgresql' %}, s.DATABASES['default']['PASSWORD']{% endif %})"
{%- endif %}

    result = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_DIR, env=env, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["k" * 64{% if cookiecutter.database == "postgresql" %}, "s3cr3t"{% endif %}]
