"""A bake's Lambda package: built the project's own way, then run as Lambda would run it.

The build is the project's (scripts/build_package.py: pip, bytecode, ``zappa package``), in the
project's virtualenv. The run unzips the package and hands events to its handler in one warm
instance, in an isolated runtime interpreter (support/drivers/lambda_package_driver.py), and reads back what
Lambda would return or log for each.
"""

from __future__ import annotations

import json
import os
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path

from helpers import api_gateway_event, lambda_runtime, project_venv, run, runtime_python

from support.drivers import LAMBDA_PACKAGE_DRIVER


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
    env = {**os.environ, **environment, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
    command = [str(venv / "bin" / "python"), "scripts/build_package.py", "production"]
    done = run(command, cwd=project, env=env, timeout=900)
    return Build(project, context, python, project / ".zappa-build" / "production.zip", done.stdout + done.stderr)


@dataclass
class Invocation:
    results: list[dict]
    log: str  # stdout and stderr, as CloudWatch would keep them


def invoke(build: Build, tmp_path: Path, events: list, env: dict[str, str]) -> Invocation:
    """Unzip the package and run its handler on the events, one warm instance, in an isolated runtime interpreter."""
    code_dir = tmp_path / "var-task"
    with zipfile.ZipFile(build.package) as archive:
        archive.extractall(code_dir)
    runtime = lambda_runtime(build.python)
    command = [build.python, "-I", "-S", "-B", str(LAMBDA_PACKAGE_DRIVER), str(code_dir), str(runtime)]
    done = subprocess.run(
        command, input=json.dumps(events), capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180
    )
    log = done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, log
    return Invocation(json.loads(lines[-1].removeprefix("RESULT "))["results"], log)


def http(build: Build, method: str, path: str, body: str | None = None) -> dict:
    """An HTTP API's event for the package (payload 2.0)."""
    host = "a1b2c3d4e5.execute-api.{}.amazonaws.com".format(build.context["aws_region"])
    return api_gateway_event("v2", method, path, host, body)


def outcome(result: dict) -> int | str:
    """An HTTP status, "exit N" for a management command, or the name of the exception the handler raised."""
    if "error" in result:
        return result["error"].split(":", 1)[0]
    response = result["response"]
    if "statusCode" in response:
        return response["statusCode"]
    return f"exit {response['exit_status']}" if "exit_status" in response else json.dumps(response)
