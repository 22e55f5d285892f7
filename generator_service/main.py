"""The FastAPI application: `uvicorn generator_service.main:app` (or `make serve`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from generator_service.config import Settings, get_settings
from generator_service.generation import Busy, GenerationError, GenerationTimeout
from generator_service.limits import BodyLimitMiddleware
from generator_service.options import OptionErrors
from generator_service.routers import api, pages
from generator_service.service import GeneratorService, error_response

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = GeneratorService(settings)
        yield
        await app.state.service.close()

    app = FastAPI(
        title="cookiecutter-django-lambda generator",
        description="Pick options, preview the Django-on-Lambda project they produce, download it.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages.router)
    app.include_router(api.router)

    @app.exception_handler(OptionErrors)
    async def invalid_options(request: Request, error: OptionErrors) -> JSONResponse:
        return error_response(error.errors)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = {str(item["loc"][-1]): item["msg"] for item in error.errors()}
        return error_response(errors)

    @app.exception_handler(Busy)
    async def busy(request: Request, error: Busy) -> JSONResponse:
        headers = {"Retry-After": str(settings.retry_after_seconds)}
        return JSONResponse({"detail": f"{error}; retry shortly"}, status_code=503, headers=headers)

    @app.exception_handler(GenerationError)
    async def failed(request: Request, error: GenerationError) -> JSONResponse:
        # The server's trouble, not the request's: worth retrying, so say when.
        status = 504 if isinstance(error, GenerationTimeout) else 503
        headers = {"Retry-After": str(settings.retry_after_seconds)}
        return JSONResponse({"detail": f"generation failed: {error}"}, status_code=status, headers=headers)

    return app


app = create_app()
