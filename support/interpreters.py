"""Interpreters on this machine for the Lambda Python runtimes."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess


class MissingInterpreter(RuntimeError):
    """No interpreter for a runtime: the message says how to install one."""


def runtime_python(runtime: str) -> str | None:
    """An interpreter for a Lambda runtime such as 'python3.13', or None when none is installed."""
    version = runtime.removeprefix("python")
    candidates = sorted(glob.glob(os.path.expanduser(f"~/.pyenv/versions/{version}.*/bin/python")))
    candidates.append(shutil.which(f"python{version}"))
    for candidate in filter(None, candidates):
        # A pyenv shim exists on PATH even where it can't run this version: ask the interpreter.
        answer = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if answer.returncode == 0 and answer.stdout.strip() == version:
            return candidate
    return None


def required_runtime_python(runtime: str, needed_by: str = "tests", command: str = "make test") -> str:
    """The interpreter for a runtime; MissingInterpreter, saying how to get it, if none is installed."""
    python = runtime_python(runtime)
    if python is None:
        version = runtime.removeprefix("python")
        raise MissingInterpreter(
            f"Python {version} is not installed: the {runtime} runtime's {needed_by} need it. Install it "
            f"(pyenv install {version}, or your system's python{version} package), then run {command} again."
        )
    return python
