"""The runner the settings ask for: warm worker processes, or the server's own process."""

from __future__ import annotations

from typing import Any, Protocol

from generator_service.config import Settings
from generator_service.generation.in_process import InProcessRunner
from generator_service.generation.pool import WorkerPool
from generator_service.generation.project import Project


class Runner(Protocol):
    async def generate(self, values: dict[str, Any]) -> Project: ...
    async def close(self) -> None: ...


def make_runner(settings: Settings) -> Runner:
    return WorkerPool(settings) if settings.runner == "pool" else InProcessRunner(settings)
