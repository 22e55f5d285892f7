"""No secret lands in zappa_settings.json, the Lambda package or the logs.

The default bake (PostgreSQL, S3 storage, SnapStart) is built the project's own way
(scripts/build_package.py: pip, bytecode, `zappa package`) with known secrets in the
environment, as a CI deploy job has them, and in the developer's .env. Every byte the build
wrote or printed is searched for them, archives unpacked. Then the package runs as Lambda
would, with the same secrets on the function, through requests that succeed and fail,
management commands and refused events. Everything it prints is searched too: stdout is the
function's log, and the driver's RESULT line holds what Lambda returns or logs for each
invocation. The failures must show in that log first, so the test can't pass by logging nothing.

Each secret holds a random hex core that no escaping changes (URL, JSON, repr), so finding
the core in any form means that secret leaked, never a coincidence.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import secrets
import socket
import zipfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from combinations import PAIRWISE
from helpers import PG_DSN, lambda_environment
from known_secrets import Secrets, new_secrets
from lambda_package import Build, Invocation, build_package, http, invoke, outcome
from leak_search import expand, files_under, find_leaks, secret_looking_values
from psycopg import sql

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("secrets")]


@pytest.fixture(scope="module")
def known() -> Secrets:
    return new_secrets()


# The searches
# ------------------------------------------------------------------------------


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def test_the_searches_find_what_they_look_for(known):
    """Everything below passes by finding nothing: make sure it would find something."""
    password = known.database_password
    url = known.database_url("app", "db", 5432, "app")
    samples = {
        "url": url.encode(),
        "repr": repr({"PASSWORD": password.value}).encode(),
        "base64": base64.b64encode(b"x" + password.value.encode()),
        "zip in gzip": gzip.compress(zip_of({"a/b.txt": url.encode()})),
    }

    leaks, _, _ = find_leaks((piece for label, data in samples.items() for piece in expand(label, data)), known)

    assert sorted(leaks) == [
        "database password (as is) in repr",
        "database password (as is) in url",
        "database password (as is) in zip in gzip!(gunzipped)!a/b.txt",
        "database password (base64) in base64",
    ]
    document = {"a": {"DB_PASSWORD": "x", "api_token": "", "url": url, "host": "postgres://db/app"}}
    assert list(secret_looking_values(document)) == [".a.DB_PASSWORD", ".a.url"]


# zappa_settings.json
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("values", PAIRWISE)
def test_zappa_settings_hold_no_secret_values(cookies_session, values):
    result = cookies_session.bake(extra_context=values)
    assert result.exit_code == 0, result.exception
    settings = json.loads((Path(result.project_path) / "zappa_settings.json").read_text())

    assert list(secret_looking_values(settings)) == []
    # The secrets live in the stage's Secrets Manager secret; from here they would be in git and in the package.
    for stage in settings.values():
        for name in ("DJANGO_SECRET_KEY", "DATABASE_URL", "AWS_SECRET_ACCESS_KEY"):
            assert name not in stage.get("aws_environment_variables", {})
            assert name not in stage.get("environment_variables", {})  # these go into the package


# The package and the build's output
# ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def build(cookies_session, known) -> Build:
    """The default bake's production package, built with the secrets in the environment and in .env."""
    result = cookies_session.bake()
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    environment = known.environment(known.database_url("app", "db.internal.example", 5432, "app"))
    # A developer keeps the secrets in .env (see .env.example): the build must leave it out.
    (project / ".env").write_text("".join(f"{key}={value}\n" for key, value in environment.items()))
    return build_package(project, result.context, environment)


def test_build_leaves_no_secret_in_the_package_or_its_output(build, known):
    # .zappa-build holds the zip (searched whole and member by member) and what it was made from.
    built = list(files_under(build.package.parent))
    searched = [
        ("zappa_settings.json", (build.project / "zappa_settings.json").read_bytes()),
        ("the build's stdout and stderr", build.output.encode()),
        *built,
    ]

    leaks, pieces, size = find_leaks(searched, known)

    members = [label for label, _ in built if label.startswith("production.zip!")]
    nested = [label for label, _ in built if label.count("!") > 1]
    print(
        f"\nsearched {pieces} files and streams, {size / 2**20:.1f} MiB: {len(members)} members of production.zip "
        f"({sum(len(data) for label, data in built if label in members) / 2**20:.1f} MiB unzipped), "
        f"{len(nested)} members of archives inside files, {len(build.output)} characters of build output; "
        f"archives inside the zip: {sorted({label.rsplit('!', 1)[0] for label in nested if label in members})}"
    )
    assert len(members) > 1000 and "production.zip!lambda_function.py" in members  # the real package was searched
    assert leaks == []
    # The same search over the developer's .env finds every secret: it works on these very values.
    found, _, _ = find_leaks(expand(".env", (build.project / ".env").read_bytes()), known)
    assert {leak.split(" (")[0] for leak in found} == {secret.name for secret in known}


# The package running as Lambda would
# ------------------------------------------------------------------------------


