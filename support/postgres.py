"""The local PostgreSQL that tests and benchmarks use (TEST_POSTGRES_DSN), and throwaway databases in it."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator

import psycopg
from psycopg.conninfo import conninfo_to_dict

# A superuser's connection to the server's maintenance database.
PG_DSN = os.environ.get("TEST_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def database_url(name: str) -> str:
    """The URL of another database on the same server, as the same user, without TLS (loopback)."""
    return f"{PG_DSN.rsplit('/', 1)[0]}/{name}?sslmode=disable"


def server_conninfo(database: str) -> str:
    """How a pooler reaches ``database`` on this server (PgBouncer's form): PG_DSN's address and superuser."""
    server = conninfo_to_dict(PG_DSN)
    known = {key: server[key] for key in ("host", "port", "user", "password") if key in server}
    return " ".join(f"{key}={value}" for key, value in {**known, "dbname": database}.items())


def create_database(prefix: str) -> str:
    """A new, empty database named ``<prefix>_<random>``; returns its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    """Drop a database, closing whatever connections are still open to it."""
    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextlib.contextmanager
def throwaway_database(prefix: str) -> Iterator[str]:
    """A new, empty database while the block runs; yields its name (its URL: ``database_url(name)``)."""
    name = create_database(prefix)
    try:
        yield name
    finally:
        drop_database(name)
