"""Every benchmark, side by side with its baseline, written to docs/benchmarks.md.

    python -m benchmarks.run                 # everything (make bench)
    python -m benchmarks.run --part cold     # one part: size, cold, imports, warm, snapstart, tasks, generation

Machines here are shared and noisy, so each figure comes with a baseline measured in the same run and
their ratio; absolute numbers are for orientation only. Each part is a module of its own: size.py,
cold_start.py, import_time.py, warm.py, snapstart.py, tasks.py, generation.py; report.py writes the tables.
"""

from __future__ import annotations

import argparse
import sys

from benchmarks.cold_start import part_cold
from benchmarks.generation import part_generation
from benchmarks.import_time import part_imports
from benchmarks.packages import BENCH_DIR, RUNTIME, build_packages
from benchmarks.report import machine, markdown, write_figures, write_report
from benchmarks.size import part_size
from benchmarks.snapstart import part_snapstart
from benchmarks.tasks import part_tasks
from benchmarks.warm import part_warm
from support.interpreters import MissingInterpreter, required_runtime_python

PARTS = ["size", "cold", "imports", "warm", "snapstart", "tasks", "generation"]
PACKAGE_PARTS = {"size", "cold", "imports", "warm", "snapstart", "tasks"}  # the parts that need the Lambda packages


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=PARTS, action="append")
    parser.add_argument("--runs", type=int, default=15, help="cold starts per package")
    parser.add_argument("--count", type=int, default=5000, help="warm invocations per case")
    parser.add_argument("--requests", type=int, default=30, help="generation requests per measurement")
    parser.add_argument("--rounds", type=int, default=50, help="tasks enqueued and delivered in the stand-in")
    return parser.parse_args()


def tables(parts: list[str], python: str, args: argparse.Namespace) -> list[dict]:
    """Each part's table, in the order of PARTS."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    packages = build_packages(python) if PACKAGE_PARTS & set(parts) else {}
    measure = {
        "size": lambda: part_size(packages),
        "cold": lambda: part_cold(python, packages, args.runs),
        "imports": lambda: part_imports(packages, args.runs),
        "warm": lambda: part_warm(python, packages, args.count),
        "snapstart": lambda: part_snapstart(python, packages, args.runs),
        "tasks": lambda: part_tasks(python, packages, args.rounds),
        "generation": lambda: part_generation(args.requests),
    }
    return [measure[part]() for part in PARTS if part in parts]


def main() -> int:
    args = arguments()
    try:
        python = required_runtime_python(RUNTIME, needed_by="benchmarks", command="make bench")
    except MissingInterpreter as missing:
        print(missing, file=sys.stderr)
        return 1
    measured = tables(args.part or PARTS, python, args)
    report = "\n".join(markdown(table) for table in measured)
    print(report)
    if not args.part:  # only a full run replaces docs/benchmarks.md and its figures
        write_report(report, machine(python), args)
        write_figures(measured, machine(python))
    return 0


if __name__ == "__main__":
    sys.exit(main())
