"""Warm worker processes, one job each at a time, with a bounded waiting line and a time limit."""

from __future__ import annotations

import asyncio
import multiprocessing
from typing import Any

from generator_service.config import Settings
from generator_service.generation.errors import Busy, GenerationError, GenerationTimeout, WorkerStopped
from generator_service.generation.jobs import job_folder
from generator_service.generation.project import Project
from generator_service.generation.provenance import TemplateRelease
from generator_service.generation.worker import worker_main


class Worker:
    """The server's handle on one worker process and the pipe to it."""

    def __init__(self, template_dir: str, release: TemplateRelease) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of the server's threads
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, template_dir, release), daemon=True)
        self.process.start()
        child.close()

    def run(self, job: dict[str, Any], timeout: float) -> Project:
        """Blocking: send a job and wait for its result."""
        try:
            self.connection.send(job)
        except OSError as error:  # the worker died while idle
            raise WorkerStopped("the generation worker stopped; try again") from error
        if not self.connection.poll(timeout):
            raise GenerationTimeout(f"generation took longer than {timeout:g} s")
        try:
            status, payload = self.connection.recv()
        except (EOFError, OSError) as error:
            raise WorkerStopped("the generation worker stopped; try again") from error
        if status != "ok":
            raise GenerationError(payload)
        return payload

    def stop(self) -> None:
        self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()


class WorkerPool:
    """Warm worker processes; one job each at a time; bounded waiting line."""

    def __init__(self, settings: Settings, release: TemplateRelease) -> None:
        self.settings = settings
        self.template_dir = str(settings.template_dir)
        self.release = release
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.admission = asyncio.Semaphore(settings.workers + settings.queue_size)
        for _ in range(settings.workers):
            self.idle.put_nowait(Worker(self.template_dir, self.release))

    async def generate(self, values: dict[str, Any]) -> Project:
        if self.admission.locked():
            raise Busy("all generation workers are busy")
        async with self.admission:
            # The folder before the worker: a full disk must not lose one.
            with job_folder(self.settings) as job_dir:
                worker = await self.idle.get()
                try:
                    job = {"values": values, "job_dir": job_dir}
                    return await asyncio.to_thread(worker.run, job, self.settings.generation_timeout_seconds)
                except (GenerationTimeout, WorkerStopped):
                    # Mid-job or gone: kill it (before its folder is removed) and start a fresh one.
                    worker.stop()
                    worker = Worker(self.template_dir, self.release)
                    raise
                finally:
                    self.idle.put_nowait(worker)

    async def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().stop()
