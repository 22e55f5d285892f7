"""Lambda-scale concurrency against a small database: do the generated connection settings hold?

Every concurrent Lambda instance is a separate process with its own database connection. A dedicated
PostgreSQL cluster with max_connections = 20 stands in for a small RDS instance, and PgBouncer in
transaction-pooling mode for RDS Proxy. In each storm, 200 simulated instances (storm_driver.py: separate
processes, each importing the generated lambda_function) serve API Gateway events that write notes and read
them back (storm_urls.py adds the writes and a QuerySet.iterator() read to the generated routes), while a
thread here records the peak number of database connections of the app's role. Four storms:

* the plain project, straight to the database: requests fail with "too many clients", as its README warns;
* the use_rds_proxy project, straight to the database: the proxy settings alone make it no better;
* the use_rds_proxy project behind the pooler (the README's advice): every request succeeds, the database
  never sees more connections than the pool holds, and the iterator works;
* the plain project behind the pooler: its server-side cursors break, which the proxy settings prevent.

Needs the runtime's Python, PostgreSQL 15's binaries and PgBouncer (Debian packages postgresql-15, pgbouncer).
Run: pytest tests/template/test_connection_storm.py -s (-s shows one summary line per storm).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from helpers import api_gateway_event, free_port, lambda_environment, project_venv, run, runtime_python

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("connection_storm")]

# The server binaries of the installed PostgreSQL (Debian keeps them off PATH).
POSTGRES_BIN = (
    Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]) if Path("/usr/lib/postgresql").exists() else Path()
)
PGBOUNCER = "/usr/sbin/pgbouncer"
MAX_CONNECTIONS = 20
POOL_SIZE = 10
INSTANCES = 200
APP_ROLE = "app"
DRIVER = Path(__file__).with_name("storm_driver.py")

BAKE_OPTIONS = {
    "use_vpc": True,
    "vpc_subnet_ids": "subnet-0123abcd,subnet-4567cdef",
    "vpc_security_group_ids": "sg-0123abcd",
    "database": "postgresql",
    "storage": "none",
    "use_admin": False,
    "cold_start": "none",
    "ci_tool": "none",
}
RESERVED_FOR_SUPERUSERS = 3  # PostgreSQL's default superuser_reserved_connections
NOTES_PER_WRITE = 5  # as storm_driver.py writes them
# PostgreSQL's refusals: max_connections reached, or only the superusers' reserved slots left.
TOO_MANY = ("sorry, too many clients already", "remaining connection slots are reserved")
# A named cursor looked for on a server connection of the pool it wasn't DECLAREd on, or left on one.
CURSOR_LOST = re.compile(r'cursor "_django_curs_\w+" (does not exist|already exists)')


# --- the database: a dedicated cluster, and PgBouncer in front of it --------------------------------------------


def wait_for_port(port: int, what: str, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            pytest.fail(f"{what} exited with status {process.returncode}")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        time.sleep(0.1)
    pytest.fail(f"{what} did not listen on port {port}")


def require_installed(*paths: Path | str) -> None:
    """Fail, not skip: CI installs these, so a missing one is a broken set-up."""
    missing = [str(path) for path in paths if not Path(path).exists()]
    if missing:
        pytest.fail(f"Not installed: {', '.join(missing)} (apt-get install postgresql-15 pgbouncer)")


def as_postgres(*command: str, cwd: Path) -> None:
    """initdb, pg_ctl and pgbouncer refuse to run as root."""
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    run([*prefix, *command], cwd=cwd, timeout=60)


def private_folder(prefix: str) -> Path:
    """A folder the postgres user owns, under /tmp: pytest's tmp_path is private to root."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres", "postgres")
    return folder


