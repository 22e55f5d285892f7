"""
Serve Lambda HTTP events with Django's WSGI handler, translated by Mangum.

Mangum knows every HTTP event source (API Gateway REST and HTTP APIs, function
URLs, ALB): it turns an event into an ASGI scope and a response back into the
shape that source expects. Django's ASGI handler, though, runs each synchronous
middleware hook in a worker thread, and those hops cost milliseconds per
request. This adapter keeps Mangum's translation and calls Django's WSGI
handler directly instead: no event loop and no thread per request.

It also tells Django where the API Gateway stage sits in the URL (SCRIPT_NAME), so that
``reverse()`` and redirects keep it: Zappa deploys both API types with a named stage
(``https://…/production/health/``). And it logs one line per request: method, path, status and
duration, which Lambda's JSON log format writes as fields beside the request ID.
"""

import io
import logging
import sys
import time
from collections.abc import Callable, Iterable
from typing import Any

from mangum import Mangum
from mangum.types import LambdaContext, LambdaEvent, Response, Scope

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]

# One INFO line per request; raise this logger's level to WARNING to leave them out.
access_log = logging.getLogger("access")


def stage_prefix(event: LambdaEvent) -> str:
    """'/production' when the URL the client called carries the API Gateway stage, '' otherwise.

    A REST API (payload 1.0) removes the stage from ``path`` and keeps it in ``requestContext.path``;
    an HTTP API (payload 2.0) keeps a named stage in ``rawPath`` and ``requestContext.http.path``
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
    Behind a custom domain neither carries it, nor do function URLs and ALB, which have no stage.
    """
    context = event.get("requestContext") or {}
    stage = context.get("stage")
    if not stage or stage == "$default":
        return ""
    called = (context.get("http") or {}).get("path") if event.get("version") == "2.0" else context.get("path")
    prefix = f"/{stage}"
    return prefix if called and (called == prefix or called.startswith(prefix + "/")) else ""


def build_environ(scope: Scope, body: bytes) -> dict[str, Any]:
    """The WSGI environ (PEP 3333) for an ASGI HTTP scope and its body."""
    server_name, server_port = scope.get("server") or ("localhost", 443)
    client_host = (scope.get("client") or ("", 0))[0] or ""
    event = scope.get("aws.event") or {}
    script_name = stage_prefix(event)
    path = scope["path"]
    if script_name and event.get("version") == "2.0":
        path = path[len(script_name) :] or "/"
    environ = {
        "REQUEST_METHOD": scope["method"],
        # WSGI carries paths as latin-1 strings of the raw UTF-8 bytes.
        "SCRIPT_NAME": script_name.encode("utf-8").decode("latin-1"),
        "PATH_INFO": path.encode("utf-8").decode("latin-1"),
        "QUERY_STRING": scope["query_string"].decode("latin-1"),
        "SERVER_NAME": server_name,
        "SERVER_PORT": str(server_port),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": client_host,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope["scheme"],
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin-1")
        if "_" in name:
            # As runserver and nginx do: "X_Forwarded_For" must not pass for "X-Forwarded-For".
            continue
        key = name.upper().replace("-", "_")
        if key == "CONTENT_LENGTH":
            continue  # the body is already decoded; its length is set above
        if key != "CONTENT_TYPE":
            key = f"HTTP_{key}"
        value = raw_value.decode("latin-1")
        environ[key] = f"{environ[key]},{value}" if key in environ else value
    return environ


def call_wsgi(app: WSGIApp, scope: Scope, body: bytes) -> Response:
    """Run one request through a WSGI application; return Mangum's response dict."""
    started: dict[str, Any] = {}
    chunks: list[bytes] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable:
        started["status"] = int(status.split(" ", 1)[0])
        # Django writes Set-Cookie values with a leading space; header values carry none.
        started["headers"] = [
            [name.lower().encode("latin-1"), value.strip().encode("latin-1")] for name, value in headers
        ]
        return chunks.append

    result = app(build_environ(scope, body), start_response)
    try:
        chunks.extend(result)
    finally:
        # Django sends request_finished here, which closes or recycles database connections.
        if hasattr(result, "close"):
            result.close()
    response_body = b"" if scope["method"] == "HEAD" else b"".join(chunks)
    return {"status": started["status"], "headers": started["headers"], "body": response_body}


class DjangoLambdaAdapter(Mangum):
    """Mangum's event handling around a WSGI application."""

    def __init__(self, app: WSGIApp, **options: Any) -> None:
        super().__init__(app, lifespan="off", **options)  # type: ignore[arg-type]

    def _setup_event_loop(self) -> None:
        """Nothing here is asynchronous, so don't create the event loop Mangum would."""

    def __call__(self, event: LambdaEvent, context: LambdaContext) -> dict[str, Any]:
        started = time.perf_counter()
        handler = self.infer(event, context)
        response = call_wsgi(self.app, handler.scope, handler.body)
        log_request(handler.scope, response["status"], started)
        return handler(response)


def log_request(scope: Scope, status: int, started: float) -> None:
    """The request's line: "GET /health/ 200 3.05 ms", with each part as a field of its own."""
    milliseconds = round((time.perf_counter() - started) * 1000, 2)
    method, path = scope["method"], scope["path"]
    fields = {"method": method, "path": path, "status": status, "duration_ms": milliseconds}
    access_log.info("%s %s %s %.2f ms", method, path, status, milliseconds, extra=fields)
