"""PgBouncer on a free port of 127.0.0.1, in front of a PostgreSQL server (standing in for RDS Proxy)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from support.ports import free_port

BINARY = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"  # Debian's, off a non-root PATH


class PgBouncer:
    """One PgBouncer process, listening on ``port``, with its files in ``folder``; ``close()`` stops it.

    ``databases`` maps each name clients ask for to its server (PgBouncer's connection string, e.g.
    ``host=127.0.0.1 port=5432 dbname=app``); ``users`` maps each user to its password ("" with the default
    ``auth_type = trust``); ``settings`` adds to or overrides the [pgbouncer] section (pool_mode, ...).
    ``folder``: where to keep its files, if the caller has put some there already (TLS keys); else a new one.
    PgBouncer refuses to run as root: as root, it runs as the postgres user, which then owns its files.
    """

    def __init__(
        self,
        databases: dict[str, str],
        users: dict[str, str],
        settings: dict[str, object] | None = None,
        folder: Path | None = None,
    ) -> None:
        self.folder = folder or Path(tempfile.mkdtemp(prefix="pgbouncer-"))
        self.port = free_port()
        self._write_users(users)
        config = {
            "listen_addr": "127.0.0.1",
            "listen_port": self.port,
            "unix_socket_dir": "",
            "auth_type": "trust",
            "auth_file": self.folder / "users.txt",
            "logfile": self.folder / "pgbouncer.log",
            **(settings or {}),
        }
        (self.folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            + "".join(f"{name} = {server}\n" for name, server in databases.items())
            + "[pgbouncer]\n"
            + "".join(f"{key} = {value}".rstrip() + "\n" for key, value in config.items())
        )
        as_root = os.geteuid() == 0
        if as_root:
            for path in [self.folder, *self.folder.iterdir()]:
                shutil.chown(path, "postgres", "postgres")
        command = [BINARY, *(["-u", "postgres"] if as_root else []), str(self.folder / "pgbouncer.ini")]
        with open(self.folder / "stderr.log", "w") as stderr:
            self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
        try:
            self._wait_until_listening()
        except BaseException:
            self.close()
            raise

    def _write_users(self, users: dict[str, str]) -> None:
        (self.folder / "users.txt").write_text("".join(f'"{user}" "{password}"\n' for user, password in users.items()))

    def change_users(self, users: dict[str, str]) -> None:
        """Accept these users and passwords only, from the next login on (PgBouncer rereads them on SIGHUP)."""
        self._write_users(users)
        self.process.send_signal(signal.SIGHUP)

    def _wait_until_listening(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"PgBouncer exited with status {self.process.returncode}: {self._log()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError(f"PgBouncer did not listen on 127.0.0.1:{self.port} within {timeout:.0f} s: {self._log()}")

    def _log(self) -> str:
        return "".join(
            path.read_text(errors="replace")[-2000:]
            for path in (self.folder / "stderr.log", self.folder / "pgbouncer.log")
            if path.exists()
        )

    def close(self) -> None:
        """Stop PgBouncer and remove its folder."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> PgBouncer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
