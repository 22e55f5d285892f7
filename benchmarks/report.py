"""The report: tables as Markdown, the machine they were measured on, and docs/benchmarks.md."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import time
from pathlib import Path

from support.paths import REPO_DIR


def machine(python: str) -> str:
    """The CPU, cores, memory and OS of this machine, the runtime's interpreter, and the time."""
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
    version = subprocess.run([python, "--version"], capture_output=True, text=True).stdout.strip()
    return (
        f"{cpu}, {os.cpu_count()} cores, {int(memory) // 2**20} GiB RAM, {platform.platform()}; "
        f"runtime interpreter {version}; run at {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )


def markdown(table: dict) -> str:
    """A part's table ({"title", "header", "rows", "notes"?, "extra"?: another table}) as Markdown."""
    lines = [
        f"### {table['title']}",
        "",
        "| " + " | ".join(table["header"]) + " |",
        "|" + "|".join(" --- " for _ in table["header"]) + "|",
    ]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in table["rows"]]
    lines += [""] + "\n\n".join(table.get("notes", [])).splitlines()  # each note a paragraph of its own
    if "extra" in table:
        lines += ["", markdown(table["extra"])]
    return "\n".join(lines) + "\n"


def write_figures(tables: list[dict], machine_line: str) -> None:
    """docs/benchmarks.json: each package's headline figures and the options it was baked with, which the
    generated README quotes for the package nearest its own options (template_extensions.py)."""
    packages: dict[str, dict] = {}
    for table in tables:
        for name, figures in table.get("figures", {}).items():
            packages.setdefault(name, {}).update(figures)
    document = {"written_by": "make bench", "machine": machine_line, "packages": packages}
    (REPO_DIR / "docs" / "benchmarks.json").write_text(json.dumps(document, indent=2) + "\n")


def write_report(report: str, machine_line: str, args: argparse.Namespace) -> None:
    """docs/benchmarks.md: how it was made, on what, then the tables."""
    (REPO_DIR / "docs" / "benchmarks.md").write_text(
        "# Benchmarks\n\n"
        "Written by `make bench` (`python -m benchmarks.run`); every part can run alone with `--part`.\n"
        "These machines are shared and noisy: compare each figure with its baseline from the same run.\n\n"
        f"Machine: {machine_line}.\n\n"
        f"Command: `python -m benchmarks.run --runs {args.runs} --count {args.count} --requests {args.requests} "
        f"--rounds {args.rounds}`\n\n"
        "How each part is measured is in the docstrings of `benchmarks/`. The baseline is the recipe most tutorials\n"
        'give: `django-admin startproject`, a handler module with `Mangum(get_asgi_application(), lifespan="off")`,\n'
        "packaged by `zappa package` (with `use_precompiled_packages` off, so nothing is fetched from PyPI).\n\n"
        + report
    )
