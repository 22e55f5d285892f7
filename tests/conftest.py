"""Fixtures shared by all tests; plain helpers live in helpers.py and, shared with the benchmarks, in support/."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from option_rules import CRUFT_INSTALL
from support.postgres import database_url, throwaway_database


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its URL and drops it afterwards."""
    with throwaway_database("lambda_pkg") as name:
        yield database_url(name)


@pytest.fixture(scope="session")
def documented_cruft(tmp_path_factory) -> Path:
    """cruft as the site's page and the READMEs install it: their one install line, run as written in a new
    venv (not this one, which requirements.txt pins). The venv's bin folder."""
    venv = tmp_path_factory.mktemp("cruft") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    installed = subprocess.run(
        ["bash", "-e", "-c", f". {venv}/bin/activate\n{CRUFT_INSTALL}"], capture_output=True, text=True, timeout=600
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    return venv / "bin"
