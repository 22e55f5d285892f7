"""Generation: the site's /api/generate under load (uncached, cached, concurrent clients, smallest and
largest option sets) against cookiecutter itself, through its Python API in a warm process and its CLI."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.packages import LARGEST
from support.generator_site import generator_site
from support.paths import REPO_DIR

SMALLEST = {"api_gateway": "function_url", "database": "none", "storage": "none", "ci_tool": "none"}


def load(url: str, clients: int, requests: int, mode: str, extra: str = "") -> dict:
    """load_client.py's figures: ``clients`` clients making ``requests`` requests in all."""
    output = subprocess.run(
        [sys.executable, "-m", "benchmarks.load_client", url, str(clients), str(requests), mode, extra],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.splitlines()[-1])


def time_calls(call, count: int) -> float:
    """The median time of ``count`` calls, in ms."""
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def part_generation(requests: int) -> dict:
    """The table: the site's latencies against the API's and the CLI's, and its throughput as a note."""
    site = site_figures(requests)
    api_ms, cli_ms = cookiecutter_ms(requests)
    return generation_table(site, api_ms, cli_ms)


def site_figures(requests: int) -> dict:
    """The site under uvicorn with two workers, measured by load clients in processes of their own."""
    largest = {key: str(value).lower() if isinstance(value, bool) else value for key, value in LARGEST.items()}
    del largest["project_name"]
    site_env = {**os.environ, "GENERATOR_WORKERS": "2"}
    with generator_site(site_env, REPO_DIR, options=("--log-level", "warning")) as (url, _):
        load(url, 2, 4, "unique")  # warm the workers
        figures = {"uncached": load(url, 1, requests, "unique")}
        load(url, 1, 1, "same")
        figures["cached"] = load(url, 1, requests * 5, "same")
        figures["one client"] = load(url, 1, requests, "unique")
        figures["eight clients"] = load(url, 8, requests * 5, "unique")  # long enough for a steady state
        figures["growth"] = {
            clients: load(url, clients, max(requests, clients * 3), "unique") for clients in (1, 4, 16)
        }
        figures["smallest"] = load(url, 1, requests, "unique", "&" + urlencode(SMALLEST))
        figures["largest"] = load(url, 1, requests, "unique", "&" + urlencode(largest))
    return figures


def cookiecutter_ms(requests: int) -> tuple[float, float]:
    """Median ms of one generation through cookiecutter's Python API (a warm process) and through its CLI."""
    from cookiecutter.main import cookiecutter

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

        def cli_call():
            output = tempfile.mkdtemp(dir=folder)
            command = [sys.executable, "-m", "cookiecutter", "--no-input", "-o", output, str(REPO_DIR)]
            command.append(f"project_name=Cli {uuid.uuid4().hex[:6]}")
            subprocess.run(command, check=True, capture_output=True, env={**os.environ, "HOME": folder})

        api_call()
        return time_calls(api_call, requests), time_calls(cli_call, max(5, requests // 3))


def generation_table(site: dict, api_ms: float, cli_ms: float) -> dict:
    def latency(name: str, result: dict) -> list[str]:
        return [name, f"{result['p50_ms']:.1f}", f"{result['p99_ms']:.1f}", "–", "–"]

    uncached = site["uncached"]
    rows = [
        [
            "site: /api/generate, uncached, 1 client",
            f"{uncached['p50_ms']:.1f}",
            f"{uncached['p99_ms']:.1f}",
            f"{uncached['p50_ms'] / api_ms:.2f}",
            f"{uncached['p50_ms'] / cli_ms:.2f}",
        ],
        latency("site: /api/generate, cached, 1 client", site["cached"]),
        ["cookiecutter Python API, warm process", f"{api_ms:.1f}", "–", "1.00", f"{api_ms / cli_ms:.2f}"],
        ["cookiecutter --no-input (CLI)", f"{cli_ms:.1f}", "–", f"{cli_ms / api_ms:.2f}", "1.00"],
        latency("site: smallest option set, uncached", site["smallest"]),
        latency("site: largest option set, uncached", site["largest"]),
    ]
    rows += [
        latency(f"site: uncached, {clients} concurrent clients", result) for clients, result in site["growth"].items()
    ]
    one, eight = site["one client"], site["eight clients"]
    speedup = eight["throughput_rps"] / one["throughput_rps"]
    return {
        "title": "Generation (ms)",
        "header": ["case", "p50", "p99", "vs API", "vs CLI"],
        "rows": rows,
        "notes": [
            f"throughput, uncached: 1 client {one['throughput_rps']:.1f} req/s, 8 clients "
            f"{eight['throughput_rps']:.1f} req/s (×{speedup:.2f}); statuses: 1 client "
            f"{one['statuses']}, 8 clients {eight['statuses']}"
        ],
    }
