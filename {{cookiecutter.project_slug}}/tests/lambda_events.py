"""Realistic Lambda events for each HTTP source, shaped like the ones AWS sends.

https://docs.aws.amazon.com/lambda/latest/dg/services-apigateway.html
https://docs.aws.amazon.com/lambda/latest/dg/urls-invocation.html
https://docs.aws.amazon.com/elasticloadbalancing/latest/application/lambda-functions.html
"""

import base64
from urllib.parse import parse_qs

REGION = "{{ cookiecutter.aws_region }}"
API_HOST = f"a1b2c3d4e5.execute-api.{REGION}.amazonaws.com"
FUNCTION_URL_HOST = f"abcdefghijklmnopqrstuvwxyz012345.lambda-url.{REGION}.on.aws"
ALB_HOST = f"my-alb-1234567890.{REGION}.elb.amazonaws.com"


def _body(body: bytes | str | None, binary: bool) -> tuple[str | None, bool]:
    if body is None:
        return None, False
    if binary:
        raw = body if isinstance(body, bytes) else body.encode()
        return base64.b64encode(raw).decode(), True
    return (body.decode() if isinstance(body, bytes) else body), False


def _headers(host: str, headers: dict[str, str] | None) -> dict[str, str]:
    return {"host": host, "user-agent": "pytest", "x-forwarded-proto": "https", **(headers or {})}


def rest_api(method="GET", path="/", query="", headers=None, body=None, binary=False, stage="production"):
    """API Gateway REST API (payload 1.0): the stage is not part of ``path``."""
    body, encoded = _body(body, binary)
    params = parse_qs(query) if query else None
    all_headers = _headers(API_HOST, headers)
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": all_headers,
        "multiValueHeaders": {name: [value] for name, value in all_headers.items()},
        "queryStringParameters": {key: values[-1] for key, values in params.items()} if params else None,
        "multiValueQueryStringParameters": params,
        "pathParameters": {"proxy": path.lstrip("/")},
        "stageVariables": None,
        "requestContext": {
            "resourcePath": "/{proxy+}",
            "httpMethod": method,
            "path": f"/{stage}{path}",
            "stage": stage,
            "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
            "domainName": API_HOST,
            "apiId": "a1b2c3d4e5",
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "pytest"},
        },
        "body": body,
        "isBase64Encoded": encoded,
    }


def http_api(
    method="GET",
    path="/",
    query="",
    headers=None,
    body=None,
    binary=False,
    cookies=None,
    host=API_HOST,
    stage="$default",
):
    """API Gateway HTTP API (payload 2.0); function URLs send the same shape.

    A named stage, such as the "production" stage Zappa deploys, stays in ``rawPath``.
    """
    body, encoded = _body(body, binary)
    path = path if stage == "$default" else f"/{stage}{path}"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "cookies": cookies or [],
        "headers": _headers(host, headers),
        "queryStringParameters": {key: ",".join(values) for key, values in parse_qs(query).items()} or None,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": host.split(".")[0],
            "domainName": host,
            "domainPrefix": host.split(".")[0],
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "pytest",
            },
            "requestId": "JKJaXmPLvHcESHA=",
            "routeKey": "$default",
            "stage": stage,
            "time": "10/Mar/2026:00:03:59 +0000",
            "timeEpoch": 1773100000000,
        },
        "body": body,
        "isBase64Encoded": encoded,
    }


def function_url(method="GET", path="/", **kwargs):
    return http_api(method, path, host=FUNCTION_URL_HOST, **kwargs)


def alb(method="GET", path="/", query="", headers=None, body=None, binary=False):
    """Application Load Balancer target group event (single-value headers).

    Unlike API Gateway, ALB passes query values as the client encoded them ("caf%C3%A9"), and the
    client's address only in X-Forwarded-For.
    """
    body, encoded = _body(body, binary)
    params = dict(part.split("=", 1) for part in query.split("&") if part)
    return {
        "requestContext": {
            "elb": {"targetGroupArn": f"arn:aws:elasticloadbalancing:{REGION}:123456789012:targetgroup/api/abc"}
        },
        "httpMethod": method,
        "path": path,
        "queryStringParameters": params,
        "headers": _headers(ALB_HOST, {"x-forwarded-for": "203.0.113.7", "x-forwarded-port": "443", **(headers or {})}),
        "body": body or "",
        "isBase64Encoded": encoded,
    }


EVENT_SOURCES = {"rest_api": rest_api, "http_api": http_api, "function_url": function_url, "alb": alb}


class LambdaContext:
    """The attributes of the context object Lambda passes to the handler."""

    function_name = "{{ cookiecutter.project_slug.replace('_', '-') }}-production"
    function_version = "$LATEST"
    invoked_function_arn = f"arn:aws:lambda:{REGION}:123456789012:function:{function_name}"
    memory_limit_in_mb = {{ cookiecutter.memory_size | int }}
    aws_request_id = "0b6e3d6f-5f7c-4e9a-9a5e-1d2c3b4a5f60"
    log_group_name = f"/aws/lambda/{function_name}"
    log_stream_name = "2026/03/10/[$LATEST]0123456789abcdef"

    def get_remaining_time_in_millis(self) -> int:
        return {{ cookiecutter.timeout_seconds | int }} * 1000


def response_body(response: dict) -> bytes:
    """The body of a Lambda HTTP response, decoded from base64 when needed."""
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()


def response_cookies(response: dict) -> list[str]:
    """Set-Cookie values, wherever the event source puts them."""
    if "cookies" in response:
        return response["cookies"]
    cookies = (response.get("multiValueHeaders") or {}).get("set-cookie")
    single = response.get("headers", {}).get("set-cookie")
    return cookies or ([single] if single else [])
