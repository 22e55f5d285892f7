"""Interpreters on this machine for the Lambda Python runtimes."""

from __future__ import annotations

import glob
import os
import shutil
import subprocess


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
