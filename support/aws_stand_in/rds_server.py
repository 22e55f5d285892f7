"""The server behind each RDS instance of the stand-in: a real database that checks the instance's login.

A database of its own in the local PostgreSQL (support/postgres.py), behind a PgBouncer on a free
127.0.0.1 port (support/pgbouncer.py) that requires TLS (a throwaway self-signed certificate) and checks
the user and password of the instance's secret (SCRAM), as RDS does. The deployed function really talks to it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from support.pgbouncer import PgBouncer
from support.postgres import create_database, drop_database, server_conninfo


def self_signed_certificate(folder: Path) -> dict[str, Path]:
    """A throwaway key and certificate for localhost in ``folder``, as PgBouncer's client TLS settings."""
    key, certificate = folder / "server.key", folder / "server.crt"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"]
        + ["-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )
    return {"client_tls_sslmode": "require", "client_tls_key_file": key, "client_tls_cert_file": certificate}


class Server:
    """A database in the local PostgreSQL behind a PgBouncer that checks one user's password over TLS."""

    def __init__(self, database_name: str, user: str, password: str) -> None:
        self.user = user
        self.real_database = create_database("standin")
        # PgBouncer's files (the TLS key among them) go outside pytest's folders: as root it runs as postgres.
        folder = Path(tempfile.mkdtemp(prefix="standin-rds-"))
        try:
            tls = self_signed_certificate(folder)
            self.pgbouncer = PgBouncer(
                databases={database_name: server_conninfo(self.real_database)},
                users={user: password},
                settings={"auth_type": "scram-sha-256", "pool_mode": "session", "max_client_conn": 200, **tls},
                folder=folder,
            )
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            drop_database(self.real_database)
            raise
        self.port = self.pgbouncer.port

    def change_password(self, password: str) -> None:
        """The server accepts the new password only, from the next login on."""
        self.pgbouncer.change_users({self.user: password})

    def close(self) -> None:
        self.pgbouncer.close()
        drop_database(self.real_database)
