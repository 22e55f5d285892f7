"""How the API answers what went wrong: 422 naming each bad field, 503 and 504 with Retry-After."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from generator_service.config import Settings
from generator_service.generation.errors import Busy, GenerationError, GenerationTimeout
from generator_service.options import load_options
from generator_service.values import OptionErrors


def error_response(errors: dict[str, str], status_code: int = 422) -> JSONResponse:
    """422 with each bad field, what is wrong and, where it helps, what is allowed."""
    options = load_options().options
    details = []
    for field, message in errors.items():
        entry: dict[str, Any] = {"field": field, "message": f"{field}: {message}"}
        allowed = options[field].allowed() if field in options else None
        if allowed is not None:
            entry["allowed"] = allowed
        details.append(entry)
    return JSONResponse({"detail": "invalid options", "errors": details}, status_code=status_code)


def add_error_handlers(app: FastAPI, settings: Settings) -> None:
    """Answer the app's errors: the user's (422) and the server's (503, 504: worth retrying, so say when)."""
    retry = {"Retry-After": str(settings.retry_after_seconds)}

    @app.exception_handler(OptionErrors)
    async def invalid_options(request: Request, error: OptionErrors) -> JSONResponse:
        return error_response(error.errors)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = {str(item["loc"][-1]): item["msg"] for item in error.errors()}
        return error_response(errors)

    @app.exception_handler(Busy)
    async def busy(request: Request, error: Busy) -> JSONResponse:
        return JSONResponse({"detail": f"{error}; retry shortly"}, status_code=503, headers=retry)

    @app.exception_handler(GenerationError)
    async def failed(request: Request, error: GenerationError) -> JSONResponse:
        status = 504 if isinstance(error, GenerationTimeout) else 503
        return JSONResponse({"detail": f"generation failed: {error}"}, status_code=status, headers=retry)