@pytest.fixture
def database_with_secret_password(postgres_database, known) -> Iterator[str]:
    """The test database, owned by a new role whose password is the secret: the app logs in with it."""
    parts = urlsplit(postgres_database)
    name, role = parts.path.lstrip("/"), f"secrets_{secrets.token_hex(6)}"
    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        password = sql.Literal(known.database_password.value)
        connection.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(role), password))
        connection.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(name), sql.Identifier(role)))
    try:
        yield known.database_url(role, parts.hostname, parts.port or 5432, name)
    finally:
        # The role owns the database: drop that first (postgres_database's own drop then finds nothing).
        with psycopg.connect(PG_DSN, autocommit=True) as connection:
            connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            connection.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.fixture
def refusing_port() -> Iterator[int]:
    """A local port that refuses connections: bound but not listening, so no other process takes it meanwhile."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def function_environment(build: Build, known: Secrets, database_url: str) -> dict[str, str]:
    """The production function's environment: zappa_settings' variables, the secrets, the role's credentials."""
    return lambda_environment(build.project, **known.environment(database_url))


def log_records(log: str) -> list[dict]:
    """The log's JSON lines (Lambda's JSON log format), each a record with its level, logger and message."""
    return [json.loads(line) for line in log.splitlines() if line.startswith("{")]


def assert_logged_without_secrets(invocation: Invocation, lines: list[tuple[str, str, str]], known: Secrets) -> None:
    # What went wrong is in the log, or finding no secret there would prove nothing.
    records = log_records(invocation.log)
    for level, logger, text in lines:
        found = [r for r in records if (r["level"], r["logger"]) == (level, logger) and text in json.dumps(r)]
        assert found, f"{level} {logger} {text!r} is not in the log:\n{invocation.log}"
    assert all(record["requestId"] for record in records)  # each line names its invocation
    leaks, _, size = find_leaks([("the function's log", invocation.log.encode())], known)
    print(f"\nsearched {size} bytes of the function's log")
    assert leaks == [], f"{leaks}\n{invocation.log}"


def test_package_logs_requests_and_commands_but_no_secret(build, known, tmp_path, database_with_secret_password):
    keep_warm = {"detail-type": "Scheduled Event", "resources": ["arn:aws:events:rule/x.keep_warm_callback"]}
    events = [
        {"manage": "migrate --noinput"},
        http(build, "GET", "/health/"),
        http(build, "GET", "/api/notes/"),
        http(build, "GET", "/api/notes/999999/"),
        http(build, "GET", "/no-such-page/"),
        http(build, "POST", "/api/echo/", "not json"),
        {"manage": "check --deploy --fail-level WARNING"},
        {"manage": "no_such_command"},
        {"manage": "diffsettings"},  # prints every setting, SECRET_KEY and the database password among them
        {"raw_command": "import os; print(os.environ)"},
        {"unexpected": True},
        ["not", "an", "object"],
        keep_warm,
    ]
    env = function_environment(build, known, database_with_secret_password)

    invocation = invoke(build, tmp_path, events, env)

    outcomes = [outcome(result) for result in invocation.results]
    refused = "UnsupportedEvent"
    assert outcomes == [
        *("exit 0", 200, 200, 404, 404, 400, "exit 0", "ManagementCommandFailed", "ManagementCommandFailed"),
        *(refused, refused, refused, '{"warm": true}'),
    ]
    assert "'diffsettings' is refused" in invocation.results[8]["error"]
    # The HTTP lines come after a management command: its output must not take the log's stdout away.
    logged = [
        ("INFO", "lambda_function", "manage migrate --noinput exited with 0"),
        ("WARNING", "django.request", "Not Found: /api/notes/999999/"),
        ("WARNING", "django.request", "Not Found: /no-such-page/"),
        ("WARNING", "django.request", "Bad Request: /api/echo/"),
        ("INFO", "lambda_function", "manage check --deploy --fail-level WARNING exited with 0"),
        ("INFO", "lambda_function", "manage no_such_command exited with 1"),
        ("INFO", "access", '"path": "/api/notes/999999/", "status": 404'),
    ]
    assert_logged_without_secrets(invocation, logged, known)


def test_package_logs_database_failures_but_no_secret(build, known, tmp_path, refusing_port):
    events = [
        {"manage": "migrate --noinput"},
        http(build, "GET", "/health/"),
        http(build, "GET", "/api/notes/"),
        {"manage": "check --deploy --fail-level WARNING"},  # needs no database
    ]
    env = function_environment(build, known, known.database_url("app", "127.0.0.1", refusing_port, "app"))

    invocation = invoke(build, tmp_path, events, env)

    assert [outcome(result) for result in invocation.results] == ["ManagementCommandFailed", 503, 500, "exit 0"]
    assert "OperationalError" in invocation.results[0]["error"]
    slug = build.context["project_slug"]
    logged = [
        ("INFO", "lambda_function", "manage migrate --noinput exited with 1"),
        ("ERROR", f"{slug}.views", "Health check: the database did not answer"),
        ("ERROR", "django.request", "Internal Server Error: /api/notes/"),
        ("ERROR", "django.request", "Connection refused"),
    ]
    assert_logged_without_secrets(invocation, logged, known)
