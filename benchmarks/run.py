"""Every benchmark, side by side with its baseline, written to docs/benchmarks.md.

    python -m benchmarks.run                 # everything (make bench)
    python -m benchmarks.run --part cold     # one part: size, cold, warm, generation

Machines here are shared and noisy, so each figure comes with a baseline measured in the same run and
their ratio; absolute numbers are for orientation only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from helpers import PG_DSN, runtime_python

from benchmarks import cold_start
from benchmarks.packages import (
    BENCH_DIR,
    LARGEST,
    NO_DATABASE,
    POOLED,
    REPO_DIR,
    Package,
    baseline_package,
    our_package,
)
from support.ports import free_port

RUNTIME = "python3.13"
LAMBDA_LIMITS = (50 * 2**20, 250 * 2**20)
SECRET_ENV = {
    "DJANGO_SECRET_KEY": "b" * 60,
    "DJANGO_ALLOWED_HOSTS": ".execute-api.us-east-1.amazonaws.com",
    "DJANGO_S3_BUCKET": "bench-assets",
    "AWS_REGION": "us-east-1",
}


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal")
    )
    python = subprocess.run([runtime_python(RUNTIME), "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{cpu}, {os.cpu_count()} cores, {int(memory) // 2**20} GiB RAM, {platform.platform()}; "
        f"runtime interpreter {python}; run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


# --- databases ----------------------------------------------------------------------------------


def create_database() -> str:
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def start_pgbouncer(database: str) -> tuple[int, subprocess.Popen]:
    """PgBouncer in transaction-pooling mode, standing in for RDS Proxy."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    folder = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    port = free_port()
    (folder / "users.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(
        f"[databases]\n{database} = host=127.0.0.1 port=5432 dbname={database}\n"
        f"[pgbouncer]\nlisten_addr = 127.0.0.1\nlisten_port = {port}\nauth_type = trust\n"
        f"auth_file = {folder}/users.txt\npool_mode = transaction\ndefault_pool_size = 5\n"
        f"unix_socket_dir =\nlogfile = {folder}/pgbouncer.log\n"
    )
    shutil.chown(folder, "postgres")
    for path in folder.iterdir():
        shutil.chown(path, "postgres")
    command = [binary, str(folder / "pgbouncer.ini")]
    if os.geteuid() == 0:
        command[1:1] = ["-u", "postgres"]  # it refuses to run as root
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return port, process
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("PgBouncer did not start")


# --- parts ----------------------------------------------------------------------------------------


def build_packages(python: str) -> dict[str, Package]:
    return {
        "baseline": baseline_package(python),
        "ours: no database": our_package("ours: no database", NO_DATABASE, python),
        "ours: default": our_package("ours: default", {}, python),
        "ours: RDS Proxy settings": our_package("ours: RDS Proxy settings", POOLED, python),
        "ours: largest option set": our_package("ours: largest option set", LARGEST, python),
    }


def part_size(packages: dict[str, Package]) -> dict:
    baseline_zip, baseline_unzipped = packages["baseline"].sizes()
    rows = []
    for name, package in packages.items():
        zipped, unzipped = package.sizes()
        rows.append(
            [
                name,
                f"{zipped / 2**20:.1f}",
                f"{unzipped / 2**20:.1f}",
                f"{zipped / baseline_zip:.2f}",
                f"{zipped / LAMBDA_LIMITS[0]:.0%} / {unzipped / LAMBDA_LIMITS[1]:.0%}",
            ]
        )
    return {
        "title": "Package size",
        "header": [
            "package",
            "zipped MiB",
            "unzipped MiB",
            "zipped vs baseline",
            "of Lambda's 50 MB zipped / 250 MB unzipped",
        ],
        "rows": rows,
    }


def part_cold(python: str, packages: dict[str, Package], runs: int) -> dict:
    database = create_database()
    try:
        url = f"{PG_DSN.rsplit('/', 1)[0]}/{database}?sslmode=disable"
        env = {name: {**SECRET_ENV, "DATABASE_URL": url} for name in packages}
        chosen = [packages[name] for name in ("baseline", "ours: no database", "ours: default")]
        results = cold_start.measure(python, chosen, env, runs)
    finally:
        drop_database(database)
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
    return {
        "title": f"Cold start under awslambdaric ({runs} runs each; ms from process start)",
        "header": ["package", "init p50", "first response p50", "p90", "p50 vs baseline"],
        "rows": rows,
    }


