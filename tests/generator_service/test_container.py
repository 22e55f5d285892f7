"""The site's container image, tested without a container runtime (none exists where these tests run).

hadolint lints the Dockerfile. The image's command runs as the image would run it: in a folder laid out by the
Dockerfile's COPY instructions (through .dockerignore, so no .git: the commit must come from the build
argument), with Python 3.13 (the base image's) and only the requirements file its ``pip install`` names, its
bytecode compiled by its own RUN line, and the environment its ENV instructions set, TEMPLATE_COMMIT being this
checkout's commit as the documented build passes it. Two values differ, for this shared machine: PORT is a
free port, and HOST is 127.0.0.1 (the image listens on every interface of its own network namespace).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import container_image
import httpx2 as httpx
import pytest
from documented_commands import section, shell_commands
from helpers import REPO_DIR, runtime_python

from deploy.lambda_package import PACKAGED
from support.generator_site import child_pids
from support.ports import free_port
from support.venvs import requirements_venv

HEAD = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True).stdout.strip()
DOC = REPO_DIR / "docs" / "deploying-the-site.md"
# The docs' container commands need a container runtime, which these machines lack. What each does is tested
# here instead: the build's commit check and files, and the image's command with its environment.
BUILD = 'docker build --build-arg TEMPLATE_COMMIT="$(git rev-parse HEAD)" -t generator-site .'
RUN = "docker run --rm -p 8000:8000 generator-site"


def test_the_documented_container_commands_are_the_ones_tested_without_docker():
    commands = shell_commands(section(DOC.read_text(encoding="utf-8"), "## In a container"))

    assert commands == [BUILD, RUN]


def test_the_dockerfile_passes_hadolint():
    hadolint = Path(sys.executable).with_name("hadolint")
    result = subprocess.run([hadolint, "--no-color", str(container_image.DOCKERFILE)], capture_output=True, text=True)

    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_the_image_holds_what_the_lambda_package_holds_and_no_more():
    """The same files in both ways of running the site: the site, the rules, the template."""
    copied = {source.rstrip("/") for sources, _ in container_image.copies() for source in sources}
    requirements = "generator_service/requirements.txt"  # inside generator_service/, copied first for the cache

    assert copied - {requirements} == set(PACKAGED)
    for source in copied:
        assert container_image.in_context(source), f".dockerignore leaves out {source}, which the image copies"
    for left_out in (".git/HEAD", ".venv/bin/python", "tests/conftest.py", "support/paths.py", "build/x.zip"):
        assert not container_image.in_context(left_out), left_out
    assert not container_image.in_context("generator_service/__pycache__/main.cpython-313.pyc")


def test_the_build_refuses_to_make_an_image_without_its_commit():
    """The RUN that checks the TEMPLATE_COMMIT build argument, run as the image's shell runs it."""
    runs = [item.arguments for item in container_image.instructions() if item.keyword == "RUN"]
    (check,) = [run for run in runs if "TEMPLATE_COMMIT" in run]

    def build_with(commit: str) -> int:
        return subprocess.run(["sh", "-c", check], env={"TEMPLATE_COMMIT": commit}, capture_output=True).returncode

    assert build_with(HEAD) == 0
    for wrong in ("", "main", HEAD[:12], HEAD.upper(), HEAD + "0"):
        assert build_with(wrong) != 0, wrong


@pytest.fixture(scope="module")
def image(tmp_path_factory) -> Path:
    """WORKDIR of the image, laid out and compiled as its build does it."""
    workdir = tmp_path_factory.mktemp("image") / container_image.only("WORKDIR").arguments.strip("/")
    container_image.lay_out(workdir)
    environment = container_image.environment({"TEMPLATE_COMMIT": HEAD})
    for run in [item.arguments for item in container_image.instructions() if item.keyword == "RUN"]:
        if run.startswith("python -m compileall"):
            subprocess.run(["sh", "-c", run], cwd=workdir, env=image_environment(environment), check=True)
    return workdir


def base_python() -> str:
    """Python of the base image's version (FROM python:3.13.x-...): 3.13 here."""
    version = re.match(r"python:(\d+\.\d+)\.", container_image.only("FROM").arguments)[1]
    return runtime_python(f"python{version}")


def image_environment(environment: dict[str, str], **changed: str) -> dict[str, str]:
    """The image's variables, `python` being a 3.13 venv with only what its pip install installs."""
    (install,) = [item.arguments for item in container_image.instructions() if "pip install" in item.arguments]
    requirements = install.split(" -r ")[1].split()[0]
    venv = requirements_venv(REPO_DIR / requirements, base_python())
    return {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "LANG": "C.UTF-8", **environment, **changed}


