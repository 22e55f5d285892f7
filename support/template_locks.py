"""``make lock``'s part for the template: option_rules/locks/, one uv lock per runtime and Django version.

Each lock resolves every pin an option set of its runtime and Django version can want
(option_rules.dependencies.superset_pins); each bake's uv.lock is cut from it (option_rules.uv_lock).
``uv lock`` starts from the lock already there, so versions only move when a pin does, or when
``--upgrade`` asks (``make lock UPGRADE=--upgrade``). uv must not download a Python: the runtime's
interpreter on this machine is named to it (support.interpreters).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from option_rules.dependencies import DEVELOPMENT_GROUP, LOCKS_DIR, lock_keys, lock_path, superset_pins
from support.commands import run
from support.interpreters import required_runtime_python

SUPERSET_NAME = "template-superset"  # the resolved project's name; option_rules.uv_lock drops its entry


def superset_pyproject(runtime: str, django_version: str) -> str:
    pins = superset_pins(runtime, django_version)
    listed = {group: json.dumps([pin.requirement for pin in group_pins]) for group, group_pins in pins.items()}
    return (
        f'[project]\nname = "{SUPERSET_NAME}"\nversion = "0.1.0"\n'
        f'requires-python = "=={runtime.removeprefix("python")}.*"\n'
        f"dependencies = {listed['dependencies']}\n\n"
        f"[dependency-groups]\n{DEVELOPMENT_GROUP} = {listed[DEVELOPMENT_GROUP]}\n"
    )


def write_lock(runtime: str, django_version: str, directory: Path, upgrade: bool) -> None:
    lock = lock_path(runtime, django_version, directory)
    python = required_runtime_python(runtime, needed_by="locks", command="make lock")
    with tempfile.TemporaryDirectory() as folder:
        project = Path(folder)
        (project / "pyproject.toml").write_text(superset_pyproject(runtime, django_version))
        if lock.exists():
            shutil.copy(lock, project / "uv.lock")
        command = [sys.executable, "-m", "uv", "lock", "--quiet", "--python", python, *(["--upgrade"] * upgrade)]
        run(command, cwd=project, env={**os.environ, "UV_PYTHON_DOWNLOADS": "never"})
        lock.parent.mkdir(exist_ok=True)
        shutil.copy(project / "uv.lock", lock)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--upgrade", action="store_true", help="move every unpinned package to its newest release")
    parser.add_argument("--directory", type=Path, default=LOCKS_DIR, help="where the locks are (a copy, for tests)")
    arguments = parser.parse_args()
    for runtime, django_version in lock_keys():
        write_lock(runtime, django_version, arguments.directory, arguments.upgrade)


if __name__ == "__main__":
    main()
