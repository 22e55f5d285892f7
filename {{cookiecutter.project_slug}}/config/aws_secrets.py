"""
Read the stage's secret from AWS Secrets Manager, with the standard library only.

The stack in deploy/stack.yaml keeps the secrets (DJANGO_SECRET_KEY{% if cookiecutter.database == "postgresql" %}, DATABASE_URL{% endif %}) in one
Secrets Manager secret, and the function's environment holds only its ARN: anyone who may read the
function's configuration still sees no secret. The settings read it once, at init.

Why not boto3: importing it and creating a client takes longer than the rest of Django's start-up
(about 0.6 s on a small machine), paid at every cold start. One signed HTTPS request needs
``hmac``, ``hashlib`` and ``urllib``: Signature Version 4, as
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html describes it.
The tests check each signature against botocore's own signer.
"""

import datetime
import hashlib
import hmac
import json
import os
import urllib.error
import urllib.request
from urllib.parse import urlsplit

# Long enough for a cold TLS handshake, short enough to fail well inside Lambda's 10 s init phase
# when the function sits in a VPC without a route to Secrets Manager.
TIMEOUT_SECONDS = 5


class SecretUnavailable(RuntimeError):
    """The secret could not be read; the message says why and never holds a secret value."""


def endpoint_url(region: str) -> str:
    """Secrets Manager's address; AWS_ENDPOINT_URL(_SECRETS_MANAGER) override it, as for the AWS SDKs."""
    for name in ("AWS_ENDPOINT_URL_SECRETS_MANAGER", "AWS_ENDPOINT_URL"):
        if os.environ.get(name):
            return os.environ[name].rstrip("/")
    return f"https://secretsmanager.{region}.amazonaws.com"


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def sign(
    url: str,
    body: bytes,
    headers: dict[str, str],
    region: str,
    credentials: dict[str, str],
    when: datetime.datetime,
) -> dict[str, str]:
    """The headers of a POST to ``url``, signed with Signature Version 4 for Secrets Manager."""
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    scope = f"{amz_date[:8]}/{region}/secretsmanager/aws4_request"
    signed = {**headers, "host": urlsplit(url).netloc, "x-amz-date": amz_date}
    if credentials.get("token"):
        signed["x-amz-security-token"] = credentials["token"]
    names = sorted(name.lower() for name in signed)
    lowered = {name.lower(): " ".join(str(value).split()) for name, value in signed.items()}
    canonical_headers = "".join(f"{name}:{lowered[name]}\n" for name in names)
    signed_names = ";".join(names)
    path = urlsplit(url).path or "/"
    canonical_request = "\n".join(["POST", path, "", canonical_headers, signed_names, hashlib.sha256(body).hexdigest()])
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = _hmac(("AWS4" + credentials["secret_key"]).encode(), amz_date[:8])
    for part in (region, "secretsmanager", "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    signed["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={credentials['access_key']}/{scope}, "
        f"SignedHeaders={signed_names}, Signature={signature}"
    )
    return signed


def lambda_credentials() -> dict[str, str]:
    """The execution role's temporary credentials, which Lambda puts in the environment."""
    try:
        return {
            "access_key": os.environ["AWS_ACCESS_KEY_ID"],
            "secret_key": os.environ["AWS_SECRET_ACCESS_KEY"],
            "token": os.environ.get("AWS_SESSION_TOKEN", ""),
        }
    except KeyError as missing:
        raise SecretUnavailable(f"no AWS credentials in the environment ({missing.args[0]} is not set)") from None


def read_secret(secret_id: str, region: str) -> dict[str, str]:
    """The JSON object stored in a secret (GetSecretValue), as a dict."""
    url = endpoint_url(region) + "/"
    body = json.dumps({"SecretId": secret_id}).encode()
    headers = {"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "secretsmanager.GetSecretValue"}
    headers = sign(url, body, headers, region, lambda_credentials(), datetime.datetime.now(datetime.UTC))
    # The URL is https://secretsmanager..., or the AWS_ENDPOINT_URL the AWS SDKs honour too.
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            document = json.load(response)
    except urllib.error.HTTPError as error:
        reason = json.loads(error.read() or b"{}").get("__type", error.reason)
        raise SecretUnavailable(f"Secrets Manager refused to read {secret_id}: {reason}") from None
    except OSError as error:
        raise SecretUnavailable(
            f"Secrets Manager at {url} did not answer within {TIMEOUT_SECONDS} s ({error.__class__.__name__}). "
            "In a VPC, the function reaches it through the interface endpoint deploy/stack.yaml creates."
        ) from None
    try:
        values = json.loads(document["SecretString"])
    except (KeyError, ValueError):
        raise SecretUnavailable(f"{secret_id} does not hold a JSON object") from None
    if not isinstance(values, dict):
        raise SecretUnavailable(f"{secret_id} does not hold a JSON object")
    return values
