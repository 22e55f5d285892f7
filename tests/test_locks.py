"""This repository's own locks: the site's (generator_service/requirements.txt), which `make serve`, the
container image and the Lambda package install, the tooling's (requirements.txt), which `make test` adds,
and the template's (option_rules/locks/), which each bake's uv.lock is cut from.

Each is what `make lock` writes from its .in file, every package pinned with its hashes, and the tooling's
holds the site's packages at the site's versions, so the tests run what the site ships.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from helpers import REPO_DIR, locked_packages

from option_rules.dependencies import UV_VERSION, lock_keys, lock_path

LOCKS = ["generator_service/requirements.txt", "requirements.txt"]
INPUTS = ["generator_service/requirements.in", "requirements.in"]
# The template's, one per runtime and Django version, from option_rules/dependencies.py's pins.
TEMPLATE_LOCKS = [str(lock_path(*key).relative_to(REPO_DIR)) for key in lock_keys()]


def test_the_locks_are_what_make_lock_writes(tmp_path):
    """`make lock` on a copy: with the committed locks as its starting point, it must change nothing."""
    for path in LOCKS + INPUTS + TEMPLATE_LOCKS:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO_DIR / path, tmp_path / path)
    venv = Path(sys.executable).parent.parent  # this venv's uv; -o: don't reinstall it from the copy's locks
    installed = venv / "bin" / ".installed"
    command = ["make", "-C", str(tmp_path), "-f", str(REPO_DIR / "Makefile"), f"VENV={venv}", "-o", str(installed)]

    result = subprocess.run([*command, "lock"], capture_output=True, text=True, timeout=300)

    assert result.returncode == 0, result.stdout + result.stderr
    for lock in LOCKS + TEMPLATE_LOCKS:
        assert (tmp_path / lock).read_text(encoding="utf-8") == (REPO_DIR / lock).read_text(encoding="utf-8"), lock


def test_every_package_is_pinned_with_hashes_and_the_tooling_runs_the_sites_versions():
    site, everything = locked_packages(LOCKS[0]), locked_packages(LOCKS[1])
    for lock, found in zip(LOCKS, (site, everything), strict=True):
        listed = re.findall(r"^[A-Za-z0-9]\S*==", (REPO_DIR / lock).read_text(encoding="utf-8"), re.MULTILINE)
        assert len(found) == len(listed), f"{lock}: a package without hashes"

    assert {name: everything.get(name) for name in site} == site
    assert "pytest" not in site and "uvicorn" in site  # make serve installs the site, not the tooling


def test_the_template_locks_are_written_by_the_uv_generated_ci_runs():
    assert locked_packages(LOCKS[1])["uv"][0] == UV_VERSION
