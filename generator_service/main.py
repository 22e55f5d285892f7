"""The FastAPI application: `uvicorn generator_service.main:app` (or `make serve`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from generator_service.config import Settings, get_settings
from generator_service.errors import add_error_handlers
from generator_service.limits import BodyLimitMiddleware
from generator_service.routers import api, health, pages
from generator_service.service import GeneratorService

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
    app.include_router(health.router)
    add_error_handlers(app, settings)
    return app


app = create_app()
