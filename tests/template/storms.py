"""One storm: many simulated Lambda instances of a generated project at once, and what they did.

The instances are support/drivers/storm/storm_driver.py's (separate processes, each importing the generated
lambda_function) serving API Gateway events that write notes and read them back, with the routes of
storm_urls.py on top of the generated ones; a thread here records the peak number of database connections of
the app's role meanwhile.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psycopg
from helpers import lambda_environment, run, runtime_python
from storm_database import APP_ROLE, MAX_CONNECTIONS, Cluster

from support.drivers import STORM_DIR, STORM_DRIVER
from support.events import api_gateway_event, api_host
from support.venvs import project_venv

INSTANCES = 200
NOTES_PER_WRITE = 5  # as storm_driver.py writes them
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
            PYTHONPATH=str(STORM_DIR),  # storm_settings.py and storm_urls.py
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
    host = api_host(project.context["aws_region"])
    plan = {"instances": INSTANCES, "label": name, "base_event": api_gateway_event("v2", "GET", "/", host)}
    env = project.lambda_environment(port)
    with cluster.connect() as connection:
        wait_until_idle(connection)
        with ConnectionMonitor(connection) as monitor:
            result = subprocess.run(
                [str(project.python), str(STORM_DRIVER)],
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