@contextlib.contextmanager
def serving(image: Path, log: Path, **changed: str) -> Iterator[tuple[str, subprocess.Popen, dict[str, str]]]:
    """The image's command, as written, in its WORKDIR; yields its URL, process and environment."""
    port = str(free_port())
    environment = image_environment(
        container_image.environment({"TEMPLATE_COMMIT": HEAD}), PORT=port, HOST="127.0.0.1", **changed
    )
    with log.open("wb") as output:
        process = subprocess.Popen(container_image.command(), cwd=image, env=environment, stdout=output, stderr=output)
    url = f"http://127.0.0.1:{port}"
    try:
        yield url, process, environment
    finally:
        process.send_signal(signal.SIGTERM)  # what `docker stop` sends
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise


def spawned(pid: int) -> list[int]:
    """The processes a process started through multiprocessing (uvicorn's workers, the site's generation
    workers), not its resource tracker."""
    return [child for child in child_pids(pid) if b"spawn_main" in command_line(child)]


def command_line(pid: int) -> bytes:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except FileNotFoundError:  # it ended meanwhile
        return b""


def process_tree(pid: int) -> list[int]:
    """For each spawned child, how many it spawned in turn."""
    return sorted(len(spawned(child)) for child in spawned(pid))


def wait_for(url: str, process: subprocess.Popen, tree: list[int], log: Path) -> None:
    """Until /healthz answers and the processes have all started."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200 and process_tree(process.pid) == tree:
                return
        time.sleep(0.2)
    pytest.fail(f"not serving with the processes {tree} after 90 s: {process_tree(process.pid)}\n{log.read_text()}")


def files_and_times(folder: Path) -> dict[str, int]:
    return {path.relative_to(folder).as_posix(): path.stat().st_mtime_ns for path in folder.rglob("*")}


@pytest.mark.slow
def test_the_image_command_serves_health_and_projects(image, tmp_path):
    before = files_and_times(image)
    defaults = container_image.environment({"TEMPLATE_COMMIT": HEAD})
    # One uvicorn process (WEB_CONCURRENCY) with GENERATOR_WORKERS generation workers of its own.
    tree = [0] * int(defaults["GENERATOR_WORKERS"])
    assert defaults["WEB_CONCURRENCY"] == "1"
    with serving(image, tmp_path / "server.log") as (url, process, environment):
        wait_for(url, process, tree, tmp_path / "server.log")
        health = httpx.get(f"{url}/healthz")
        check = subprocess.run(container_image.health_check(), cwd=image, env=environment, capture_output=True)
        page = httpx.get(f"{url}/", headers={"user-agent": "Mozilla/5.0"})
        download = httpx.get(f"{url}/api/generate", params={"format": "zip", "project_name": "In A Container"})
    check_when_stopped = subprocess.run(container_image.health_check(), cwd=image, env=environment)

    assert (health.status_code, health.json()) == (200, {"status": "ok"})
    assert check.returncode == 0, check.stderr
    assert check_when_stopped.returncode == 1  # the HEALTHCHECK fails once the site is gone
    assert page.status_code == 200 and "<form" in page.text
    assert download.status_code == 200, download.text
    with zipfile.ZipFile(io.BytesIO(download.content)) as archive:
        cruft = json.loads(archive.read("in_a_container/.cruft.json"))
        manage = archive.getinfo("in_a_container/manage.py")
    assert cruft["commit"] == HEAD  # from the build argument: the image has no .git
    assert manage.external_attr >> 16 & 0o111  # executables stay executable
    assert files_and_times(image) == before  # nothing written where the image's user may not write
    assert "Uvicorn running on http://127.0.0.1:" in (tmp_path / "server.log").read_text()


@pytest.mark.slow
def test_the_image_runs_as_many_processes_as_the_environment_says(image, tmp_path):
    """WEB_CONCURRENCY uvicorn processes, each with GENERATOR_WORKERS generation workers; all stop with it."""
    with serving(image, tmp_path / "server.log", WEB_CONCURRENCY="2", GENERATOR_WORKERS="3") as (url, process, _):
        wait_for(url, process, [3, 3], tmp_path / "server.log")
        download = httpx.get(f"{url}/api/generate", params={"format": "zip"})
        site = [pid for worker in spawned(process.pid) for pid in (worker, *spawned(worker))]

    assert download.status_code == 200
    assert len(site) == 2 + 2 * 3
    deadline = time.monotonic() + 20
    while any(Path(f"/proc/{pid}").exists() for pid in site) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not [pid for pid in site if Path(f"/proc/{pid}").exists()]  # none left running once stopped
