"""The generated README's local commands, run exactly as written in a fresh copy of the baked project.

"Local development" runs in one bash session, as a user types it: a new venv from PyPI, the env
file, migrations, and ``runserver``, which must answer /health/ and the sample API. The PostgreSQL
variant runs the README's ``createdb`` block after it. Then "Tests, lint and format" runs in a new
shell that activates the venv and exports .env again, as the user's shell still would.

The only change to a command: ``pythonX.Y`` names this machine's interpreter for the runtime.
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

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("readme")]  # runserver takes port 8000

LOCAL = "## Local development"
RUNSERVER = "python manage.py runserver"
SERVER = "http://127.0.0.1:8000"
ECHO_CLAIM = re.compile(r"`POST /api/echo/` answers `(\{.+?\})`")  # "…" in it stands for what was sent

BAKES = [
    pytest.param({}, id="postgresql-s3-snapstart"),
    pytest.param({"database": "none", "storage": "none", "api_gateway": "function_url"}, id="no_database"),
]


def interpreter_mapped(command: str, runtime: str) -> str:
    version = runtime.removeprefix("python")
    return command.replace(f"python{version} ", f"{runtime_python(runtime)} ", 1)


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


def run_local_development(project: Path, runtime: str, commands: list[str], database: bool) -> str:
    script = "\n".join(interpreter_mapped(command, runtime) for command in commands)
    assert commands[-1] == RUNSERVER, "the block ends by starting the server"
    with claimed_port(8000):
        process = user_shell(script, project)
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
def test_local_development_tests_and_lint_run_as_written(project):
    path, context = project
    runtime, database = context["python_runtime"], context["database"] == "postgresql"

    section = "### PostgreSQL" if database else "### Tests, lint and format"
    output = run_local_development(path, runtime, readme_commands(path, LOCAL, before=section), database)
    assert (path / "db.sqlite3").exists() is database, output  # the copied .env works as it is: SQLite

    if database:
        postgres = readme_commands(path, "### PostgreSQL")
        assert postgres[0] == f"createdb {context['project_slug']}"
        run_local_development(path, runtime, [". .venv/bin/activate", *postgres], database)
        with psycopg.connect(f"{PG_DSN.rsplit('/', 1)[0]}/{context['project_slug']}") as connection:
            tables = connection.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0]
        assert tables > 0  # migrated into the database the README had the user create

    # A new shell, in the state the user's still has: the venv active, .env exported.
    checks = "\n".join(readme_commands(path, "### Tests, lint and format"))
    process = user_shell(f". .venv/bin/activate\nset -a; . ./.env; set +a\n{checks}", path)
    output, _ = process.communicate(timeout=900)
    assert process.returncode == 0, output
    assert re.search(r"=+ \d+ passed in ", output), output  # none failed, errored or skipped
    assert "All checks passed!" in output
