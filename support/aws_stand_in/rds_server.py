"""The server behind each RDS instance of the stand-in: a real database that checks the instance's login.

A database of its own in the local PostgreSQL, behind a PgBouncer on a free 127.0.0.1 port that
requires TLS (a throwaway self-signed certificate) and checks the user and password of the
instance's secret (SCRAM), as RDS does. The deployed function really talks to it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

from support.ports import free_port

PGBOUNCER = "/usr/sbin/pgbouncer"
LOCAL_POSTGRES = "postgresql://postgres@127.0.0.1:5432/postgres"


class Server:
    """A database in the local PostgreSQL behind a PgBouncer that checks one user's password over TLS."""

    def __init__(self, database_name: str, user: str, password: str) -> None:
        self.user = user
        self.real_database = f"standin_{secrets.token_hex(6)}"
        self.port = free_port()
        # PgBouncer refuses to run as root; its files must be the postgres user's, outside pytest's folders.
        self.folder = Path(tempfile.mkdtemp(prefix="standin-rds-"))
        with psycopg.connect(LOCAL_POSTGRES, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.real_database}"')
        self._write_config(database_name, user, password)
        run_as = ["-u", "postgres"] if os.geteuid() == 0 else []
        log = (self.folder / "stderr.log").open("w")
        self.process = subprocess.Popen([PGBOUNCER, *run_as, str(self.folder / "pgbouncer.ini")], stderr=log)
        self._wait_until_listening()

    def _write_config(self, database_name: str, user: str, password: str) -> None:
        folder = self.folder
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost"]
            + ["-keyout", str(folder / "server.key"), "-out", str(folder / "server.crt")],
            check=True,
            capture_output=True,
        )
        self._write_users(password)
        (folder / "pgbouncer.ini").write_text(
            f"[databases]\n{database_name} = host=127.0.0.1 port=5432 dbname={self.real_database} user=postgres\n"
            f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = scram-sha-256\nauth_file = {folder}/users.txt\npool_mode = session\n"
            f"client_tls_sslmode = require\nclient_tls_key_file = {folder}/server.key\n"
            f"client_tls_cert_file = {folder}/server.crt\nmax_client_conn = 200\n"
            f"logfile = {folder}/pgbouncer.log\n"
        )
        if os.geteuid() == 0:
            for path in [folder, *folder.iterdir()]:
                shutil.chown(path, "postgres", "postgres")

    def _write_users(self, password: str) -> None:
        (self.folder / "users.txt").write_text(f'"{self.user}" "{password}"\n')

    def change_password(self, password: str) -> None:
        """The server accepts the new password only, from the next login on (PgBouncer reloads on SIGHUP)."""
        self._write_users(password)
        self.process.send_signal(signal.SIGHUP)

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"PgBouncer exited; see {self.folder}/stderr.log")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"PgBouncer did not listen on {self.port} within 20 s")

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)
        with psycopg.connect(LOCAL_POSTGRES, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.real_database}" WITH (FORCE)')
        shutil.rmtree(self.folder, ignore_errors=True)
