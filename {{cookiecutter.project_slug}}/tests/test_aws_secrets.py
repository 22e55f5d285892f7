{%- set rds = (cookiecutter | derived).stack_database -%}
"""Reading the stage's secret: the request is signed as botocore signs it, and the settings use it."""

import datetime
import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from config import aws_secrets

PROJECT_DIR = Path(__file__).resolve().parent.parent
SECRET_ARN = "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:my-secret-AbCdEf"  # noqa: S105 (a name)
CREDENTIALS = {"access_key": "AKIDEXAMPLE", "secret_key": "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "token": "tok"}


@pytest.mark.parametrize("token", ["tok", ""])
def test_signature_is_the_one_botocore_computes(token):
    url = "https://secretsmanager.{{ cookiecutter.aws_region }}.amazonaws.com/"
    body = json.dumps({"SecretId": SECRET_ARN}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.GetSecretValue"}
    expected = AWSRequest(method="POST", url=url, data=body, headers=dict(headers))
    credentials = Credentials(CREDENTIALS["access_key"], CREDENTIALS["secret_key"], token or None)
    SigV4Auth(credentials, "secretsmanager", "{{ cookiecutter.aws_region }}").add_auth(expected)
    when = datetime.datetime.strptime(expected.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)

    signed = aws_secrets.sign(url, body, headers, "{{ cookiecutter.aws_region }}", {**CREDENTIALS, "token": token}, when)

    assert signed["Authorization"] == expected.headers["Authorization"]


class SecretsManager:
    """Answers GetSecretValue on 127.0.0.1 for one secret, and remembers what it was asked."""

    def __init__(self, values: dict[str, str]) -> None:
        self.requests: list[dict] = []
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                stand_in.requests.append({"headers": dict(self.headers), "body": body})
                known = body["SecretId"] == SECRET_ARN
                answer = {"SecretString": json.dumps(values)} if known else {"__type": "ResourceNotFoundException"}
                payload = json.dumps(answer).encode()
                self.send_response(200 if known else 400)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def secrets_manager(monkeypatch):
{%- if rds %}
    # One secret stands in for both: the stage's, and the database login RDS keeps.
    values = {"DJANGO_SECRET_KEY": "k" * 64, "username": "app", "password": "s3cr3t"}
{%- else %}
    values = {"DJANGO_SECRET_KEY": "k" * 64{% if cookiecutter.database == "postgresql" %}, "DATABASE_URL": "postgres://app:s3cr3t@db.example.com:5432/app"{% endif %}}
{%- endif %}
    stand_in = SecretsManager(values)
    for name, value in {"AWS_ENDPOINT_URL": stand_in.url, "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE"}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", CREDENTIALS["secret_key"])
    monkeypatch.setenv("AWS_SESSION_TOKEN", "tok")
    yield stand_in
    stand_in.server.shutdown()


def test_read_secret_sends_a_signed_get_secret_value(secrets_manager):
    values = aws_secrets.read_secret(SECRET_ARN, region="{{ cookiecutter.aws_region }}")

    assert values["DJANGO_SECRET_KEY"] == "k" * 64
    request = secrets_manager.requests[0]
    assert request["body"] == {"SecretId": SECRET_ARN}
    assert request["headers"]["X-Amz-Target"] == "secretsmanager.GetSecretValue"
    assert request["headers"]["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    assert request["headers"]["X-Amz-Security-Token"] == "tok"


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
