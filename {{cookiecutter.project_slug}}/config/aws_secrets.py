"""
Read the stage's secret from AWS Secrets Manager: one signed GetSecretValue (config/aws_requests.py).

The stack in deploy/stack.yaml keeps the secrets (DJANGO_SECRET_KEY{% if cookiecutter.database == "postgresql" %}, DATABASE_URL{% endif %}) in one
Secrets Manager secret, and the function's environment holds only its ARN: anyone who may read the
function's configuration still sees no secret. The settings read it once, at init.
"""

import json

from config.aws_requests import AwsRefused, AwsUnavailable, endpoint_url, send


class SecretUnavailable(RuntimeError):
    """The secret could not be read; the message says why and never holds a secret value."""


def read_secret(secret_id: str, region: str) -> dict[str, str]:
    """The JSON object stored in a secret (GetSecretValue), as a dict."""
    url = endpoint_url("SECRETS_MANAGER", "secretsmanager", region) + "/"
    body = json.dumps({"SecretId": secret_id}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.GetSecretValue"}
    try:
        _, answer = send("POST", url, body, headers, service="secretsmanager", region=region)
    except AwsRefused as error:
        raise SecretUnavailable(f"Secrets Manager refused to read {secret_id}: {error.code}") from None
    except AwsUnavailable as error:
        raise SecretUnavailable(
            f"Secrets Manager: {error}. In a VPC, the function reaches it through the interface endpoint "
            "deploy/stack.yaml creates."
        ) from None
    try:
        values = json.loads(json.loads(answer)["SecretString"])
    except (KeyError, ValueError):
        raise SecretUnavailable(f"{secret_id} does not hold a JSON object") from None
    if not isinstance(values, dict):
        raise SecretUnavailable(f"{secret_id} does not hold a JSON object")
    return values
