"""Run cookiecutter safely for web requests.

Cookiecutter is made for one user at a terminal: it changes the working
directory and sys.path, writes replay files under ~, leaves every rendered hook
(with the user's values) in the temp folder, and renders values as Jinja
without a sandbox. So each generation here runs:

* on values that already passed the template's rules (see options.py), without the hook
  subprocesses: the post_gen hook's file removals run in the worker;
* in a warm worker process, one job at a time, with its own HOME, TMPDIR,
  replay and output folders inside a job folder that is removed afterwards;
* with Jinja's sandbox in place of cookiecutter's plain environment;
* under a time limit: a worker that overruns is killed and replaced;
* with every generated file checked to lie inside the job's output folder.

A bounded number of requests may wait for a worker; beyond that the caller
gets :class:`Busy` (the API answers 503 with Retry-After).
"""

from __future__ import annotations

import asyncio
import errno
import functools
import multiprocessing
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol

from generator_service.config import Settings
from option_rules.unused_files import remove_unused


@dataclass(frozen=True)
class ProjectFile:
    path: str  # relative, with / separators
    executable: bool
    content: bytes


@dataclass(frozen=True)
class Project:
    slug: str
    files: tuple[ProjectFile, ...]

    def file(self, path: str) -> ProjectFile | None:
        return next((file for file in self.files if file.path == path), None)


class GenerationError(Exception):
    """A generation failed for a reason that is not the user's input."""


class Busy(GenerationError):
    """Every worker is busy and the waiting line is full."""


class GenerationTimeout(GenerationError):
    pass


class WorkerStopped(GenerationError):
    """The worker process died mid-job (killed, out of memory)."""


# Errors of the job folder's disk: the server's trouble, told without the server's paths.
DISK_ERRORS = {
    errno.ENOSPC: "the server's disk is full",
    errno.EDQUOT: "the server's disk quota is used up",
    errno.EROFS: "the server's work folder is read-only",
    errno.EACCES: "the server may not write its work folder",
    errno.EPERM: "the server may not write its work folder",
}


def describe_failure(error: Exception) -> str:
    if isinstance(error, OSError) and error.errno in DISK_ERRORS:
        return f"{DISK_ERRORS[error.errno]}; nothing was kept, try again later"
    return f"{type(error).__name__}: {error}"


# --- inside the worker process ------------------------------------------------------------------


COMPILED_TEMPLATES_KEPT = 4096


def install_sandbox() -> None:
    """Make cookiecutter render with Jinja's SandboxedEnvironment (defence in depth), and keep
    compiled templates between generations.

    Every cookiecutter environment is made by cookiecutter.utils.create_env_with_context from
    the StrictEnvironment named in that module. Cookiecutter makes new environments for each
    generation, so Jinja would parse and compile every file again (most of a generation's time);
    the generated code depends only on the source and this class's fixed configuration.
    """
    import cookiecutter.generate
    import cookiecutter.utils
    from cookiecutter.environment import StrictEnvironment
    from jinja2.sandbox import SandboxedEnvironment

    compiled: OrderedDict[tuple, Any] = OrderedDict()

    class SandboxedStrictEnvironment(StrictEnvironment, SandboxedEnvironment):
        def compile(self, source, name=None, filename=None, raw=False, defer_init=False):  # noqa: ANN001
            key = (source, name, filename, raw, defer_init)
            if key not in compiled:
                compiled[key] = super().compile(source, name, filename, raw, defer_init)
                if len(compiled) > COMPILED_TEMPLATES_KEPT:
                    compiled.popitem(last=False)
            return compiled[key]

    cookiecutter.utils.StrictEnvironment = SandboxedStrictEnvironment
    # Cookiecutter sniffs every template file for binary content at every generation (a quarter of
    # its time); the pinned template's files don't change while a worker lives.
    cookiecutter.generate.is_binary = functools.lru_cache(maxsize=1024)(cookiecutter.generate.is_binary)


def collect_files(project_dir: Path, output_dir: Path) -> tuple[ProjectFile, ...]:
    """The generated files; refuses a project folder outside the output folder and any link.

    Walking without following links, every other entry lies inside the project folder.
    """
    root = output_dir.resolve()
    project = project_dir.resolve()
    if not project.is_relative_to(root) or project == root:
        raise GenerationError("the project folder is outside the job's folder")
    files = []
    for folder, folders, names in os.walk(project, followlinks=False):
        for name in folders + names:
            if os.path.islink(os.path.join(folder, name)):
                raise GenerationError(f"{name} is a link; generated projects hold none")
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, project).replace(os.sep, "/")
            with open(path, "rb") as file:
                files.append(ProjectFile(relative, bool(os.stat(path).st_mode & 0o111), file.read()))
    return tuple(sorted(files, key=lambda file: file.path))


