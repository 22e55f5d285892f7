"""The runner the settings ask for: warm worker processes, or the server's own process."""

from __future__ import annotations

from typing import Any, Protocol

from generator_service.config import Settings
from generator_service.generation.in_process import InProcessRunner
from generator_service.generation.pool import WorkerPool
from generator_service.generation.project import Project
from generator_service.generation.provenance import template_release


class Runner(Protocol):
    async def generate(self, values: dict[str, Any]) -> Project: ...
    async def close(self) -> None: ...


def make_runner(settings: Settings) -> Runner:
    """Fails at start-up, not at the first download, when the template's commit is unknown."""
    release = template_release(settings.template_dir, settings.template_url, settings.template_commit)
    return WorkerPool(settings, release) if settings.runner == "pool" else InProcessRunner(settings, release)
