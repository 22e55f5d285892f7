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
import bz2
import gzip
import io
import json
import lzma
import os
import re
import secrets
import socket
import subprocess
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlsplit

import psycopg
import pytest
from combinations import PAIRWISE
from helpers import (
    PG_DSN,
    api_gateway_event,
    lambda_environment,
    lambda_runtime,
    project_venv,
    run,
    runtime_python,
)
from psycopg import sql

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("secrets")]

DRIVER = Path(__file__).with_name("lambda_package_driver.py")
# Whatever tries AWS anyway meets a closed local port, never a real endpoint.
NO_AWS = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_EC2_METADATA_DISABLED": "true"}
# Names of settings whose value would be a secret.
SECRET_NAME = re.compile(r"secret|passw|token|credential|private|api_?key|access_?key", re.IGNORECASE)
URL_WITH_PASSWORD = re.compile(r"://[^/@\s:]*:[^/@\s]+@")
MAX_ARCHIVE_DEPTH = 5


# The secrets and how they could show
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Secret:
    name: str
    value: str
    core: str  # the random hex part of value


def make_secret(name: str, prefix: str, suffix: str = "") -> Secret:
    core = secrets.token_hex(16)
    return Secret(name, f"{prefix}{core}{suffix}", core)


def leak_forms(secret: Secret) -> dict[bytes, str]:
    """The byte strings that would betray a secret, each with the form it stands for.

    The hex core as is also covers the URL-encoded, JSON and repr forms of the value: none of
    them change hex digits. Its base64 depends on where it starts in the encoded text, so each
    of the three alignments is searched, without the edges that depend on the bytes around it.
    """
    core = secret.core.encode()
    forms = {core: "as is", core.hex().encode(): "hex-encoded"}
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + core)[4 if shift else 0 : -4]
        forms.setdefault(encoded.translate(bytes.maketrans(b"+/", b"-_")), "url-safe base64")
        forms[encoded] = "base64"
    return forms


@dataclass
class Secrets:
    """The secrets of one test module: the deploy job's environment and the function's."""

    django_secret_key: Secret
    secret_key: Secret
    database_password: Secret
    aws_secret_access_key: Secret
    aws_session_token: Secret

    def __iter__(self) -> Iterator[Secret]:
        return iter(vars(self).values())

    def database_url(self, user: str, host: str, port: int, name: str) -> str:
        # The password has characters a URL must percent-encode: the environment holds the
        # encoded form, Django the decoded one, and neither may show.
        password = quote(self.database_password.value, safe="")
        return f"postgres://{user}:{password}@{host}:{port}/{name}?sslmode=disable"

    def environment(self, database_url: str) -> dict[str, str]:
        return {
            "DJANGO_SECRET_KEY": self.django_secret_key.value,
            "SECRET_KEY": self.secret_key.value,
            "DATABASE_URL": database_url,
            "AWS_ACCESS_KEY_ID": "AKIA" + secrets.token_hex(8).upper(),  # an id, not a secret
            "AWS_SECRET_ACCESS_KEY": self.aws_secret_access_key.value,
            "AWS_SESSION_TOKEN": self.aws_session_token.value,
            **NO_AWS,
        }


@pytest.fixture(scope="module")
def known() -> Secrets:
    return Secrets(
        # Over 50 characters, so `check --deploy` takes it for a real key.
        django_secret_key=make_secret("DJANGO_SECRET_KEY", "djk-", "-" + secrets.token_urlsafe(20)),
        secret_key=make_secret("SECRET_KEY", "sk-"),
        database_password=make_secret("database password", "pw-", "/@:%+ !?#"),
        aws_secret_access_key=make_secret("AWS_SECRET_ACCESS_KEY", "", "/Fake+Key"),
        aws_session_token=make_secret("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2Vj", secrets.token_urlsafe(90)),
    )


# Searching bytes, archives included
# ------------------------------------------------------------------------------


def unpack(data: bytes) -> list[tuple[str, bytes]]:
    """The members of an archive or compressed stream (zip, tar, gzip, bzip2, xz); [] for anything else."""
    stream = io.BytesIO(data)
    if data.startswith(b"PK\x03\x04") and zipfile.is_zipfile(stream):
        with zipfile.ZipFile(stream) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist() if not info.is_dir()]
    if data[257:262] == b"ustar":
        with tarfile.open(fileobj=stream) as archive:
            return [(member.name, archive.extractfile(member).read()) for member in archive if member.isfile()]
    if data.startswith(b"\x1f\x8b\x08"):
        return [("(gunzipped)", gzip.decompress(data))]
    if data.startswith(b"BZh") and data[4:10] == b"1AY&SY":
        return [("(bunzipped)", bz2.decompress(data))]
    if data.startswith(b"\xfd7zXZ\x00"):
        return [("(unxzed)", lzma.decompress(data))]
    return []


def expand(label: str, data: bytes, depth: int = 0) -> Iterator[tuple[str, bytes]]:
    """The bytes themselves, then what the archives among them hold, however deep (a wheel in a zip...)."""
    yield label, data
    assert depth < MAX_ARCHIVE_DEPTH, f"{label}: archives nested too deep to search"
    for name, inner in unpack(data):
        yield from expand(f"{label}!{name}", inner, depth + 1)


