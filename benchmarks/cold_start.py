"""Cold start as Lambda sees it: AWS's runtime client (awslambdaric) in a fresh interpreter, polling a
Runtime API stand-in, from process start to the first response of an API Gateway v2 GET /health/.

The first request loads the URLconf, and with it the API's modules: an API framework's cost (the default
project with Django Ninja or DRF) is in the first response, not in init.
"""

from __future__ import annotations

import compileall
import json
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks.packages import BENCH_DIR, FRAMEWORK_PACKAGES, Package, init_environment
from benchmarks.runtime_api import RuntimeAPI
from support.events import api_gateway_event, api_host
from support.lambda_runtime import runtime_dir
from support.postgres import throwaway_database

HOST = api_host()
COLD_PACKAGES = (
    "baseline",
    "ours: no database",
    "ours: default",
    "ours: no tasks",
    "ours: largest option set",
    *FRAMEWORK_PACKAGES,
)


def lambda_path(code_dir: Path, python: str) -> dict[str, str]:
    """PYTHONPATH as Lambda's: the code, then the runtime's folder."""
    return {"PYTHONPATH": f"{code_dir}:{runtime_dir(python)}"}


def http_event(method: str, path: str, body: str | None = None) -> dict:
    return api_gateway_event("v2", method, path, HOST, body)


def trivial_handler_dir() -> Path:
    folder = BENCH_DIR / "code" / "trivial"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "trivial.py").write_text('def handler(event, context):\n    return {"statusCode": 200, "body": "ok"}\n')
    compileall.compile_dir(folder, quiet=1)
    return folder


def one_cold_start(python: str, code_dir: Path, handler: str, env: dict) -> tuple[float, float]:
    """(init seconds, seconds to the first response), both from process start; ``env`` has the PYTHONPATH."""
    api = RuntimeAPI()  # a new one each time: a killed runtime's next poll must not take the next event
    api.events.put(http_event("GET", "/health/"))
    environment = {
        **env,
        "AWS_LAMBDA_RUNTIME_API": api.address,
        "LAMBDA_TASK_ROOT": str(code_dir),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
    }
    start = time.perf_counter()
    process = subprocess.Popen(
        [python, "-s", "-S", "-m", "awslambdaric", handler],
        cwd=code_dir,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        finished, status, body = api.responses.get(timeout=60)
    finally:
        process.kill()
        process.wait()
        api.close()
    if status != 200 or json.loads(body).get("statusCode") != 200:
        raise RuntimeError(f"{handler} failed: {body[:500]!r} {process.stderr.read()[-2000:]!r}")
    return api.first_next_at - start, finished - start


def measure(python: str, packages: list[Package], env_for: dict[str, dict], runs: int) -> list[dict]:
    trivial = trivial_handler_dir()
    subjects = [
        ("floor: empty handler under awslambdaric", python, trivial, "trivial.handler", lambda_path(trivial, python))
    ]
    subjects += [
        (package.name, package.python, package.code_dir, package.handler, env_for[package.name]) for package in packages
    ]
    rows = []
    for name, interpreter, code_dir, handler, env in subjects:
        samples = [one_cold_start(interpreter, code_dir, handler, env) for _ in range(runs)]
        init = sorted(sample[0] for sample in samples)
        total = sorted(sample[1] for sample in samples)
        rows.append(
            {
                "name": name,
                "init_p50_ms": statistics.median(init) * 1000,
                "first_response_p50_ms": statistics.median(total) * 1000,
                "first_response_p90_ms": total[int(0.9 * (len(total) - 1))] * 1000,
            }
        )
    bare = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([python, "-s", "-S", "-c", "pass"], check=True)
        bare.append(time.perf_counter() - start)
    rows.append({"name": "floor: bare interpreter start", "first_response_p50_ms": statistics.median(bare) * 1000})
    return rows


def part_cold(python: str, packages: dict[str, Package], runs: int) -> dict:
    """The table: each package's cold start, the database ones with a database of their own."""
    chosen = [packages[name] for name in COLD_PACKAGES]
    with throwaway_database("bench") as database:
        results = measure(
            python, chosen, {package.name: init_environment(package, database) for package in chosen}, runs
        )
    baseline = next(row for row in results if row["name"] == "baseline")["first_response_p50_ms"]
    rows = [
        [
            row["name"],
            f"{row.get('init_p50_ms', 0):.0f}" if "init_p50_ms" in row else "–",
            f"{row['first_response_p50_ms']:.0f}",
            f"{row['first_response_p90_ms']:.0f}" if "first_response_p90_ms" in row else "–",
            f"{row['first_response_p50_ms'] / baseline:.2f}",
        ]
        for row in results
    ]
    by_name = {row["name"]: row for row in results}
    with_tasks, without = by_name["ours: default"], by_name["ours: no tasks"]
    tasks_note = (
        "What background tasks add to a cold start (the default project against the same without tasks, p50): "
        f"init {with_tasks['init_p50_ms'] / without['init_p50_ms']:.2f}×, first response "
        f"{with_tasks['first_response_p50_ms'] / without['first_response_p50_ms']:.2f}×. The Tasks API loads with "
        "the first event a request enqueues (or the first task), not at init: the imports table lists what init loads."
    )
    return {
        "title": f"Cold start under awslambdaric ({runs} runs each; ms from process start)",
        "header": ["package", "init p50", "first response p50", "p90", "p50 vs baseline"],
        "rows": rows,
        "notes": [tasks_note],
        "figures": {
            row["name"]: {
                "first_response_ms": round(row["first_response_p50_ms"]),
                "first_response_vs_baseline": round(row["first_response_p50_ms"] / baseline, 2),
            }
            for row in results
            if row["name"] in COLD_PACKAGES
        },
    }