def driver(python: str, package: Package, spec: dict, env: dict) -> dict:
    runtime = cold_start.lambda_runtime(python)
    command = [
        python,
        "-s",
        "-S",
        "-B",
        str(Path(__file__).with_name("lambda_driver.py")),
        str(package.code_dir),
        str(runtime),
        package.handler,
        json.dumps(spec),
    ]
    result = subprocess.run(command, capture_output=True, text=True, env={**env, "PATH": "/usr/bin:/bin"}, timeout=900)
    lines = [line for line in result.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        raise RuntimeError(result.stdout[-2000:] + result.stderr[-3000:])
    return json.loads(lines[-1].removeprefix("RESULT "))


def part_warm(python: str, packages: dict[str, Package], count: int) -> dict:
    event = cold_start.http_event
    health = {"count": count, "cases": [{"name": "GET /health/", "event": event("GET", "/health/")}]}
    baseline = driver(python, packages["baseline"], health, SECRET_ENV)
    ours = driver(
        python,
        packages["ours: no database"],
        {**health, "client_floor": "/health/", "host": cold_start.HOST},
        SECRET_ENV,
    )
    database = create_database()
    bouncer = None
    try:
        direct_url = f"{PG_DSN.rsplit('/', 1)[0]}/{database}?sslmode=disable"
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
        direct = driver(python, packages["ours: default"], note, {**SECRET_ENV, "DATABASE_URL": direct_url})
        port, bouncer = start_pgbouncer(database)
        pooled_url = f"postgresql://postgres@127.0.0.1:{port}/{database}?sslmode=disable"
        pooled_spec = {**note, "setup_note_app": "pooled", "cases": note["cases"][:1]}
        pooled = driver(
            python, packages["ours: RDS Proxy settings"], pooled_spec, {**SECRET_ENV, "DATABASE_URL": pooled_url}
        )
    finally:
        if bouncer:
            bouncer.terminate()
            bouncer.wait()
        drop_database(database)
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


def part_snapstart(python: str, packages: dict[str, Package], runs: int) -> dict:
    """First request right after init, with and without the before-snapshot priming, and the
    after-restore hooks' time (the default project uses SnapStart)."""
    database = create_database()
    try:
        env = {**SECRET_ENV, "DATABASE_URL": f"{PG_DSN.rsplit('/', 1)[0]}/{database}?sslmode=disable"}
        package = packages["ours: default"]
        driver(python, package, {"count": 1, "setup_note_app": "my_lambda_api", "cases": []}, env)  # migrate
        samples = {}
        for variant in ("unprimed", "primed"):
            spec = {"snapstart": variant, "first_event": cold_start.http_event("GET", "/health/")}
            samples[variant] = [driver(python, package, spec, env) for _ in range(runs)]
    finally:
        drop_database(database)

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


def start_site(workers: int = 2) -> tuple[str, subprocess.Popen]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "generator_service.main:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        cwd=REPO_DIR,
        env={**os.environ, "GENERATOR_WORKERS": str(workers)},
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    subprocess.run([sys.executable, "-c", f"import httpx2; httpx2.get('{url}/api/options')"], check=True)
    return url, process


def load(url: str, clients: int, requests: int, mode: str, extra: str = "") -> dict:
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.load_client", url, str(clients), str(requests), mode, extra],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.splitlines()[-1])


def time_calls(call, count: int) -> float:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def part_generation(requests: int) -> dict:
    from cookiecutter.main import cookiecutter

    smallest = {"api_gateway": "function_url", "database": "none", "storage": "none", "ci_tool": "none"}
    url, site = start_site()
    try:
        load(url, 2, 4, "unique")  # warm the workers
        uncached = load(url, 1, requests, "unique")
        load(url, 1, 1, "same")
        cached = load(url, 1, requests * 5, "same")
        one_client = load(url, 1, requests, "unique")
        eight_clients = load(url, 8, requests * 5, "unique")  # long enough for a steady state
        growth = {clients: load(url, clients, max(requests, clients * 3), "unique") for clients in (1, 4, 16)}
        from urllib.parse import urlencode

        small_site = load(url, 1, requests, "unique", "&" + urlencode(smallest))
        large_site = load(
            url,
            1,
            requests,
            "unique",
            "&"
            + urlencode(
                {
                    key: str(value).lower() if isinstance(value, bool) else value
                    for key, value in LARGEST.items()
                    if key != "project_name"
                }
            ),
        )
    finally:
        site.terminate()
        site.wait()

    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "config.yaml"
        config.write_text(f'replay_dir: "{folder}/replay"\ncookiecutters_dir: "{folder}/cc"\n')

        def api_call():
            cookiecutter(
                str(REPO_DIR),
                no_input=True,
                output_dir=tempfile.mkdtemp(dir=folder),
                config_file=str(config),
                extra_context={"project_name": f"Api {uuid.uuid4().hex[:6]}"},
            )

        api_call()
        api_ms = time_calls(api_call, requests)
        cli_ms = time_calls(
            lambda: subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "cookiecutter",
                    "--no-input",
                    "-o",
                    tempfile.mkdtemp(dir=folder),
                    str(REPO_DIR),
                    f"project_name=Cli {uuid.uuid4().hex[:6]}",
                ],
                check=True,
                capture_output=True,
                env={**os.environ, "HOME": folder},
            ),
            max(5, requests // 3),
        )

    rows = [
        [
            "site: /api/generate, uncached, 1 client",
            f"{uncached['p50_ms']:.1f}",
            f"{uncached['p99_ms']:.1f}",
            f"{uncached['p50_ms'] / api_ms:.2f}",
            f"{uncached['p50_ms'] / cli_ms:.2f}",
        ],
        ["site: /api/generate, cached, 1 client", f"{cached['p50_ms']:.1f}", f"{cached['p99_ms']:.1f}", "–", "–"],
        ["cookiecutter Python API, warm process", f"{api_ms:.1f}", "–", "1.00", f"{api_ms / cli_ms:.2f}"],
        ["cookiecutter --no-input (CLI)", f"{cli_ms:.1f}", "–", f"{cli_ms / api_ms:.2f}", "1.00"],
        ["site: smallest option set, uncached", f"{small_site['p50_ms']:.1f}", f"{small_site['p99_ms']:.1f}", "–", "–"],
        ["site: largest option set, uncached", f"{large_site['p50_ms']:.1f}", f"{large_site['p99_ms']:.1f}", "–", "–"],
    ]
    rows += [
        [
            f"site: uncached, {clients} concurrent clients",
            f"{result['p50_ms']:.1f}",
            f"{result['p99_ms']:.1f}",
            "–",
            "–",
        ]
        for clients, result in growth.items()
    ]
    speedup = eight_clients["throughput_rps"] / one_client["throughput_rps"]
    return {
        "title": "Generation (ms)",
        "header": ["case", "p50", "p99", "vs API", "vs CLI"],
        "rows": rows,
        "notes": [
            f"throughput, uncached: 1 client {one_client['throughput_rps']:.1f} req/s, 8 clients "
            f"{eight_clients['throughput_rps']:.1f} req/s (×{speedup:.2f}); statuses: 1 client "
            f"{one_client['statuses']}, 8 clients {eight_clients['statuses']}"
        ],
    }


