"""A bake's Lambda package: built the project's own way, then run as Lambda would run it.

The build is the project's (scripts/build_package.py: pip, bytecode, ``zappa package``), in the
project's virtualenv. The run unzips the package read-only, as Lambda does, and hands events to its
handler in one warm instance, in an isolated runtime interpreter (support/drivers/lambda_package_driver.py),
and reads back what Lambda would return or log for each.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
import subprocess
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from helpers import api_gateway_event, lambda_runtime, project_environment, project_venv, run, runtime_python

from support.drivers import LAMBDA_PACKAGE_DRIVER
from support.events import api_host
from support.venvs import BUILD_PACKAGE


@dataclass
class Build:
    project: Path
    context: dict
    python: str
    package: Path
    output: str  # the build's stdout and stderr


def build_package(project: Path, context: dict, environment: dict[str, str]) -> Build:
    """The production package, built by the project's script with the environment's variables added."""
    python = runtime_python(context["python_runtime"])
    venv = project_venv(project, python)
    env = project_environment(venv, {**os.environ, **environment})
    done = run(BUILD_PACKAGE, cwd=project, env=env, timeout=900)
    return Build(project, context, python, project / ".zappa-build" / "production.zip", done.stdout + done.stderr)


@dataclass
class Invocation:
    results: list[dict]
    log: str  # stdout and stderr, as CloudWatch would keep them


@contextlib.contextmanager
def unpacked(package: Path, tmp_path: Path) -> Iterator[Path]:
    """The zip in a read-only folder ``tmp_path / "var-task"``, with the zip's file times, as Lambda unpacks it
    into /var/task; writable again afterwards, so that pytest can remove it."""
    code_dir = tmp_path / "var-task"
    with zipfile.ZipFile(package) as archive:
        archive.extractall(code_dir)
        for info in archive.infolist():  # Zappa's entries all say 1980
            timestamp = time.mktime((*info.date_time, 0, 0, -1))
            os.utime(code_dir / info.filename, (timestamp, timestamp))
    for path in [code_dir, *code_dir.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    try:
        yield code_dir
    finally:
        for path in [code_dir, *code_dir.rglob("*")]:
            path.chmod(path.stat().st_mode | stat.S_IWUSR)


def run_package(python: str, package: Path, tmp_path: Path, events: list, env: dict[str, str]) -> tuple[dict, str]:
    """Unpack the package (see :func:`unpacked`) and run its handler on the events, one warm instance, in the
    runtime's isolated interpreter ``python`` that sees only the package and the runtime's libraries.

    Returns the driver's RESULT (``results``: each event's response or error; ``origins``: where django, mangum
    and lambda_function came from) and the log: stdout and stderr, as CloudWatch would keep them."""
    with unpacked(package, tmp_path) as code_dir:
        command = [python, "-I", "-S", "-B", str(LAMBDA_PACKAGE_DRIVER), str(code_dir), str(lambda_runtime(python))]
        done = subprocess.run(
            command, input=json.dumps(events), capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180
        )
    log = done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, log
    return json.loads(lines[-1].removeprefix("RESULT ")), log


def invoke(build: Build, tmp_path: Path, events: list, env: dict[str, str]) -> Invocation:
    """Run the package's handler on the events as Lambda would (see :func:`run_package`)."""
    result, log = run_package(build.python, build.package, tmp_path, events, env)
    return Invocation(result["results"], log)


def http(build: Build, method: str, path: str, body: str | None = None) -> dict:
    """An HTTP API's event for the package (payload 2.0)."""
    return api_gateway_event("v2", method, path, api_host(build.context["aws_region"]), body)


def outcome(result: dict) -> int | str:
    """An HTTP status, "exit N" for a management command, or the name of the exception the handler raised."""
    if "error" in result:
        return result["error"].split(":", 1)[0]
    response = result["response"]
    if "statusCode" in response:
        return response["statusCode"]
    return f"exit {response['exit_status']}" if "exit_status" in response else json.dumps(response)