@dataclass
class Cluster:
    port: int

    def connect(self, database: str = APP_ROLE) -> psycopg.Connection:
        """A superuser connection: it may take the slots reserved for superusers, the app's role may not."""
        return psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/{database}", autocommit=True)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """PostgreSQL 15 with max_connections = 20, on a free port of 127.0.0.1, and a database for role app."""
    require_installed(POSTGRES_BIN / "initdb", POSTGRES_BIN / "pg_ctl", PGBOUNCER)
    folder = private_folder("storm-pg-")
    data = folder / "data"
    port = free_port()
    try:
        initdb = [str(POSTGRES_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "--no-sync"]
        as_postgres(*initdb, "-E", "UTF8", "--locale=C.UTF-8", cwd=folder)
        with open(data / "postgresql.conf", "a") as conf:
            conf.write(
                f"max_connections = {MAX_CONNECTIONS}\nport = {port}\nlisten_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{folder}'\nfsync = off\nsynchronous_commit = off\n"
            )
        as_postgres(
            str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-l", str(folder / "postgres.log"), "-w", "start", cwd=folder
        )
        try:
            result = Cluster(port)
            with result.connect("postgres") as connection:
                # Not a superuser: those may use the reserved slots. UTC, as RDS's default parameter group has
                # it, spares Django a SET TIME ZONE on each new connection (which a transaction pooler would lose).
                connection.execute(f"CREATE ROLE {APP_ROLE} LOGIN")
                connection.execute(f"ALTER ROLE {APP_ROLE} SET timezone TO 'UTC'")
                connection.execute(f"CREATE DATABASE {APP_ROLE} OWNER {APP_ROLE}")
            yield result
        finally:
            as_postgres(str(POSTGRES_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop", cwd=folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def pooler(cluster) -> Iterator[int]:
    """PgBouncer in transaction-pooling mode, as RDS Proxy pools; yields its port. Per test: a storm without it
    must not find its idle server connections holding database slots."""
    folder = private_folder("storm-pgbouncer-")
    port = free_port()
    (folder / "users.txt").write_text(f'"{APP_ROLE}" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n{APP_ROLE} = host=127.0.0.1 port={cluster.port} dbname={APP_ROLE}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {folder}/users.txt\npool_mode = transaction\n"
        f"default_pool_size = {POOL_SIZE}\nmax_client_conn = 1000\nlisten_backlog = 1024\n"
        f"logfile = {folder}/pgbouncer.log\n"
    )
    for path in folder.iterdir():
        shutil.chown(path, "postgres", "postgres")
    command = [PGBOUNCER, *(["-u", "postgres"] if os.geteuid() == 0 else []), str(folder / "pgbouncer.ini")]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, "PgBouncer", process)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


# --- the generated projects ---------------------------------------------------------------------------------------


@dataclass
class Project:
    path: Path
    context: dict
    python: Path

    @property
    def slug(self) -> str:
        return self.context["project_slug"]

    def lambda_environment(self, port: int) -> dict[str, str]:
        """The production function's environment: zappa_settings' variables, the secret key, and the database the
        stack's outputs would name (here the cluster's, on this port), with storm_settings.py on top."""
        return lambda_environment(
            self.path,
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_DATABASE_HOST="127.0.0.1",
            DJANGO_DATABASE_PORT=str(port),
            DJANGO_DATABASE_NAME=APP_ROLE,
            DJANGO_DATABASE_SECRET_ARN="arn:aws:secretsmanager:us-east-1:123456789012:secret:unread",
            DJANGO_SETTINGS_MODULE="storm_settings",
            PYTHONPATH=str(DRIVER.parent),  # storm_settings.py and storm_urls.py
        )

    def readme(self) -> str:
        """The README with its line breaks folded, to find sentences that wrap."""
        return " ".join((self.path / "README.md").read_text().split())


def bake(cookies_session, cluster: Cluster, **options) -> Project:
    """Bake, build the venv, and migrate the project's tables in the cluster (directly, as CI would)."""
    result = cookies_session.bake(extra_context={**BAKE_OPTIONS, **options})
    assert result.exit_code == 0, result.exception
    path = Path(result.project_path)
    python = project_venv(path, runtime_python(result.context["python_runtime"])) / "bin" / "python"
    project = Project(path, result.context, python)
    run([str(python), "manage.py", "migrate", "--noinput"], cwd=path, env=project.lambda_environment(cluster.port))
    return project


@pytest.fixture(scope="module")
def proxy_project(cookies_session, cluster) -> Project:
    return bake(cookies_session, cluster, project_name="Storm Pooled", use_rds_proxy=True)


