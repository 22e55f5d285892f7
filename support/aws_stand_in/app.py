"""The stand-in's front door: records every request, answers what moto lacks, passes the rest to moto."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from support.aws_stand_in import rds
from support.aws_stand_in.account import split_function_name
from support.aws_stand_in.invoke import Invoker
from support.aws_stand_in.lambda_api import LambdaError, LambdaExtras
from support.aws_stand_in.operations import Call, identify

# Where the tests read what ran: GET this path for the invocation history.
HISTORY_PATH = "/_stand_in/invocations"
LARGE_VALUE = 2000


class StandInApp:
    """WSGI middleware around moto's server application."""

    def __init__(self, moto_app: Callable, invoker: Invoker, record_path: Path) -> None:
        self.moto_app = moto_app
        self.invoker = invoker
        self.extras = LambdaExtras()
        self.record_path = record_path
        self.record_lock = threading.Lock()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        environ["wsgi.input"] = io.BytesIO(body)
        if environ["PATH_INFO"] == HISTORY_PATH:
            return self._json(start_response, 200, self.invoker.history)
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
                status, document = self.extras.answer(call)
                return self._json(start_response, status, document)
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
        result = self.invoker.invoke(
            call.region, call.path_params["FunctionName"], call.query.get("Qualifier"), body, headers
        )
        start_response(f"{result.status} OK", [*result.headers.items(), ("Content-Length", str(len(result.payload)))])
        return [result.payload]

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
