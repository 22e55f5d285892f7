"""Venvs in the cache, each built once and shared: a generated project's, a tool's, or a requirements file's."""

from __future__ import annotations

import hashlib
import shutil
import sys
from pathlib import Path

from support.commands import run
from support.locks import exclusive
from support.paths import CACHE_DIR


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


def requirements_venv(requirements: Path, python: str) -> Path:
    """A venv of one interpreter with exactly one requirements file (the site's own, as its image installs
    them), built once per file content and interpreter."""
    key = hashlib.sha256(requirements.read_bytes() + python.encode()).hexdigest()[:16]
    venv = CACHE_DIR / "venvs" / f"requirements-{key}"
    with exclusive(venv):
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            uv = [sys.executable, "-m", "uv"]
            run([*uv, "venv", "--quiet", "--python", python, str(venv)])
            run([*uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), "-r", str(requirements)])
            (venv / ".complete").touch()
    return venv
