"""One generation at a time in the server's own process, for hosts without worker processes (AWS Lambda)."""

from __future__ import annotations

import asyncio
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from generator_service.config import Settings
from generator_service.generation.errors import Busy, GenerationError, describe_failure
from generator_service.generation.jobs import job_folder
from generator_service.generation.project import Project
from generator_service.generation.provenance import TemplateRelease
from generator_service.generation.sandbox import install_sandbox
from generator_service.generation.worker import generate_in_folder


@contextmanager
def kept_environment() -> Iterator[None]:
    """HOME, TMPDIR and tempfile's folder as they were before the block, whatever it set."""
    saved = {name: os.environ.get(name) for name in ("HOME", "TMPDIR")}
    saved_tempdir = tempfile.tempdir
    try:
        yield
    finally:
        tempfile.tempdir = saved_tempdir
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class InProcessRunner:
    """One generation at a time in this process, for hosts without worker processes (AWS Lambda)."""

    def __init__(self, settings: Settings, release: TemplateRelease) -> None:
        self.settings = settings
        self.release = release
        self.lock = threading.Lock()
        self.waiting = 0
        install_sandbox()

    async def generate(self, values: dict[str, Any]) -> Project:
        if self.waiting >= 1 + self.settings.queue_size:
            raise Busy("the generator is busy")
        self.waiting += 1
        try:
            return await asyncio.to_thread(self._generate, values)
        finally:
            self.waiting -= 1

    def _generate(self, values: dict[str, Any]) -> Project:
        with self.lock, kept_environment(), job_folder(self.settings) as job_dir:
            try:
                return generate_in_folder(str(self.settings.template_dir), self.release, values, job_dir)
            except GenerationError:
                raise
            except Exception as error:
                raise GenerationError(describe_failure(error)) from error

    async def close(self) -> None:
        pass
