"""Running a command to completion, and failing loudly, with its output, when it fails."""

from __future__ import annotations

import subprocess
from pathlib import Path


class CommandFailed(RuntimeError):
    """A command exited non-zero; the message holds the command, its status and its output."""


def run(command: list[str], cwd: Path | None = None, env: dict | None = None, timeout: int = 600):
    """Run a command and return its CompletedProcess (text output); raise CommandFailed if it fails."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if result.returncode != 0:
        raise CommandFailed(
            f"{' '.join(map(str, command))} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
        )
    return result
