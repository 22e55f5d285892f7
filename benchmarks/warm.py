"""Warm requests: many invocations in one process, timed inside the runtime's interpreter (by
support/drivers/lambda_benchmark_driver.py).

The baseline and ours answer GET /health/; a Django test Client on the same view is the floor. With a
database: a row read over a new connection per request (the default project) and over a kept connection
through PgBouncer (the RDS Proxy settings), and a JSON POST. Also the memory each holds after init.
"""

from __future__ import annotations

import json
import subprocess

from benchmarks import cold_start
from benchmarks.packages import SECRET_ENV, Package, stack_database_env
from support.drivers import LAMBDA_BENCHMARK_DRIVER
from support.lambda_runtime import runtime_dir
from support.pgbouncer import PgBouncer
from support.postgres import database_url, server_conninfo, throwaway_database


def run_driver(python: str, package: Package, spec: dict, env: dict) -> dict:
    """The benchmark driver in a fresh runtime interpreter, with the package and the runtime's folder: its RESULT."""
    command = [python, "-s", "-S", "-B", str(LAMBDA_BENCHMARK_DRIVER), str(package.code_dir), str(runtime_dir(python))]
    command += [package.handler, json.dumps(spec)]
    result = subprocess.run(command, capture_output=True, text=True, env={**env, "PATH": "/usr/bin:/bin"}, timeout=900)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-3000:])
    return json.loads(lines[-1].removeprefix("RESULT "))


def part_warm(python: str, packages: dict[str, Package], count: int) -> dict:
    """The table: p50 and p99 of each case, against the baseline; the memory after init as a second table."""
    baseline, ours = health_results(python, packages, count)
    direct, pooled = database_results(python, packages, count)
    return warm_table(count, baseline, ours, direct, pooled)


def health_results(python: str, packages: dict[str, Package], count: int) -> tuple[dict, dict]:
    """GET /health/ from the baseline and from ours without a database (with the test Client floor)."""
    health = {"count": count, "cases": [{"name": "GET /health/", "event": cold_start.http_event("GET", "/health/")}]}
    baseline = run_driver(python, packages["baseline"], health, SECRET_ENV)
    floor = {**health, "client_floor": "/health/", "host": cold_start.HOST}
    ours = run_driver(python, packages["ours: no database"], floor, SECRET_ENV)
    return baseline, ours


def database_results(python: str, packages: dict[str, Package], count: int) -> tuple[dict, dict]:
    """A row read and a JSON POST straight to PostgreSQL (default project); the read again through PgBouncer."""
    event = cold_start.http_event
    note = {
        "count": count,
        "setup_note_app": "my_lambda_api",
        "client_floor": None,
        "cases": [
            {"name": "GET /api/notes/<id>/", "event": event("GET", "/api/notes/{note}/")},
            {
                "name": "POST /api/echo/ (JSON)",
                "event": event("POST", "/api/echo/", json.dumps({"order": 1, "items": ["a", "b"]})),
            },
        ],
    }
    with throwaway_database("bench") as database:
        direct_env = {**SECRET_ENV, "DATABASE_URL": database_url(database)}
        direct = run_driver(python, packages["ours: default"], note, direct_env)
        with PgBouncer(
            databases={database: server_conninfo(database)},
            users={"postgres": ""},
            settings={"pool_mode": "transaction", "default_pool_size": 5},
        ) as bouncer:  # standing in for RDS Proxy
            pooled_spec = {**note, "setup_note_app": "pooled", "cases": note["cases"][:1]}
            pooled_env = {**SECRET_ENV, **stack_database_env(database, bouncer.port)}
            pooled = run_driver(python, packages["ours: RDS Proxy settings"], pooled_spec, pooled_env)
    return direct, pooled


def warm_table(count: int, baseline: dict, ours: dict, direct: dict, pooled: dict) -> dict:
    floor = ours["django_test_client"]["p50_us"]
    base = baseline["GET /health/"]["p50_us"]
    rows = [
        ["baseline (Mangum → Django ASGI): GET /health/", baseline["GET /health/"], "1.00"],
        [
            "ours (Mangum events → Django WSGI): GET /health/",
            ours["GET /health/"],
            f"{ours['GET /health/']['p50_us'] / base:.2f}",
        ],
        ["floor: Django test Client, same view", ours["django_test_client"], f"{floor / base:.2f}"],
        ["ours: GET a row, new connection per request (CONN_MAX_AGE=0)", direct["GET /api/notes/<id>/"], "–"],
        ["ours: GET a row, kept connection through PgBouncer", pooled["GET /api/notes/<id>/"], "–"],
        ["ours: POST JSON", direct["POST /api/echo/ (JSON)"], "–"],
    ]
    table = [[name, f"{numbers['p50_us']:.0f}", f"{numbers['p99_us']:.0f}", ratio] for name, numbers, ratio in rows]
    memory = [
        [name, f"{result['rss_after_init_kib'] / 1024:.1f}"]
        for name, result in (
            ("baseline", baseline),
            ("ours: no database", ours),
            ("ours: default", direct),
            ("ours: RDS Proxy settings", pooled),
        )
    ]
    ours_vs_floor = ours["GET /health/"]["p50_us"] / floor
    return {
        "title": f"Warm requests ({count} invocations each, one process; µs)",
        "header": ["case", "p50", "p99", "p50 vs baseline"],
        "rows": table,
        "notes": [f"ours / test Client floor (p50): {ours_vs_floor:.2f}"],
        "extra": {"title": "Memory after init (RSS, MiB)", "header": ["package", "RSS"], "rows": memory},
    }
