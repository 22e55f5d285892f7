"""Events as API Gateway and Lambda function URLs send them to a function."""

from __future__ import annotations


def api_host(region: str = "us-east-1") -> str:
    """The host requests to an API Gateway API name: a made-up API id, in the execute-api domain of ``region``."""
    return f"a1b2c3d4e5.execute-api.{region}.amazonaws.com"


def api_gateway_event(
    version: str, method: str, path: str, host: str, body: str | None = None, stage: str | None = None
) -> dict:
    """An event as API Gateway sends it: payload 1.0 (REST API, stage "production" unless given) or 2.0
    (HTTP API, function URL; stage "$default" unless given).

    As on AWS, a REST API removes the stage from ``path`` and keeps it in ``requestContext.path``; an
    HTTP API keeps a named stage in ``rawPath``
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
    """
    headers = {"host": host, "x-forwarded-proto": "https", "user-agent": "test", "content-type": "application/json"}
    if version == "v1":
        stage = stage or "production"
        return {
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {key: [value] for key, value in headers.items()},
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "requestContext": {
                "stage": stage,
                "path": f"/{stage}{path}",
                "identity": {"sourceIp": "203.0.113.9"},
            },
            "body": body,
            "isBase64Encoded": False,
        }
    stage = stage or "$default"
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "http": {"method": method, "path": raw_path, "sourceIp": "203.0.113.9"},
            "domainName": host,
            "stage": stage,
        },
        "body": body,
        "isBase64Encoded": False,
    }