def files_under(folder: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield from expand(str(path.relative_to(folder)), path.read_bytes())


def find_leaks(haystacks: Iterable[tuple[str, bytes]], known: Secrets) -> tuple[list[str], int, int]:
    """Where any form of any secret occurs; also how many pieces and bytes were searched."""
    forms = [(needle, f"{secret.name} ({form})") for secret in known for needle, form in leak_forms(secret).items()]
    leaks, pieces, size = [], 0, 0
    for label, data in haystacks:
        pieces, size = pieces + 1, size + len(data)
        leaks += [f"{what} in {label}" for needle, what in forms if needle in data]
    return leaks, pieces, size


def secret_looking_values(node, path: str = "") -> Iterator[str]:
    """Where a JSON document holds what looks like a secret: a value under a secret's name, a URL with a password."""
    if isinstance(node, dict):
        for key, value in node.items():
            # A flag such as cors.allowCredentials can't hold a secret; any text or structure can.
            if SECRET_NAME.search(str(key)) and value not in ("", None, [], {}) and not isinstance(value, bool):
                yield f"{path}.{key}"
            yield from secret_looking_values(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from secret_looking_values(value, f"{path}[{index}]")
    elif isinstance(node, str) and URL_WITH_PASSWORD.search(node):
        yield path


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


@dataclass
class Build:
    project: Path
    context: dict
    python: str
    package: Path
    output: str  # the build's stdout and stderr


@pytest.fixture(scope="module")
def build(cookies_session, known) -> Build:
    """The default bake's production package, built with the secrets in the environment and in .env."""
    result = cookies_session.bake()
    assert result.exit_code == 0, result.exception
    project, context = Path(result.project_path), result.context
    python = runtime_python(context["python_runtime"])
    venv = project_venv(project, python)
    environment = known.environment(known.database_url("app", "db.internal.example", 5432, "app"))
    # A developer keeps the secrets in .env (see .env.example): the build must leave it out.
    (project / ".env").write_text("".join(f"{key}={value}\n" for key, value in environment.items()))
    env = {**os.environ, **environment, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
    command = [str(venv / "bin" / "python"), "scripts/build_package.py", "production"]
    done = run(command, cwd=project, env=env, timeout=900)
    return Build(project, context, python, project / ".zappa-build" / "production.zip", done.stdout + done.stderr)


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


@dataclass
class Invocation:
    results: list[dict]
    log: str  # stdout and stderr, as CloudWatch would keep them


def invoke(build: Build, tmp_path: Path, events: list, env: dict[str, str]) -> Invocation:
    """Unzip the package and run its handler on the events, one warm instance, in an isolated runtime interpreter."""
    code_dir = tmp_path / "var-task"
    with zipfile.ZipFile(build.package) as archive:
        archive.extractall(code_dir)
    command = [build.python, "-I", "-S", "-B", str(DRIVER), str(code_dir), str(lambda_runtime(build.python))]
    done = subprocess.run(
        command, input=json.dumps(events), capture_output=True, text=True, env=env, cwd=tmp_path, timeout=180
    )
    log = done.stdout + done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    assert done.returncode == 0 and lines, log
    return Invocation(json.loads(lines[-1].removeprefix("RESULT "))["results"], log)


def function_environment(build: Build, known: Secrets, database_url: str) -> dict[str, str]:
    """The production function's environment: zappa_settings' variables, the secrets, the role's credentials."""
    return lambda_environment(build.project, **known.environment(database_url))


def http(build: Build, method: str, path: str, body: str | None = None) -> dict:
    host = "a1b2c3d4e5.execute-api.{}.amazonaws.com".format(build.context["aws_region"])
    return api_gateway_event("v2", method, path, host, body)


def outcome(result: dict) -> int | str:
    """An HTTP status, "exit N" for a management command, or the name of the exception the handler raised."""
    if "error" in result:
        return result["error"].split(":", 1)[0]
    response = result["response"]
    if "statusCode" in response:
        return response["statusCode"]
    return f"exit {response['exit_status']}" if "exit_status" in response else json.dumps(response)


def assert_logged_without_secrets(invocation: Invocation, lines: list[str], known: Secrets) -> None:
    # What went wrong is in the log, or finding no secret there would prove nothing.
    for line in lines:
        assert line in invocation.log, f"{line!r} is not in the log:\n{invocation.log}"
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
        "INFO lambda_function manage migrate --noinput exited with 0",
        "WARNING django.request Not Found: /api/notes/999999/",
        "WARNING django.request Not Found: /no-such-page/",
        "WARNING django.request Bad Request: /api/echo/",
        "INFO lambda_function manage check --deploy --fail-level WARNING exited with 0",
        "INFO lambda_function manage no_such_command exited with 1",
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
        "INFO lambda_function manage migrate --noinput exited with 1",
        f"ERROR {slug}.views Health check: the database did not answer",
        "ERROR django.request Internal Server Error: /api/notes/",
        "Connection refused",
    ]
    assert_logged_without_secrets(invocation, logged, known)
