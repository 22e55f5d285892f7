"""Lambda-scale concurrency against a small database: do the generated connection settings hold?

Every concurrent Lambda instance is a separate process with its own database connection. A dedicated
PostgreSQL cluster with max_connections = 20 stands in for a small RDS instance, and PgBouncer in
transaction-pooling mode for RDS Proxy (storm_database.py). In each storm (storms.py), 200 simulated
instances (support/drivers/storm/storm_driver.py: separate processes, each importing the generated
lambda_function) serve API Gateway events that write notes and read them back (storm_urls.py adds the
writes and a QuerySet.iterator() read to the generated routes), while a thread records the peak number of
database connections of the app's role. Four storms:

* the plain project, straight to the database: requests fail with "too many clients", as its README warns;
* the use_rds_proxy project, straight to the database: the proxy settings alone make it no better;
* the use_rds_proxy project behind the pooler (the README's advice): every request succeeds, the database
  never sees more connections than the pool holds, and the iterator works;
* the plain project behind the pooler: its server-side cursors break, which the proxy settings prevent.

Needs the runtime's Python, PostgreSQL 15's binaries and PgBouncer (Debian packages postgresql-15, pgbouncer).
Run: pytest tests/template/test_connection_storm.py -s (-s shows one summary line per storm).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from storm_database import MAX_CONNECTIONS, POOL_SIZE, RESERVED_FOR_SUPERUSERS, Cluster, running_cluster, start_pooler
from storms import INSTANCES, NOTES_PER_WRITE, Project, bake, notes_written, storm

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("connection_storm")]

# PostgreSQL's refusals: max_connections reached, or only the superusers' reserved slots left.
TOO_MANY = ("sorry, too many clients already", "remaining connection slots are reserved")
# A named cursor looked for on a server connection of the pool it wasn't DECLAREd on, or left on one.
CURSOR_LOST = re.compile(r'cursor "_django_curs_\w+" (does not exist|already exists)')


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    """PostgreSQL 15 with max_connections = 20, on a free port of 127.0.0.1, and a database for role app."""
    with running_cluster() as running:
        yield running


@pytest.fixture
def pooler(cluster) -> Iterator[int]:
    """PgBouncer in transaction-pooling mode, as RDS Proxy pools; yields its port. Per test: a storm without it
    must not find its idle server connections holding database slots."""
    with start_pooler(cluster) as bouncer:
        yield bouncer.port


@pytest.fixture(scope="module")
def proxy_project(cookies_session, cluster) -> Project:
    return bake(cookies_session, cluster, project_name="Storm Pooled", use_rds_proxy=True)


@pytest.fixture(scope="module")
def plain_project(cookies_session, cluster) -> Project:
    return bake(cookies_session, cluster, project_name="Storm Direct", use_rds_proxy=False)


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
