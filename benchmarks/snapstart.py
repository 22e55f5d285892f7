"""SnapStart: the first request right after init, with and without the before-snapshot priming, and the
after-restore hooks' time (the default project uses SnapStart). Each sample is a fresh process, as each
restore is a fresh environment."""

from __future__ import annotations

import statistics

from benchmarks import cold_start
from benchmarks.packages import SECRET_ENV, Package
from benchmarks.warm import run_driver
from support.postgres import database_url, throwaway_database


def part_snapstart(python: str, packages: dict[str, Package], runs: int) -> dict:
    """The table: p50 of the first request unprimed and primed, and of the after-restore hooks."""
    with throwaway_database("bench") as database:
        env = {**SECRET_ENV, "DATABASE_URL": database_url(database)}
        package = packages["ours: default"]
        run_driver(python, package, {"count": 1, "setup_note_app": "my_lambda_api", "cases": []}, env)  # migrate
        samples = {}
        for variant in ("unprimed", "primed"):
            spec = {"snapstart": variant, "first_event": cold_start.http_event("GET", "/health/")}
            samples[variant] = [run_driver(python, package, spec, env) for _ in range(runs)]

    def median(variant: str, key: str) -> float:
        return statistics.median(sample[key] for sample in samples[variant])

    unprimed, primed = median("unprimed", "first_request_ms"), median("primed", "first_request_ms")
    rows = [
        ["first request after init, no priming", f"{unprimed:.1f}", "1.00"],
        ["first request after init, primed before the snapshot", f"{primed:.1f}", f"{primed / unprimed:.2f}"],
        ["after-restore hooks", f"{median('primed', 'after_restore_ms'):.3f}", "–"],
    ]
    return {
        "title": f"SnapStart hooks, default project ({runs} fresh processes each; ms)",
        "header": ["case", "p50", "vs no priming"],
        "rows": rows,
        "notes": ["The first request includes opening the database connection, closed before the snapshot."],
    }
