"""Name the AWS operation behind an HTTP request, as botocore's service models define it.

Every request an SDK signs names its service in the credential scope of its Authorization header.
The operation is then in the X-Amz-Target header (JSON protocols), the Action parameter (query
protocols), or the method and path (REST protocols), matched here against each operation's
``requestUri`` template.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote

import botocore.session


@dataclass
class Call:
    """One request to the stand-in: who it was for and what it asked."""

    service: str
    operation: str
    region: str
    method: str
    path: str
    path_params: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    body: Any = None
    access_key: str = ""  # whose credentials signed it: the deploy role's, in the CI step

    def to_json(self) -> str:
        return json.dumps(self.__dict__, default=str)


@functools.cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


@dataclass(frozen=True)
class Route:
    """How one REST operation is addressed: method, path, and the query or header it can't lack."""

    operation: str
    method: str
    pattern: re.Pattern
    query: tuple[tuple[str, str], ...]  # (name, value or "" for any value)
    headers: tuple[str, ...]

    def matches(self, call: Call, headers: dict[str, str]) -> re.Match | None:
        if self.method != call.method:
            return None
        if not all(name in call.query and value in ("", call.query[name]) for name, value in self.query):
            return None
        if not all(name in headers for name in self.headers):
            return None
        return self.pattern.match(call.path.rstrip("/") or "/")


@functools.cache
def _rest_routes(service: str) -> list[Route]:
    """The REST routes of a service, the most specific first (S3's PutObject and CopyObject share a path)."""
    model = _session().get_service_model(service)
    routes = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        path, _, literal_query = operation.http["requestUri"].partition("?")
        pattern = re.escape(path.rstrip("/") or "/")
        pattern = re.sub(r"\\\{(\w+)\\\+\\\}", r"(?P<\1>.+)", pattern)
        pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", pattern)
        query = [tuple(part.partition("=")[::2]) for part in literal_query.split("&") if part]
        headers = []
        shape = operation.input_shape
        for member in shape.required_members if shape else []:
            location = shape.members[member].serialization
            if location.get("location") == "querystring":
                query.append((location["name"], ""))
            elif location.get("location") == "header":
                headers.append(location["name"].lower())
        routes.append(Route(name, operation.http["method"], re.compile(pattern + "/?$"), tuple(query), tuple(headers)))
    literal_length = lambda route: len(re.sub(r"\(\?P<\w+>[^)]*\)", "", route.pattern.pattern))  # noqa: E731
    routes.sort(key=lambda route: (-(len(route.query) + len(route.headers)), -literal_length(route)))
    return routes


def signed_by(authorization: str) -> tuple[str, str, str]:
    """('lambda', 'us-east-1', 'KEY') from 'AWS4-HMAC-SHA256 Credential=KEY/20260101/us-east-1/lambda/aws4_request'."""
    match = re.search(r"Credential=([^/]+)/\d{8}/([^/]+)/([^/]+)/aws4_request", authorization or "")
    return (match.group(3), match.group(2), match.group(1)) if match else ("unknown", "us-east-1", "")


def looks_like_json(body: bytes) -> bool:
    """A JSON document whatever its Content-Type says: Lambda's Invoke takes the event as it comes, and
    urllib sends a body as form-urlencoded unless told otherwise. A query protocol's body never starts so."""
    return body.lstrip()[:1] in (b"{", b"[")


def parse_body(content_type: str, body: bytes) -> Any:
    if not body:
        return None
    if "json" in content_type or looks_like_json(body):
        try:
            return json.loads(body)
        except ValueError:
            return None
    if "x-www-form-urlencoded" in content_type:
        return {key: values[0] for key, values in parse_qs(body.decode(errors="replace")).items()}
    return f"<{len(body)} bytes>"


def identify(method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Call:
    """What a request asks: service, operation and parameters."""
    service, region, access_key = signed_by(headers.get("authorization", ""))
    if service == "apigateway" and path.startswith("/v2/"):
        service = "apigatewayv2"  # both API Gateway APIs sign as "apigateway"
    parsed_query = {key: values[0] for key, values in parse_qs(query, keep_blank_values=True).items()}
    parsed_body = parse_body(headers.get("content-type", ""), body)
    call = Call(service, "Unknown", region, method, unquote(path), query=parsed_query, body=parsed_body)
    call.access_key = access_key
    form = "x-www-form-urlencoded" in headers.get("content-type", "") and not looks_like_json(body)
    if target := headers.get("x-amz-target"):
        call.operation = target.rpartition(".")[2]
    elif form and "Action" in (parsed_body or {}):
        call.operation = parsed_body["Action"]
    elif "Action" in parsed_query:
        call.operation = parsed_query["Action"]
    elif service != "unknown":
        _match_rest(call, headers)
    return call


def _match_rest(call: Call, headers: dict[str, str]) -> None:
    try:
        routes = _rest_routes(call.service)
    except Exception:  # a service botocore has no model for: leave the operation unknown
        return
    for route in routes:
        if match := route.matches(call, headers):
            call.operation = route.operation
            call.path_params = {key: unquote(value) for key, value in match.groupdict().items()}
            return
