"""The storm's database: a PostgreSQL cluster of its own with few connections, and PgBouncer pooling in front.

A dedicated cluster with max_connections = 20 stands in for a small RDS instance, and PgBouncer in
transaction-pooling mode for RDS Proxy. Needs PostgreSQL 15's binaries and PgBouncer (Debian packages
postgresql-15, pgbouncer).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from helpers import run

from support.pgbouncer import BINARY as PGBOUNCER
from support.pgbouncer import PgBouncer
from support.ports import free_port

# The server binaries of the installed PostgreSQL (Debian keeps them off PATH).
POSTGRES_BIN = (
    Path(sorted(Path("/usr/lib/postgresql").glob("*/bin"))[-1]) if Path("/usr/lib/postgresql").exists() else Path()
)
MAX_CONNECTIONS = 20
RESERVED_FOR_SUPERUSERS = 3  # PostgreSQL's default superuser_reserved_connections
POOL_SIZE = 10
APP_ROLE = "app"


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


@contextlib.contextmanager
def running_cluster() -> Iterator[Cluster]:
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


def start_pooler(cluster: Cluster) -> PgBouncer:
    """PgBouncer in transaction-pooling mode, as RDS Proxy pools, for the app's role; close() stops it."""
    return PgBouncer(
        databases={APP_ROLE: f"host=127.0.0.1 port={cluster.port} dbname={APP_ROLE}"},
        users={APP_ROLE: ""},
        settings={
            "pool_mode": "transaction",
            "default_pool_size": POOL_SIZE,
            "max_client_conn": 1000,
            "listen_backlog": 1024,
        },
    )
