"""The generated README's local commands, run exactly as written in a fresh copy of the baked project.

"Local development" runs in one bash session, as a user types it: ``uv sync`` (the locked packages,
from PyPI or uv's cache), the env file, migrations, and ``runserver``, which must answer /health/ and the
sample API. The PostgreSQL variant runs the README's ``createdb`` block after it. Then "Tests, lint and
format" runs in a new shell that exports .env again, as the user's shell still would.

The user's machine has uv and the runtime's Python on PATH, nothing else of the runner's. On one without
that Python, the block must stop at its first command with uv's clear message, and install nothing.
The deploy section runs in test_deploy_rehearsal.py; nothing else in the README is a command.
"""

from __future__ import annotations

import json
import re
import shutil
import uuid
from pathlib import Path

import httpx2 as httpx
import psycopg
import pytest
from documented_commands import readme_commands
from helpers import PG_DSN, claimed_port, interrupt, runtime_python, user_shell, wait_until_answering

from support.venvs import uv_directory

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("readme")]  # runserver takes port 8000

LOCAL = "## Local development"
RUNSERVER = "uv run manage.py runserver"
SERVER = "http://127.0.0.1:8000"
ECHO_CLAIM = re.compile(r"`POST /api/echo/` answers `(\{.+?\})`")  # "…" in it stands for what was sent

BAKES = [
    pytest.param({}, id="postgresql-s3-snapstart"),
    pytest.param({"database": "none", "storage": "none", "api_gateway": "function_url"}, id="no_database"),
]


def installed_tools(folder: Path, runtime: str | None) -> Path:
    """A folder for PATH with uv and, given a runtime, its pythonX.Y: what the README asks a user to have."""
    folder.mkdir()
    (folder / "uv").symlink_to(uv_directory() / "uv")
    if runtime:
        (folder / runtime).symlink_to(runtime_python(runtime))
    return folder


def check_the_api(project: Path, database: bool) -> None:
    health = httpx.get(f"{SERVER}/health/")
    assert health.status_code == 200
    assert health.json() == ({"status": "ok", "database": "ok"} if database else {"status": "ok"})
    sent = {"note": "hello"}
    echo = httpx.post(f"{SERVER}/api/echo/", json=sent)
    claim = ECHO_CLAIM.search((project / "README.md").read_text(encoding="utf-8"))
    assert claim, "the README says what POST /api/echo/ answers"
    assert echo.json() == json.loads(claim[1].replace("…", json.dumps(sent))) == {"received": sent}
    if database:
        notes = httpx.get(f"{SERVER}/api/notes/")
        assert notes.status_code == 200 and notes.json() == {"notes": []}


def run_local_development(project: Path, tools: Path, commands: list[str], database: bool) -> str:
    assert commands[-1] == RUNSERVER, "the block ends by starting the server"
    with claimed_port(8000):
        process = user_shell("\n".join(commands), project, tools)
        try:
            wait_until_answering(f"{SERVER}/health/", process, 600, "the local development commands")
            check_the_api(project, database)
        finally:
            output = interrupt(process)
    return output


@pytest.fixture
def project(cookies_session, request, tmp_path) -> tuple[Path, dict]:
    name = f"Readme {uuid.uuid4().hex[:8]}"
    result = cookies_session.bake(extra_context={"project_name": name, **request.param})
    assert result.exit_code == 0, result.exception
    copy = tmp_path / result.context["project_slug"]  # a fresh copy, as a user's checkout would be
    shutil.copytree(result.project_path, copy)
    yield copy, result.context
    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{result.context["project_slug"]}" WITH (FORCE)')


@pytest.mark.parametrize("project", BAKES, indirect=True)
def test_local_development_tests_and_lint_run_as_written(project, tmp_path):
    path, context = project
    database = context["database"] == "postgresql"
    tools = installed_tools(tmp_path / "user-bin", context["python_runtime"])

    section = "### PostgreSQL" if database else "### Dependencies"
    commands = readme_commands(path, LOCAL, before=section)
    assert commands[0].split("#")[0].strip() == "uv sync", "the set-up starts with uv, which finds the runtime"
    output = run_local_development(path, tools, commands, database)
    assert (path / "db.sqlite3").exists() is database, output  # the copied .env works as it is: SQLite
    version = context["python_runtime"].removeprefix("python")
    assert (path / ".venv" / "bin" / f"python{version}").exists(), "the runtime's Python, in the project"

    if database:
        postgres = readme_commands(path, "### PostgreSQL")
        assert postgres[0] == f"createdb {context['project_slug']}"
        run_local_development(path, tools, postgres, database)
        with psycopg.connect(f"{PG_DSN.rsplit('/', 1)[0]}/{context['project_slug']}") as connection:
            tables = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        assert tables > 0  # migrated into the database the README had the user create

    # A new shell, in the state the user's still has: .env exported.
    checks = "\n".join(readme_commands(path, "### Tests, lint and format"))
    process = user_shell(f"set -a; . ./.env; set +a\n{checks}", path, tools)
    output, _ = process.communicate(timeout=900)
    assert process.returncode == 0, output
    assert re.search(r"=+ \d+ passed in ", output), output  # none failed, errored or skipped
    assert "All checks passed!" in output


@pytest.mark.parametrize("project", BAKES[:1], indirect=True)
def test_without_the_runtimes_python_the_set_up_stops_at_once(project, tmp_path):
    """uv is there, Python X.Y isn't: uv says so and how to get it, downloads nothing, and nothing else runs."""
    path, context = project
    version = context["python_runtime"].removeprefix("python")
    tools = installed_tools(tmp_path / "user-bin", runtime=None)

    process = user_shell("\n".join(readme_commands(path, LOCAL, before="### PostgreSQL")), path, tools)
    output, _ = process.communicate(timeout=300)

    assert process.returncode != 0
    assert f"No interpreter found for Python {version}" in output, output
    assert "uv python install" in output, output  # the way to get it, as the README says
    assert not (path / ".env").exists(), "the next command ran"
    assert not (path / ".venv").exists(), output