@pytest.fixture(scope="module")
def plain_project(cookies_session, cluster) -> Project:
    return bake(cookies_session, cluster, project_name="Storm Direct", use_rds_proxy=False)


# --- a storm ------------------------------------------------------------------------------------------------------


class ConnectionMonitor:
    """The peak number of the app role's database connections, sampled every 10 ms from a thread.

    Its own superuser connection is opened before the storm: at the peak there may be no slot left for it.
    """

    QUERY = "SELECT count(*) FROM pg_stat_activity WHERE usename = %s"

    def __init__(self, connection: psycopg.Connection) -> None:
        self.connection = connection
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.wait(0.01):
            count = self.connection.execute(self.QUERY, [APP_ROLE]).fetchone()[0]
            self.peak = max(self.peak, count)
            self.samples += 1

    def __enter__(self) -> ConnectionMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Storm:
    """What one storm did: the driver's summary, every instance's log, and the peak connections seen."""

    name: str
    summary: dict
    logs: str
    peak: int

    @property
    def invocations(self) -> list[dict]:
        """Every request sent; not those an instance could not send (no id to ask for: its write had failed)."""
        return [call for instance in self.summary["results"] for call in instance if call.get("sent", True)]

    @property
    def failed(self) -> list[dict]:
        return [call for call in self.invocations if not call["ok"]]

    def unsent(self) -> int:
        return sum(1 for instance in self.summary["results"] for call in instance if not call.get("sent", True))

    def named(self, name: str) -> list[dict]:
        return [call for call in self.invocations if call["name"] == name]

    def line(self) -> str:
        total, failed, unsent = len(self.invocations), len(self.failed), self.unsent()
        return (
            f"storm {self.name}: {INSTANCES} instances, {total} requests, {total - failed} ok, {failed} failed"
            + (f" ({unsent} more not sent: their write had failed)" if unsent else "")
            + f", peak {self.peak} connections of role {APP_ROLE} (max_connections {MAX_CONNECTIONS}),"
            f" {self.summary['seconds']:.1f} s"
        )

    def failures(self, limit: int = 5) -> str:
        """For assertion messages: failures by request and status, a few problems, and the end of the logs."""
        counts = Counter((call["name"], call["status"]) for call in self.failed)
        return f"{dict(counts)}; e.g. {[call['problem'] for call in self.failed[:limit]]}\n{self.logs[-2000:]}"


def wait_until_idle(connection: psycopg.Connection) -> None:
    """No connection of the app's role left from a previous storm: each storm starts from zero."""
    deadline = time.monotonic() + 30
    while connection.execute(ConnectionMonitor.QUERY, [APP_ROLE]).fetchone()[0]:
        assert time.monotonic() < deadline, "connections of the previous storm are still open"
        time.sleep(0.05)


def storm(name: str, project: Project, cluster: Cluster, port: int) -> Storm:
    """INSTANCES simulated Lambda instances of the project at once; prints the one-line summary."""
    host = "a1b2c3d4e5.execute-api.{}.amazonaws.com".format(project.context["aws_region"])
    plan = {"instances": INSTANCES, "label": name, "base_event": api_gateway_event("v2", "GET", "/", host)}
    env = project.lambda_environment(port)
    with cluster.connect() as connection:
        wait_until_idle(connection)
        with ConnectionMonitor(connection) as monitor:
            result = subprocess.run(
                [str(project.python), str(DRIVER)],
                input=json.dumps(plan),
                capture_output=True,
                text=True,
                cwd=project.path,
                env=env,
                timeout=300,
            )
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and lines and lines[-1].startswith("SUMMARY "), result.stdout[-3000:] + result.stderr
    summary = json.loads(lines[-1].removeprefix("SUMMARY "))
    outcome = Storm(name, summary, result.stdout + result.stderr, monitor.peak)
    print(outcome.line())
    assert summary["crashed_instances"] == 0, outcome.logs[-3000:]
    assert summary["root_urlconf"] == "storm_urls"
    assert monitor.samples > 10, "the monitor sampled too rarely to see a peak"
    return outcome


def notes_written(cluster: Cluster, project: Project, name: str) -> int:
    with cluster.connect() as connection:
        query = f"SELECT count(*) FROM {project.slug}_note WHERE title LIKE %s"
        return connection.execute(query, [f"{name}-%"]).fetchone()[0]


