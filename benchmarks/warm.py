"""Warm requests: many invocations in one process, timed inside the runtime's interpreter (by
support/drivers/lambda_benchmark_driver.py).

The baseline and ours answer GET /health/; a Django test Client on the same view is the floor. With a
database: a row read over a new connection per request (the default project) and over a kept connection
through PgBouncer (the RDS Proxy settings), and a JSON POST. The same row read and POST from the default
project with Django Ninja and with DRF, against its plain views. Also the memory each holds after init.
"""

from __future__ import annotations

import json
import subprocess

from benchmarks import cold_start
from benchmarks.packages import FRAMEWORK_PACKAGES, SECRET_ENV, Package, stack_database_env
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
    frameworks = framework_results(python, packages, count)
    table = warm_table(count, baseline, ours, direct, pooled, frameworks)
    access_rows, access_note = access_log_rows(*access_log_results(python, packages, count))
    table["rows"] += access_rows
    table["notes"].append(access_note)
    return table


def access_log_results(python: str, packages: dict[str, Package], count: int) -> tuple[dict, dict]:
    """The fastest path (GET /health/ without a database) and a row read, each with and without the access line,
    in alternating blocks of one process, logged as Lambda's runtime logs them (JSON)."""
    health_event = {"name": "GET /health/", "event": cold_start.http_event("GET", "/health/"), "access_log": "compare"}
    health = run_driver(python, packages["ours: no database"], {"count": count, "cases": [health_event]}, SECRET_ENV)
    row_spec = note_spec(count, "my_lambda_api")
    row_spec["cases"] = [{**row_spec["cases"][0], "access_log": "compare"}]
    with throwaway_database("bench") as database:
        env = {**SECRET_ENV, "DATABASE_URL": database_url(database)}
        row = run_driver(python, packages["ours: default"], row_spec, env)
    return health["GET /health/"], row["GET /api/notes/<id>/"]


def access_log_rows(health: dict, row: dict) -> tuple[list[list[str]], str]:
    """Rows for the table, and the note that says what the line costs."""
    rows = []
    for name, result in (("no database: GET /health/", health), ("default: GET a row, new connection", row)):
        ratio = result["with"]["p50_us"] / result["without"]["p50_us"]
        rows.append([f"ours, {name}, with the access line", *p50_p99(result["with"]), f"{ratio:.2f} vs without"])
        rows.append([f"ours, {name}, without it", *p50_p99(result["without"]), "–"])
    costs = [result["with"]["p50_us"] / result["without"]["p50_us"] - 1 for result in (health, row)]
    added_us = [result["with"]["p50_us"] - result["without"]["p50_us"] for result in (health, row)]
    note = (
        f"The access line (one JSON log line per request) costs {costs[0]:+.1%} on the fastest path and "
        f"{costs[1]:+.1%} on a row read (p50, with against without, same process): {added_us[0]:.0f} and "
        f"{added_us[1]:.0f} µs, the price of one record through Python's logging and the runtime's JSON format. "
        "Lambda bills duration in whole milliseconds; a log_level of WARNING in zappa_settings.json leaves the "
        "line out."
    )
    return rows, note


def p50_p99(numbers: dict) -> list[str]:
    return [f"{numbers['p50_us']:.0f}", f"{numbers['p99_us']:.0f}"]


def health_results(python: str, packages: dict[str, Package], count: int) -> tuple[dict, dict]:
    """GET /health/ from the baseline and from ours without a database (with the test Client floor)."""
    health = {"count": count, "cases": [{"name": "GET /health/", "event": cold_start.http_event("GET", "/health/")}]}
    baseline = run_driver(python, packages["baseline"], health, SECRET_ENV)
    floor = {**health, "client_floor": "/health/", "host": cold_start.HOST}
    ours = run_driver(python, packages["ours: no database"], floor, SECRET_ENV)
    return baseline, ours


def note_spec(count: int, app_label: str) -> dict:
    """A row read (the note the driver creates in ``app_label``'s model) and a JSON POST."""
    event = cold_start.http_event
    return {
        "count": count,
        "setup_note_app": app_label,
        "client_floor": None,
        "cases": [
            {"name": "GET /api/notes/<id>/", "event": event("GET", "/api/notes/{note}/")},
            {
                "name": "POST /api/echo/ (JSON)",
                "event": event("POST", "/api/echo/", json.dumps({"order": 1, "items": ["a", "b"]})),
            },
        ],
    }


def database_results(python: str, packages: dict[str, Package], count: int) -> tuple[dict, dict]:
    """A row read and a JSON POST straight to PostgreSQL (default project); the read again through PgBouncer."""
    note = note_spec(count, "my_lambda_api")
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


def framework_results(python: str, packages: dict[str, Package], count: int) -> dict[str, dict]:
    """database_results' row read and JSON POST from the default project with each API framework."""
    results = {}
    for name in FRAMEWORK_PACKAGES:
        package = packages[name]
        with throwaway_database("bench") as database:
            env = {**SECRET_ENV, "DATABASE_URL": database_url(database)}
            results[name] = run_driver(python, package, note_spec(count, package.app_label), env)
    return results


def warm_table(count: int, baseline: dict, ours: dict, direct: dict, pooled: dict, frameworks: dict[str, dict]) -> dict:
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
    for name, result in frameworks.items():
        framework = name.removeprefix("ours: ")
        rows += [
            [f"ours, {framework}: GET a row, new connection per request", result["GET /api/notes/<id>/"], "–"],
            [f"ours, {framework}: POST JSON", result["POST /api/echo/ (JSON)"], "–"],
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
    notes = [f"ours / test Client floor (p50): {ours_vs_floor:.2f}"]
    for case, plain in (("POST /api/echo/ (JSON)", "POST JSON"), ("GET /api/notes/<id>/", "GET a row")):
        ratios = ", ".join(
            f"{name.removeprefix('ours: ')} {result[case]['p50_us'] / direct[case]['p50_us']:.2f}"
            for name, result in frameworks.items()
        )
        notes.append(f"{plain}, framework / plain views (p50): {ratios}")
    return {
        "title": f"Warm requests ({count} invocations each, one process; µs)",
        "header": ["case", "p50", "p99", "p50 vs baseline"],
        "rows": table,
        "notes": notes,
        "extra": {"title": "Memory after init (RSS, MiB)", "header": ["package", "RSS"], "rows": memory},
    }
