"""The function's own calls to AWS: signed as botocore signs them, with the credentials Lambda gives."""

import datetime
import json

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials as BotocoreCredentials

from config import aws_requests
from tests.http_recorder import Recorder

REGION = "{{ cookiecutter.aws_region }}"
CREDENTIALS = aws_requests.Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "tok")
# (service, method, url, body, headers): the calls the project makes.
CALLS = {
    "secretsmanager": (
        "POST",
        f"https://secretsmanager.{REGION}.amazonaws.com/",
        json.dumps({"SecretId": "arn:aws:secretsmanager:us-east-1:123456789012:secret:s"}).encode(),
        {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.GetSecretValue"},
    ),
    "lambda": (
        "POST",
        f"https://lambda.{REGION}.amazonaws.com/2015-03-31/functions/my-api-production/invocations?Qualifier=snapstart",
        json.dumps({"task": {"id": "abc", "args": ["Zoë"]}}).encode(),
        {"X-Amz-Invocation-Type": "Event"},
    ),
}


@pytest.mark.parametrize("service", CALLS)
@pytest.mark.parametrize("token", ["tok", ""])
def test_signature_is_the_one_botocore_computes(service, token):
    method, url, body, headers = CALLS[service]
    expected = AWSRequest(method=method, url=url, data=body, headers=dict(headers))
    botocore_credentials = BotocoreCredentials(CREDENTIALS.access_key, CREDENTIALS.secret_key, token or None)
    SigV4Auth(botocore_credentials, service, REGION).add_auth(expected)
    when = datetime.datetime.strptime(expected.headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    credentials = aws_requests.Credentials(CREDENTIALS.access_key, CREDENTIALS.secret_key, token)
    scope = aws_requests.Scope(service, REGION, credentials)

    signed = aws_requests.sign(method, url, body, headers, scope, when)

    assert signed["Authorization"] == expected.headers["Authorization"]


def test_credentials_come_from_the_environment_first(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token")
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:9/never-asked")

    assert aws_requests.role_credentials() == aws_requests.Credentials("AKIDENV", "secret", "token")


def test_with_snapstart_they_come_from_the_container_credentials_endpoint(monkeypatch):
    # Lambda gives a SnapStart function these two variables instead of the access key's.
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    document = {"AccessKeyId": "AKIDROLE", "SecretAccessKey": "s", "Token": "t", "Expiration": "2030-01-01T00:00:00Z"}
    with Recorder(lambda request: (200, document)) as endpoint:
        monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{endpoint.url}/2021-04-23/credentials")
        monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "Bearer xyz")

        credentials = aws_requests.role_credentials()

    assert credentials == aws_requests.Credentials("AKIDROLE", "s", "t")
    assert endpoint.requests[0]["headers"]["authorization"] == "Bearer xyz"


def test_no_credentials_is_a_clear_error(monkeypatch):
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        monkeypatch.delenv(name, raising=False)

    with pytest.raises(aws_requests.AwsUnavailable, match="no AWS credentials"):
        aws_requests.role_credentials()


def test_an_error_answer_carries_aws_error_type(monkeypatch):
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "x")
    answer = {"__type": "com.amazonaws.lambda#TooManyRequestsException", "message": "Rate exceeded"}
    with Recorder(lambda request: (429, answer)) as lambda_api, pytest.raises(aws_requests.AwsRefused) as refused:
        aws_requests.send("POST", lambda_api.url + "/", b"{}", {}, service="lambda", region=REGION)

    assert (refused.value.status, refused.value.code) == (429, "TooManyRequestsException")
