"""Venvs in the cache, each built once and shared: a generated project's (from its uv.lock), a tool's, or a
requirements file's."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from uv import find_uv_bin

from option_rules.uv_lock import PACKAGE_SEPARATOR, PROJECT_SOURCE
from support.commands import run
from support.locks import exclusive
from support.paths import CACHE_DIR

# The production package, built as the project's build script says, from the lock alone (no index).
BUILD_PACKAGE = ["uv", "run", "--locked", "--offline", "scripts/build_package.py", "production"]


def locked_packages_key(project: Path) -> str:
    """What a bake's uv.lock installs, without the project's own entry: its name, and so its place, vary by bake."""
    header, *packages = (project / "uv.lock").read_text(encoding="utf-8").split(PACKAGE_SEPARATOR)
    installed = sorted(package for package in packages if PROJECT_SOURCE not in package)
    return hashlib.sha256("".join([header, *installed]).encode()).hexdigest()[:16]


def uv_directory() -> Path:
    """A folder holding only the suite's uv (the version option_rules.dependencies.UV_VERSION names), for PATH."""
    folder = CACHE_DIR / "uv-bin"
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / "uv"
    if not link.exists():
        with contextlib.suppress(FileExistsError):  # another xdist worker made it first
            link.symlink_to(find_uv_bin())
    return folder


def project_environment(venv: Path, base: Mapping[str, str] = os.environ) -> dict[str, str]:
    """A bake's commands on a shared venv: `uv run` and `uv sync` use it (never a Python download), and
    `python` is its interpreter, as after `uv sync` in the project."""
    return {
        **base,
        "UV_PROJECT_ENVIRONMENT": str(venv),
        "VIRTUAL_ENV": str(venv),
        "UV_PYTHON_DOWNLOADS": "never",
        "PATH": f"{uv_directory()}:{venv / 'bin'}:{base['PATH']}",
    }


def project_venv(project: Path, python: str) -> Path:
    """The venv `uv sync --locked` makes from a bake's uv.lock, shared by bakes whose locks install the same."""
    venv = CACHE_DIR / "venvs" / f"uv-{locked_packages_key(project)}-{hashlib.sha256(python.encode()).hexdigest()[:8]}"
    with exclusive(venv):
        if not (venv / ".complete").exists():
            shutil.rmtree(venv, ignore_errors=True)
            run([find_uv_bin(), "sync", "--locked", "--quiet", "--python", python], project, project_environment(venv))
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