# --- the tests ----------------------------------------------------------------------------------------------------


def test_without_a_pooler_the_database_runs_out_of_connections_as_the_readme_warns(plain_project, cluster):
    outcome = storm("direct", plain_project, cluster, cluster.port)

    assert outcome.summary["settings"]["CONN_MAX_AGE"] == 0  # already the most frugal a direct connection can be
    assert outcome.failed, "every request succeeded: the storm did not exhaust max_connections"
    assert {call["status"] for call in outcome.failed} == {500}, outcome.failures()
    assert any(message in outcome.logs for message in TOO_MANY), outcome.failures()
    assert outcome.peak <= MAX_CONNECTIONS - RESERVED_FOR_SUPERUSERS
    # Server-side cursors themselves are fine on a connection of one's own.
    assert not CURSOR_LOST.search(outcome.logs)
    # This project's README predicts the failure and says what to do: the tests below do it.
    readme = plain_project.readme()
    assert "A db.t3.micro accepts about 87 connections: past that concurrency, requests fail." in readme
    assert "Then add RDS Proxy (generate the project again with `use_rds_proxy` and compare)" in readme


def test_the_proxy_settings_without_a_pooler_do_not_help(proxy_project, cluster):
    """Connections kept across invocations without a pooler: each instance holds a database slot."""
    outcome = storm("proxy-settings-direct", proxy_project, cluster, cluster.port)

    assert outcome.summary["settings"]["CONN_MAX_AGE"] == 600
    assert outcome.failed, "every request succeeded: the storm did not exhaust max_connections"
    assert any(message in outcome.logs for message in TOO_MANY), outcome.failures()
    # Kept connections pile up: the app's role held every slot a non-superuser may have, but the one the
    # monitor's own connection may take.
    assert MAX_CONNECTIONS - RESERVED_FOR_SUPERUSERS - 1 <= outcome.peak <= MAX_CONNECTIONS - RESERVED_FOR_SUPERUSERS


def test_with_the_proxy_settings_and_a_pooler_every_request_succeeds(proxy_project, cluster, pooler):
    outcome = storm("pooled", proxy_project, cluster, pooler)

    assert outcome.summary["settings"] == {
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "DISABLE_SERVER_SIDE_CURSORS": True,
    }
    assert not outcome.failed, outcome.failures()
    assert outcome.unsent() == 0 and len(outcome.invocations) == 4 * INSTANCES
    assert "ERROR" not in outcome.logs, outcome.logs[-3000:]
    # Each instance streamed back exactly the notes it wrote, through QuerySet.iterator() behind the pooler.
    assert len(outcome.named("stream")) == INSTANCES
    assert notes_written(cluster, proxy_project, "pooled") == NOTES_PER_WRITE * INSTANCES
    assert 0 < outcome.peak <= POOL_SIZE
    # What this project's README says of the proxy: the settings measured above.
    readme = proxy_project.readme()
    assert "The function connects through RDS Proxy, which logs in with the same secret." in readme
    assert "(`CONN_MAX_AGE = 600`, checked before use) and disable server-side cursors" in readme


def test_server_side_cursors_break_behind_a_pooler_without_the_proxy_settings(plain_project, cluster, pooler):
    """Why the proxy settings disable server-side cursors: a named cursor DECLAREd in one transaction is
    FETCHed in the next ones, which the pooler may run on another server connection ("does not exist"). The
    WITH HOLD cursor left behind on the first one then collides with the next instance's cursor of the same
    name ("already exists"): Django names it after the thread, which forked instances share, as instances
    restored from one SnapStart snapshot would."""
    outcome = storm("cursors", plain_project, cluster, pooler)

    assert outcome.summary["settings"]["DISABLE_SERVER_SIDE_CURSORS"] is False
    assert not [call for call in outcome.failed if call["name"] != "stream"], outcome.failures()
    assert any(not call["ok"] for call in outcome.named("stream")), "every server-side cursor survived the pooler"
    assert CURSOR_LOST.search(outcome.logs), outcome.failures()
    assert outcome.peak <= POOL_SIZE