# --- report -----------------------------------------------------------------------------------------


def markdown(table: dict) -> str:
    lines = [
        f"### {table['title']}",
        "",
        "| " + " | ".join(table["header"]) + " |",
        "|" + "|".join(" --- " for _ in table["header"]) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in table["rows"]]
    lines += [""] + [f"{note}" for note in table.get("notes", [])]
    if "extra" in table:
        lines += ["", markdown(table["extra"])]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=["size", "cold", "warm", "snapstart", "generation"], action="append")
    parser.add_argument("--runs", type=int, default=15, help="cold starts per package")
    parser.add_argument("--count", type=int, default=5000, help="warm invocations per case")
    parser.add_argument("--requests", type=int, default=30, help="generation requests per measurement")
    args = parser.parse_args()
    parts = args.part or ["size", "cold", "warm", "snapstart", "generation"]
    python = runtime_python(RUNTIME)
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    tables = []
    packages = build_packages(python) if {"size", "cold", "warm", "snapstart"} & set(parts) else {}
    if "size" in parts:
        tables.append(part_size(packages))
    if "cold" in parts:
        tables.append(part_cold(python, packages, args.runs))
    if "warm" in parts:
        tables.append(part_warm(python, packages, args.count))
    if "snapstart" in parts:
        tables.append(part_snapstart(python, packages, args.runs))
    if "generation" in parts:
        tables.append(part_generation(args.requests))
    report = "\n".join(markdown(table) for table in tables)
    print(report)
    if not args.part:
        write_report(report, machine(), args)
    return 0


def write_report(report: str, machine_line: str, args: argparse.Namespace) -> None:
    (REPO_DIR / "docs" / "benchmarks.md").write_text(
        "# Benchmarks\n\n"
        "Written by `make bench` (`python -m benchmarks.run`); every part can run alone with `--part`.\n"
        "These machines are shared and noisy: compare each figure with its baseline from the same run.\n\n"
        f"Machine: {machine_line}.\n\n"
        f"Command: `python -m benchmarks.run --runs {args.runs} --count {args.count} --requests {args.requests}`\n\n"
        "How each part is measured is in the docstrings of `benchmarks/`. The baseline is the recipe most tutorials\n"
        'give: `django-admin startproject`, a handler module with `Mangum(get_asgi_application(), lifespan="off")`,\n'
        "packaged by `zappa package` (with `use_precompiled_packages` off, so nothing is fetched from PyPI).\n\n"
        + report
    )


if __name__ == "__main__":
    sys.exit(main())