def generate_in_folder(template_dir: str, values: dict[str, Any], job_dir: str) -> Project:
    """Run cookiecutter for validated values with every side effect kept inside job_dir.

    Without hook subprocesses (about a third of a generation's time): the values already passed the
    pre_gen hook's rules (options.resolve), and the post_gen hook's removals run here.
    """
    from cookiecutter.main import cookiecutter

    job = Path(job_dir)
    home, tmp, output = job / "home", job / "tmp", job / "out"
    for folder in (home, tmp, output):
        folder.mkdir()
    config = job / "cookiecutter.yaml"
    config.write_text(f'cookiecutters_dir: "{job / "cookiecutters"}"\nreplay_dir: "{job / "replay"}"\n')
    os.environ["HOME"] = str(home)
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = str(tmp)  # cookiecutter's rendered hooks land here
    project_dir = cookiecutter(
        template_dir,
        no_input=True,
        extra_context=values,
        output_dir=str(output),
        config_file=str(config),
        accept_hooks=False,
    )
    remove_unused(Path(project_dir), values)  # the post_gen hook's work, done in this process
    return Project(slug=Path(project_dir).name, files=collect_files(Path(project_dir), output))


def worker_main(connection: Connection, template_dir: str) -> None:
    """A worker process: generate one job at a time until the pipe closes."""
    install_sandbox()
    import cookiecutter.main  # noqa: F401  (warm: imported once, not per job)

    while True:
        try:
            job = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            connection.send(("ok", generate_in_folder(template_dir, job["values"], job["job_dir"])))
        except Exception as error:  # reported to the caller, the worker lives on
            connection.send(("error", describe_failure(error)))


# --- in the server process ----------------------------------------------------------------------


class Worker:
    def __init__(self, template_dir: str) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of the server's threads
        self.connection, child = context.Pipe()
        self.process = context.Process(target=worker_main, args=(child, template_dir), daemon=True)
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


class Runner(Protocol):
    async def generate(self, values: dict[str, Any]) -> Project: ...
    async def close(self) -> None: ...


def _job_dir(settings: Settings) -> str:
    """A new job folder: in memory (/dev/shm) where there is one, since a generation is mostly file I/O."""
    parent = settings.work_dir
    if parent is None and os.access("/dev/shm", os.W_OK):
        parent = "/dev/shm"
    try:
        return tempfile.mkdtemp(prefix="generation-", dir=parent)
    except OSError as error:
        raise GenerationError(describe_failure(error)) from error


class WorkerPool:
    """Warm worker processes; one job each at a time; bounded waiting line."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.template_dir = str(settings.template_dir)
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.admission = asyncio.Semaphore(settings.workers + settings.queue_size)
        for _ in range(settings.workers):
            self.idle.put_nowait(Worker(self.template_dir))

    async def generate(self, values: dict[str, Any]) -> Project:
        if self.admission.locked():
            raise Busy("all generation workers are busy")
        async with self.admission:
            job_dir = _job_dir(self.settings)  # before taking a worker: a full disk must not lose one
            worker = await self.idle.get()
            try:
                job = {"values": values, "job_dir": job_dir}
                return await asyncio.to_thread(worker.run, job, self.settings.generation_timeout_seconds)
            except (GenerationTimeout, WorkerStopped):
                # Mid-job or gone: kill it (before its folder is removed) and start a fresh one.
                worker.stop()
                worker = Worker(self.template_dir)
                raise
            finally:
                shutil.rmtree(job_dir, ignore_errors=True)
                self.idle.put_nowait(worker)

    async def close(self) -> None:
        while not self.idle.empty():
            self.idle.get_nowait().stop()


class InProcessRunner:
    """One generation at a time in this process, for hosts without worker processes (AWS Lambda)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
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
        with self.lock:
            saved = {name: os.environ.get(name) for name in ("HOME", "TMPDIR")}
            saved_tempdir, job_dir = tempfile.tempdir, _job_dir(self.settings)
            try:
                return generate_in_folder(str(self.settings.template_dir), values, job_dir)
            except GenerationError:
                raise
            except Exception as error:
                raise GenerationError(describe_failure(error)) from error
            finally:
                shutil.rmtree(job_dir, ignore_errors=True)
                tempfile.tempdir = saved_tempdir
                for name, value in saved.items():
                    if value is None:
                        os.environ.pop(name, None)
                    else:
                        os.environ[name] = value

    async def close(self) -> None:
        pass


class ProjectCache:
    """The last generated projects, by their resolved options (generation is deterministic)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: OrderedDict[str, Any] = OrderedDict()

    def get(self, key: str) -> Any:
        if key in self.entries:
            self.entries.move_to_end(key)
            return self.entries[key]
        return None

    def put(self, key: str, value: Any) -> None:
        self.entries[key] = value
        self.entries.move_to_end(key)
        while len(self.entries) > self.size:
            self.entries.popitem(last=False)


def make_runner(settings: Settings) -> Runner:
    return WorkerPool(settings) if settings.runner == "pool" else InProcessRunner(settings)
