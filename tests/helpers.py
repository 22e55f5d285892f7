"""Helpers shared by the tests: the cookiecutter CLI, interpreters for the Lambda runtimes, venvs, archives."""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import shutil
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

from support import interpreters
from support.lambda_runtime import runtime_dir
from support.locks import exclusive
from support.ports import free_port  # noqa: F401 - the tests import it from here

REPO_DIR = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_DIR / ".cache"

PG_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def runtime_python(runtime: str) -> str:
    """The interpreter for a Lambda runtime such as 'python3.13'; fails the test, saying how to get it, if missing."""
    python = interpreters.runtime_python(runtime)
    if python is None:
        version = runtime.removeprefix("python")
        pytest.fail(
            f"Python {version} is not installed: the {runtime} runtime's tests need it. Install it "
            f"(pyenv install {version}, or your system's python{version} package), then run make test again."
        )
    return python


def user_shell(script: str, cwd: Path) -> subprocess.Popen:
    """bash running ``script`` as on a fresh machine: none of the test runner's venv, VIRTUAL_ENV or
    DATABASE_URL; a process group of its own (stopped with Ctrl-C: os.killpg(pid, SIGINT))."""
    environment = {key: value for key, value in os.environ.items() if key not in ("VIRTUAL_ENV", "DATABASE_URL")}
    environment["PATH"] = "/usr/local/bin:/usr/bin:/bin"
    return subprocess.Popen(
        ["bash", "-e", "-c", script],
        cwd=cwd,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


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
    """The production function's environment, as Lambda sets it: zappa_settings' variables, the region,
    a bare PATH and locale, plus the secrets the stage gets outside the package (DJANGO_SECRET_KEY, ...)."""
    production = json.loads((project / "zappa_settings.json").read_text())["production"]
    return {
        **production["aws_environment_variables"],
        "AWS_REGION": production["aws_region"],
        "LANG": "C.UTF-8",
        "PATH": "/usr/bin:/bin",
        **secrets,
    }


def run(command: list[str], cwd: Path | None = None, env: dict | None = None, timeout: int = 600):
    """Run a command; fail the test with its output if it fails."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        pytest.fail(f"{' '.join(map(str, command))} exited {result.returncode}\n{result.stdout}\n{result.stderr}")
    return result


def project_venv(project: Path, python: str) -> Path:
    """A venv with the project's requirements/local.txt, shared by bakes with the same requirements."""
    requirements = b"".join((project / "requirements" / name).read_bytes() for name in ("production.txt", "local.txt"))
    key = hashlib.sha256(requirements + python.encode()).hexdigest()[:16]
    venv = CACHE_DIR / "venvs" / key
    with exclusive(venv):
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            uv = [sys.executable, "-m", "uv"]
            run([*uv, "venv", "--quiet", "--seed", "--python", python, str(venv)])
            requirements_file = str(project / "requirements" / "local.txt")
            run([*uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), "-r", requirements_file])
            (venv / ".complete").touch()
    return venv


def tool_venv(requirement: str) -> Path:
    """A venv of its own for a tool whose dependencies clash with the suite's, built once per pin."""
    venv = CACHE_DIR / "tools" / requirement.replace("==", "-")
    with exclusive(venv):
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            uv = [sys.executable, "-m", "uv"]
            run([*uv, "venv", "--quiet", "--python", sys.executable, str(venv)])
            run([*uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), requirement])
            (venv / ".complete").touch()
    return venv


def lambda_requirements_cache(project: Path, runtime: str) -> Path:
    """Where the Linux wheels of a production.txt for a runtime are kept between bakes."""
    requirements = (project / "requirements" / "production.txt").read_bytes()
    return CACHE_DIR / "lambda-requirements" / hashlib.sha256(requirements + runtime.encode()).hexdigest()[:16]


def reuse_lambda_requirements(project: Path, runtime: str) -> None:
    """Each distinct set of requirements is installed for Lambda once: build_package.py trusts the stamp it left."""
    cache = lambda_requirements_cache(project, runtime)
    with exclusive(cache):
        if (cache / ".requirements-sha256").exists():
            shutil.copytree(cache, project / ".zappa-build" / "venv", symlinks=True, dirs_exist_ok=True)


def share_lambda_requirements(project: Path, runtime: str) -> None:
    """After a build: keep its installed requirements for the next bake with the same ones."""
    cache = lambda_requirements_cache(project, runtime)
    with exclusive(cache):
        if not (cache / ".requirements-sha256").exists():
            shutil.rmtree(cache, ignore_errors=True)
            shutil.copytree(project / ".zappa-build" / "venv", cache, symlinks=True)


def lambda_runtime(python: str) -> Path:
    """What the Lambda Python runtime provides outside the package (boto3, awslambdaric), in a folder."""
    return runtime_dir(python, CACHE_DIR)


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


def api_gateway_event(
    version: str, method: str, path: str, host: str, body: str | None = None, stage: str | None = None
) -> dict:
    """An event as API Gateway sends it: payload 1.0 (REST API, stage "production" unless given) or 2.0
    (HTTP API, function URL; stage "$default" unless given).

    As on AWS, a REST API removes the stage from ``path`` and keeps it in ``requestContext.path``; an
    HTTP API keeps a named stage in ``rawPath``
    (https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html).
    """
    headers = {"host": host, "x-forwarded-proto": "https", "user-agent": "test", "content-type": "application/json"}
    if version == "v1":
        stage = stage or "production"
        return {
            "resource": "/{proxy+}",
            "path": path,
            "httpMethod": method,
            "headers": headers,
            "multiValueHeaders": {key: [value] for key, value in headers.items()},
            "queryStringParameters": None,
            "multiValueQueryStringParameters": None,
            "requestContext": {
                "stage": stage,
                "path": f"/{stage}{path}",
                "identity": {"sourceIp": "203.0.113.9"},
            },
            "body": body,
            "isBase64Encoded": False,
        }
    stage = stage or "$default"
    raw_path = path if stage == "$default" else f"/{stage}{path}"
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": raw_path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "http": {"method": method, "path": raw_path, "sourceIp": "203.0.113.9"},
            "domainName": host,
            "stage": stage,
        },
        "body": body,
        "isBase64Encoded": False,
    }
