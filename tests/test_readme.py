"""This repository's README, run as written in a fresh copy: `make serve` on a machine with no venv yet,
and the curl example against it.

Not run here, with the reason:

- ``make test`` runs the suite this test is part of; CI runs it (.ci/run), so it is proven there.
- ``pip install cookiecutter`` and ``cookiecutter <TEMPLATE_URL>`` need GitHub and the repository's published
  name; the same template goes through the real cookiecutter CLI in tests/template/test_cli_hostile_input.py
  and tests/template/test_hooks.py, from this checkout.
- ``cruft create <TEMPLATE_URL>`` needs GitHub; tests/template/test_cruft_update.py runs ``cruft create``,
  ``cruft check`` and ``cruft update`` on a throwaway git copy of this checkout, with a cruft that the README's
  install line (option_rules.CRUFT_INSTALL) put in a fresh venv.
"""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from documented_commands import section, shell_commands
from helpers import REPO_DIR, claimed_port, interrupt, user_shell, wait_until_answering
from template_updates import git_environment, template_release

from generator_service.commands import curl_command
from generator_service.values import resolve
from option_rules import CRUFT_INSTALL, TEMPLATE_URL
from support.ports import free_port

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("readme")]  # make serve takes port 8000

NOT_RUN = {
    "make test",
    "pip install cookiecutter",
    f"cookiecutter {TEMPLATE_URL}",
    CRUFT_INSTALL.split("#")[0].strip(),
    f"cruft create {TEMPLATE_URL}",
}
# The site's own command for these options, as its page writes it.
CURL_EXAMPLE = curl_command(resolve({"project_name": "Orders API"}), "http://127.0.0.1:8000")


@pytest.fixture(scope="module")
def fresh_copy(tmp_path_factory) -> Path:
    """The working tree as a clone would have it: a git checkout (the site reads its commit), no venv, no caches.
    One for the module: the venv its first `make serve` makes serves the second."""
    base = tmp_path_factory.mktemp("clone")
    copy = base / "cookiecutter-django-lambda"
    copy.mkdir()
    template_release(copy, git_environment(base / "home"))
    return copy


def readme_commands(heading: str) -> list[str]:
    return shell_commands(section((REPO_DIR / "README.md").read_text(encoding="utf-8"), heading))


def test_every_readme_command_is_run_or_listed_with_its_reason():
    commands = {
        command.split("#")[0].strip() for command in readme_commands("## Use it") + readme_commands("## Develop")
    }

    assert commands - NOT_RUN == {"make serve", CURL_EXAMPLE}


def test_the_readme_names_the_template_where_it_is_published():
    text = (REPO_DIR / "README.md").read_text(encoding="utf-8")

    assert "<org>" not in text
    assert CRUFT_INSTALL in readme_commands("## Use it")


def serve(directory: Path, command: str, port: int) -> subprocess.Popen:
    server = user_shell(command, directory)
    wait_until_answering(f"http://127.0.0.1:{port}/", server, 900, command)
    return server


def test_make_serve_then_the_curl_example(fresh_copy, tmp_path):
    assert "make serve" in [command.split("#")[0].strip() for command in readme_commands("## Develop")]
    assert CURL_EXAMPLE in readme_commands("## Use it")
    refused, elsewhere = CURL_EXAMPLE.replace("project_name=Orders+API", "aws_region=mars-1"), tmp_path / "refused"
    elsewhere.mkdir()
    with claimed_port(8000):
        server = serve(fresh_copy, "make serve", 8000)
        try:
            download = subprocess.run(["bash", "-c", CURL_EXAMPLE], cwd=tmp_path, capture_output=True, text=True)
            refusal = subprocess.run(["bash", "-c", refused], cwd=elsewhere, capture_output=True, text=True)
        finally:
            interrupt(server)

    assert download.returncode == 0, download.stderr
    with zipfile.ZipFile(tmp_path / "orders_api.zip") as archive:
        names = archive.namelist()
    assert "orders_api/README.md" in names and "orders_api/zappa_settings.json" in names
    # make serve made the venv with the site alone (generator_service/requirements.txt), not the test tooling.
    assert (fresh_copy / ".venv" / "bin" / "uvicorn").exists()
    assert not (fresh_copy / ".venv" / "bin" / "pytest").exists()
    # A refused value: the command fails, and the site's reason is on the terminal, not only curl's status.
    assert refusal.returncode != 0
    assert "returned error: 422" in refusal.stderr
    assert "aws_region" in refusal.stdout and "us-east-1" in refusal.stdout, refusal.stdout


def test_make_serve_on_another_port(fresh_copy):
    """As the README's comment says."""
    assert "PORT=8123" in " ".join(readme_commands("## Develop"))
    port = free_port()
    interrupt(serve(fresh_copy, f"make serve PORT={port}", port))
