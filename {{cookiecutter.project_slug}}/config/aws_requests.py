"""
Signed requests to AWS's APIs with the standard library: every call the function itself makes to AWS.

The function calls Secrets Manager at start-up (config/aws_secrets.py){% if (cookiecutter | derived).tasks %}, and Lambda's Invoke for each
background task (config/lambda_tasks.py){% endif %}. boto3 would do it, but importing it and making a
client takes longer than the rest of Django's start-up (about 0.6 s on a small machine), at every cold start.
One signed HTTPS request needs ``hmac``, ``hashlib`` and ``urllib``: Signature Version 4, as
https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html describes it. The tests check
each signature against botocore's own signer.

The credentials are the execution role's, found where the AWS SDKs find them on Lambda: in the
environment (AWS_ACCESS_KEY_ID, ...), or else at the container credentials endpoint that Lambda names in
AWS_CONTAINER_CREDENTIALS_FULL_URI instead when SnapStart is on
(https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-credentials). They are
read for each request and never kept, so a SnapStart snapshot holds none.
"""

import datetime
import hashlib
import hmac
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlsplit

# Long enough for a cold TLS handshake, short enough to fail well inside Lambda's 10 s init phase
# when the function sits in a VPC without a route to the service.
TIMEOUT_SECONDS = 5


class AwsUnavailable(RuntimeError):
    """AWS could not be asked: no credentials, or no answer. The message never holds a secret."""


class AwsRefused(RuntimeError):
    """AWS answered with an error; ``code`` is its error type, such as ResourceNotFoundException."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(f"{code} (HTTP {status})")
        self.status, self.code = status, code


@dataclass(frozen=True)
class Credentials:
    access_key: str
    secret_key: str
    token: str = ""


def endpoint_url(service: str, host_prefix: str, region: str) -> str:
    """The service's address; AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL override it, as for the AWS SDKs."""
    for name in (f"AWS_ENDPOINT_URL_{service}", "AWS_ENDPOINT_URL"):
        if os.environ.get(name):
            return os.environ[name].rstrip("/")
    return f"https://{host_prefix}.{region}.amazonaws.com"


def role_credentials() -> Credentials:
    """The execution role's temporary credentials, from the environment or the container credentials endpoint."""
    environ = os.environ
    if environ.get("AWS_ACCESS_KEY_ID") and environ.get("AWS_SECRET_ACCESS_KEY"):
        return Credentials(
            environ["AWS_ACCESS_KEY_ID"], environ["AWS_SECRET_ACCESS_KEY"], environ.get("AWS_SESSION_TOKEN", "")
        )
    if environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"):
        return container_credentials(environ["AWS_CONTAINER_CREDENTIALS_FULL_URI"])
    raise AwsUnavailable(
        "no AWS credentials: neither AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY nor "
        "AWS_CONTAINER_CREDENTIALS_FULL_URI is set"
    )


def container_credentials(url: str) -> Credentials:
    """GET the credentials endpoint with its authorization token, as botocore's ContainerProvider does."""
    token = os.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN", "")
    if not token and os.environ.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"):
        with open(os.environ["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"]) as token_file:
            token = token_file.read().strip()
    # A loopback address Lambda gives the runtime; never one a caller chose.
    request = urllib.request.Request(url, headers={"Authorization": token} if token else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            document = json.load(response)
        return Credentials(document["AccessKeyId"], document["SecretAccessKey"], document.get("Token", ""))
    except (OSError, ValueError, KeyError) as error:
        raise AwsUnavailable(f"the container credentials endpoint gave none ({type(error).__name__})") from None


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def _canonical_query(query: str) -> str:
    pairs = sorted((quote(key, safe="-_.~"), quote(value, safe="-_.~")) for key, value in parse_qsl(query, True))
    return "&".join(f"{key}={value}" for key, value in pairs)


@dataclass(frozen=True)
class Scope:
    """Who signs for which service where: the credentials, the service's signing name and the region."""

    service: str
    region: str
    credentials: Credentials


def sign(method: str, url: str, body: bytes, headers: dict[str, str], scope: Scope, when: datetime.datetime) -> dict:
    """The request's headers with the Signature Version 4 ones added (x-amz-date, the token, Authorization)."""
    amz_date = when.strftime("%Y%m%dT%H%M%SZ")
    credential_scope = f"{amz_date[:8]}/{scope.region}/{scope.service}/aws4_request"
    parts = urlsplit(url)
    signed = {**headers, "host": parts.netloc, "x-amz-date": amz_date}
    if scope.credentials.token:
        signed["x-amz-security-token"] = scope.credentials.token
    lowered = {name.lower(): " ".join(str(value).split()) for name, value in signed.items()}
    names = sorted(lowered)
    canonical_headers = "".join(f"{name}:{lowered[name]}\n" for name in names)
    signed_names = ";".join(names)
    canonical_request = "\n".join(
        [
            method,
            quote(parts.path or "/", safe="/~"),
            _canonical_query(parts.query),
            canonical_headers,
            signed_names,
            hashlib.sha256(body).hexdigest(),
        ]
    )
    string_to_sign = "\n".join(
        ["AWS4-HMAC-SHA256", amz_date, credential_scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
    )
    key = _hmac(("AWS4" + scope.credentials.secret_key).encode(), amz_date[:8])
    for part in (scope.region, scope.service, "aws4_request"):
        key = _hmac(key, part)
    signature = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    signed["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={scope.credentials.access_key}/{credential_scope}, "
        f"SignedHeaders={signed_names}, Signature={signature}"
    )
    return signed


def send(method: str, url: str, body: bytes, headers: dict[str, str], service: str, region: str) -> tuple[int, bytes]:
    """Sign and send one request as the execution role; the status and body of a 2xx answer.

    Raises AwsRefused with AWS's error type for any other answer, AwsUnavailable when there is none.
    """
    scope = Scope(service, region, role_credentials())
    signed = sign(method, url, body, headers, scope, datetime.datetime.now(datetime.UTC))
    # The URL is AWS's endpoint, or the AWS_ENDPOINT_URL the AWS SDKs honour too.
    request = urllib.request.Request(url, data=body, headers=signed, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        raise AwsRefused(error.code, error_type(error.headers.get("x-amzn-ErrorType"), error.read())) from None
    except OSError as error:
        raise AwsUnavailable(
            f"{urlsplit(url).netloc} did not answer within {TIMEOUT_SECONDS} s ({error.__class__.__name__})"
        ) from None


def error_type(header: str | None, body: bytes) -> str:
    """AWS's error type, from the x-amzn-ErrorType header or the JSON body's __type: 'ResourceNotFoundException'."""
    if header:
        return header.split(":", 1)[0]
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        return "UnknownError"
    found = document.get("__type") or document.get("code") or "UnknownError"
    return str(found).rsplit("#", 1)[-1]
