"""Helpers shared by the tests: the cookiecutter CLI, commands and interpreters that fail the test, shells, ports,
Lambda environments, archives. What benchmarks need as well lives in support/, free of pytest."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx
import pytest

# Re-exported: the secrets test's and the deploy rehearsal's modules import these from here, and eight
# modules REPO_DIR. New code imports them from support/.
from support import commands, interpreters
from support.events import api_gateway_event  # noqa: F401 - re-exported
from support.lambda_runtime import runtime_dir as lambda_runtime  # noqa: F401 - re-exported
from support.locks import exclusive
from support.paths import CACHE_DIR, REPO_DIR
from support.postgres import PG_DSN  # noqa: F401 - re-exported
from support.venvs import locked_packages_key, project_environment, project_venv  # noqa: F401 - re-exported

# What Lambda passes to the runtime for the log format scripts/deploy.py sets (LoggingConfig).
LAMBDA_JSON_LOGS = {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": "INFO"}


def runtime_python(runtime: str) -> str:
    """The interpreter for a Lambda runtime such as 'python3.13'; fails the test, saying how to get it, if missing."""
    try:
        return interpreters.required_runtime_python(runtime)
    except interpreters.MissingInterpreter as missing:
        pytest.fail(str(missing))


def run(command: list[str], cwd: Path | None = None, env: dict | None = None, timeout: int = 600):
    """Run a command; fail the test with its output if it fails."""
    try:
        return commands.run(command, cwd, env, timeout)
    except commands.CommandFailed as failure:
        pytest.fail(str(failure))


def user_shell(script: str, cwd: Path, installed: Path | None = None) -> subprocess.Popen:
    """bash running ``script`` as on a fresh machine: none of the test runner's venv, VIRTUAL_ENV, DATABASE_URL
    or uv settings, only what ``installed`` holds on PATH; a process group of its own (stopped with Ctrl-C:
    os.killpg(pid, SIGINT))."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("VIRTUAL_ENV", "DATABASE_URL") and not key.startswith("UV_")
    }
    environment["PATH"] = ":".join([*([str(installed)] if installed else []), "/usr/local/bin:/usr/bin:/bin"])
    return subprocess.Popen(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def interrupt(process: subprocess.Popen) -> str:
    """Ctrl-C to a user_shell, as a user stops a server; its output. A server still up a minute later (a loaded
    machine) is killed, or it would hold its port for every later test; the test fails on its own findings."""
    os.killpg(process.pid, signal.SIGINT)
    try:
        return process.communicate(timeout=60)[0]
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        return process.communicate()[0]


def port_answers(port: int) -> bool:
    """Whether something accepts connections on 127.0.0.1:port."""
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until_port_is_free(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while port_answers(port) and time.monotonic() < deadline:
        time.sleep(0.2)


@contextlib.contextmanager
def claimed_port(port: int) -> Iterator[None]:
    """Run the block while no other test, of this run or of another checkout's on this machine, uses a fixed
    port (the READMEs' servers listen on 8000): a lock in the system's temporary folder, then the port free."""
    with exclusive(Path(tempfile.gettempdir()) / f"cookiecutter-django-lambda-port-{port}"):
        wait_until_port_is_free(port)
        assert not port_answers(port), f"something else answers on 127.0.0.1:{port}"
        try:
            yield
        finally:
            wait_until_port_is_free(port)  # a server's last child may linger a moment after Ctrl-C


def wait_until_answering(url: str, process: subprocess.Popen, timeout: float, what: str) -> None:
    """Poll ``url`` until it answers; fail with the process's output if it ends first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{what} stopped before {url} answered:\n{process.stdout.read()}")
        try:
            httpx.get(url, timeout=2)
            return
        except httpx.TransportError:
            time.sleep(1)
    pytest.fail(f"{url} did not answer within {timeout:.0f} s of {what}")


def lambda_environment(project: Path, **secrets: str) -> dict[str, str]:
    """The production function's environment, as Lambda sets it: zappa_settings' variables, what
    scripts/deploy.py adds (where tasks run; the JSON log format, which Lambda passes to the runtime), the
    region, a bare PATH and locale, plus the secrets the stage gets outside the package (DJANGO_SECRET_KEY, ...)."""
    production = json.loads((project / "zappa_settings.json").read_text())["production"]
    return {
        **production["aws_environment_variables"],
        "DJANGO_TASKS_FUNCTION": f"{production['project_name']}-production",
        **LAMBDA_JSON_LOGS,
        "AWS_REGION": production["aws_region"],
        "LANG": "C.UTF-8",
        "PATH": "/usr/bin:/bin",
        **secrets,
    }


def lambda_requirements_cache(project: Path, context: dict) -> Path:
    """Where the Linux wheels of a uv.lock's packages for a runtime and architecture are kept between bakes."""
    target = f"{context['python_runtime']}-{context['architecture']}"
    return CACHE_DIR / "lambda-requirements" / f"{locked_packages_key(project)}-{target}"


def reuse_lambda_requirements(project: Path, context: dict) -> None:
    """Each distinct set of requirements is installed for Lambda once: build_package.py trusts the stamp it left."""
    cache = lambda_requirements_cache(project, context)
    with exclusive(cache):
        if (cache / ".requirements-sha256").exists():
            shutil.copytree(cache, project / ".zappa-build" / "venv", symlinks=True, dirs_exist_ok=True)


def share_lambda_requirements(project: Path, context: dict) -> None:
    """After a build: keep its installed requirements for the next bake with the same ones."""
    cache = lambda_requirements_cache(project, context)
    with exclusive(cache):
        if not (cache / ".requirements-sha256").exists():
            shutil.rmtree(cache, ignore_errors=True)
            shutil.copytree(project / ".zappa-build" / "venv", cache, symlinks=True)


def cookiecutter_cli(tmp_path: Path, **values) -> subprocess.CompletedProcess:
    """`cookiecutter --no-input <repo> key=value ...` with a private HOME (no replay files left around).

    ``output`` holds stdout and stderr: cookiecutter prints the errors found
    before the project folder exists, the pre_gen hook those found after.
    """
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    arguments = [f"{key}={value}" for key, value in values.items()]
    result = subprocess.run(
        [sys.executable, "-m", "cookiecutter", "--no-input", "-o", str(tmp_path / "out"), str(REPO_DIR), *arguments],
        env={**os.environ, "HOME": str(home)},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    result.output = result.stdout + result.stderr
    return result


def zip_entries(content: bytes) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: info for info in archive.infolist()}


def zip_files(content: bytes) -> dict[str, tuple[bytes, bool]]:
    """{path below the top folder: (content, executable)}."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            info.filename.split("/", 1)[1]: (archive.read(info), bool((info.external_attr >> 16) & 0o111))
            for info in archive.infolist()
        }


# A lock's entry: name==version, an environment marker perhaps ("; sys_platform == 'win32'"), its hash lines.
LOCKED = re.compile(r"^([A-Za-z0-9._-]+)==(\S+)(?: ;[^\\\n]*)?((?: \\\n\s+--hash=sha256:[0-9a-f]{64})+)", re.MULTILINE)


def locked_packages(lock: str) -> dict[str, tuple[str, str]]:
    """Each package of one of this repository's locks (``make lock``), by its lower-case name: its version and
    its hash lines."""
    text = (REPO_DIR / lock).read_text(encoding="utf-8")
    return {name.lower(): (version, hashes) for name, version, hashes in LOCKED.findall(text)}
