"""This repository's README, run as written in a fresh copy: `make serve` on a machine with no venv yet,
and the curl example against it.

Not run here, with the reason:

- ``make test`` runs the suite this test is part of; CI runs it (.ci/run), so it is proven there.
- ``pip install cookiecutter`` and ``cookiecutter gh:<org>/cookiecutter-django-lambda`` need GitHub and the
  repository's published name; the same template goes through the real cookiecutter CLI in
  tests/template/test_cli_hostile_input.py and tests/template/test_hooks.py, from this checkout.
- ``pip install cruft 'typer<0.29'`` and ``cruft create https://github.com/<org>/cookiecutter-django-lambda``
  need the user's environment and GitHub; requirements.txt pins cruft and typer, and
  tests/template/test_cruft_update.py runs ``cruft create``, ``cruft check`` and ``cruft update`` on a throwaway
  git copy of this checkout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import zipfile
from pathlib import Path

import pytest
from documented_commands import section, shell_commands
from helpers import REPO_DIR, claimed_port, user_shell, wait_until_answering
from template_updates import git_environment, template_release

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("readme")]  # make serve takes port 8000

NOT_RUN = {
    "make test",
    "pip install cookiecutter",
    "cookiecutter gh:<org>/cookiecutter-django-lambda",
    "pip install cruft 'typer<0.29'",
    "cruft create https://github.com/<org>/cookiecutter-django-lambda",
}


@pytest.fixture
def fresh_copy(tmp_path) -> Path:
    """The working tree as a clone would have it: a git checkout (the site reads its commit), no venv, no caches."""
    copy = tmp_path / "cookiecutter-django-lambda"
    copy.mkdir()
    template_release(copy, git_environment(tmp_path / "home"))
    return copy


def readme_commands(heading: str) -> list[str]:
    return shell_commands(section((REPO_DIR / "README.md").read_text(encoding="utf-8"), heading))


def test_every_readme_command_is_run_or_listed_with_its_reason():
    commands = {
        command.split("#")[0].strip() for command in readme_commands("## Use it") + readme_commands("## Develop")
    }

    assert commands - NOT_RUN == {"make serve", CURL_EXAMPLE}


CURL_EXAMPLE = "curl -fL -o orders_api.zip 'http://127.0.0.1:8000/api/generate?format=zip&project_name=Orders+API'"


def test_make_serve_then_the_curl_example(fresh_copy, tmp_path):
    assert "make serve" in [command.split("#")[0].strip() for command in readme_commands("## Develop")]
    assert CURL_EXAMPLE in readme_commands("## Use it")
    with claimed_port(8000):
        server = user_shell("make serve", fresh_copy)
        try:
            wait_until_answering("http://127.0.0.1:8000/", server, 900, "make serve")
            download = subprocess.run(["bash", "-c", CURL_EXAMPLE], cwd=tmp_path, capture_output=True, text=True)
        finally:
            os.killpg(server.pid, signal.SIGINT)
            server.communicate(timeout=30)

    assert download.returncode == 0, download.stderr
    with zipfile.ZipFile(tmp_path / "orders_api.zip") as archive:
        names = archive.namelist()
    assert "orders_api/README.md" in names and "orders_api/zappa_settings.json" in names
    assert (fresh_copy / ".venv" / "bin" / "uvicorn").exists()  # made by make serve, from requirements.txt
