"""The stand-in's front door: records every request, answers what moto lacks, passes the rest to moto.

Besides AWS's APIs it answers a few paths of its own, under ``/_stand_in/``: the invocation history
and the asynchronous events still pending (for the tests), the container credentials a SnapStart
function fetches (:mod:`.container_credentials`), and firing a schedule (:mod:`.schedules`).
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from support.aws_stand_in import rds, schedules
from support.aws_stand_in.account import split_function_name
from support.aws_stand_in.async_invoke import EventQueue
from support.aws_stand_in.container_credentials import CREDENTIALS_PATH
from support.aws_stand_in.event_invoke_config import EventInvokeConfigs
from support.aws_stand_in.invoke import Invoker
from support.aws_stand_in.lambda_api import LambdaError, LambdaExtras
from support.aws_stand_in.operations import Call, identify

# Where the tests read what ran: GET this path for the invocation history.
HISTORY_PATH = "/_stand_in/invocations"
# GET: {"pending": N}, the asynchronous events queued, running or waiting for a retry.
ASYNC_PATH = "/_stand_in/async"
# POST {"name", "group", "region"}: fire that schedule now.
FIRE_PATH = "/_stand_in/schedules/fire"
LARGE_VALUE = 2000


class StandInApp:
    """WSGI middleware around moto's server application."""

    def __init__(self, moto_app: Callable, invoker: Invoker, events: EventQueue, record_path: Path) -> None:
        self.moto_app = moto_app
        self.invoker = invoker
        self.events = events
        self.extras = LambdaExtras()
        self.event_configs: EventInvokeConfigs = events.configs
        self.record_path = record_path
        self.record_lock = threading.Lock()
        self.own_paths = {
            ("GET", HISTORY_PATH): lambda environ, body: (200, self.invoker.history),
            ("GET", ASYNC_PATH): lambda environ, body: (200, {"pending": self.events.pending}),
            ("GET", CREDENTIALS_PATH): self._credentials,
            ("POST", FIRE_PATH): self._fire,
        }

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        if own := self.own_paths.get((environ["REQUEST_METHOD"], environ["PATH_INFO"])):
            return self._json(start_response, *own(environ, body))
        call = identify(
            environ["REQUEST_METHOD"],
            environ["PATH_INFO"],
            environ.get("QUERY_STRING", ""),
            request_headers(environ),
            body,
        )
        self._record(call)
        try:
            if call.service == "lambda" and call.operation in LambdaExtras.HANDLED:
                return self._json(start_response, *self.extras.answer(call))
            if call.service == "lambda" and call.operation in EventInvokeConfigs.HANDLED:
                return self._json(start_response, *self.event_configs.answer(call))
            if call.service == "lambda" and call.operation == "Invoke":
                return self._invoke(call, environ, body, start_response)
            if call.service == "secretsmanager" and call.operation == "RotateSecret":
                secret_id = (call.body or {}).get("SecretId", "")
                if rds.rotates(secret_id):  # an RDS-managed login: RDS rotates it at once
                    return self._json(start_response, 200, rds.rotate(secret_id))
        except LambdaError as error:
            return self._json(
                start_response,
                error.status,
                {"Type": "User", "message": error.message},
                {"x-amzn-ErrorType": error.code},
            )
        return self._pass_to_moto(call, environ, start_response)

    def _invoke(self, call: Call, environ: dict, body: bytes, start_response: Callable) -> Iterable[bytes]:
        headers = request_headers(environ)
        name, qualifier = call.path_params["FunctionName"], call.query.get("Qualifier")
        if headers.get("x-amz-invocation-type") == "Event":  # queued; answered before it runs
            request_id = self.events.accept(call.region, name, qualifier, body)
            return self._json(start_response, 202, None, {"x-amzn-RequestId": request_id})
        result = self.invoker.invoke(call.region, name, qualifier, body, headers)
        start_response(f"{result.status} OK", [*result.headers.items(), ("Content-Length", str(len(result.payload)))])
        return [result.payload]

    def _credentials(self, environ: dict, body: bytes) -> tuple[int, dict]:
        return self.invoker.credentials.answer(environ.get("HTTP_AUTHORIZATION", ""))

    def _fire(self, environ: dict, body: bytes) -> tuple[int, dict]:
        try:
            asked = json.loads(body)
            region, name, group = asked["region"], asked["name"], asked.get("group") or "default"
        except (ValueError, KeyError, TypeError):
            return 400, {"message": 'POST {"name": ..., "region": ..., "group": "default"}'}
        return schedules.fire(self.events, region, name, group)

    def _pass_to_moto(self, call: Call, environ: dict, start_response: Callable) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info: Any = None) -> Callable:
            captured["status"] = int(status.split()[0])
            if (call.service, call.operation, captured["status"]) == ("lambda", "AddPermission", 200):
                status = "201 Created"  # as Lambda answers; Zappa logs an error on anything else
            return start_response(status, headers, exc_info)

        response = self.moto_app(environ, capture)
        if call.service == "lambda" and call.operation == "DeleteFunction" and captured.get("status", 500) < 300:
            name, qualifier = split_function_name(call.path_params.get("FunctionName", ""), call.query.get("Qualifier"))
            if qualifier is None:
                self.extras.forget_function(call.region, name)
                self.event_configs.forget_function(call.region, name)
        return response

    def _record(self, call: Call) -> None:
        call.body = shorten(call.body)
        with self.record_lock, self.record_path.open("a") as record:
            record.write(call.to_json() + "\n")

    @staticmethod
    def _json(start_response: Callable, status: int, document: Any, headers: dict | None = None) -> list[bytes]:
        payload = b"" if document is None else json.dumps(document).encode()
        response_headers = [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))]
        start_response(f"{status} OK", response_headers + list((headers or {}).items()))
        return [payload]


def request_headers(environ: dict) -> dict[str, str]:
    headers = {key[5:].replace("_", "-").lower(): value for key, value in environ.items() if key.startswith("HTTP_")}
    if environ.get("CONTENT_TYPE"):
        headers["content-type"] = environ["CONTENT_TYPE"]
    return headers


def shorten(value: Any) -> Any:
    """Keep recorded parameters readable: a zip in base64 becomes '<13421772 characters>'."""
    if isinstance(value, dict):
        return {key: shorten(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shorten(item) for item in value]
    if isinstance(value, str) and len(value) > LARGE_VALUE:
        return f"<{len(value)} characters>"
    return value
