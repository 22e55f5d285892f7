"""Where init goes: each package's handler module imported under ``python -X importtime``, as Lambda's init
imports it (the package, then the runtime's folder, on sys.path), and the modules that take longest.

A module's cumulative time includes what it imports, so nested modules share time with their parents:
the table shows where the time is, not parts that add up. A module whose time is nearly all one import's
(``django.urls`` is ``django.urls.base``) is left out for the one that says more. Each figure is the
median of ``runs`` imports. The packages with an API framework are left out: init doesn't import the API
(the first request's URLconf does), so their tables would be the default project's.
"""

from __future__ import annotations

import re
import statistics
import subprocess
from collections import defaultdict
from collections.abc import Iterator

from benchmarks.cold_start import COLD_PACKAGES
from benchmarks.packages import FRAMEWORK_PACKAGES, Package, init_environment
from support.postgres import throwaway_database

TOP = 8  # modules per package
MOSTLY_ONE_IMPORT = 0.9  # a module whose largest import takes this share of its time is shown through it
LINE = re.compile(r"import time:\s+(\d+) \|\s+(\d+) \| (\s*)(\S+)")


def import_times(package: Package, env: dict[str, str]) -> dict[str, tuple[int, int, int]]:
    """{module: (self µs, cumulative µs, its largest import's cumulative µs)} for one import of the handler."""
    module = package.handler_module
    command = [package.python, "-s", "-S", "-X", "importtime", "-c", f"import {module}"]
    environment = {**env, "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(command, cwd=package.code_dir, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"importing {module} from {package.name} failed:\n{result.stderr[-3000:]}")
    return tree(match for match in map(LINE.match, result.stderr.splitlines()) if match)


def tree(lines: Iterator[re.Match]) -> dict[str, tuple[int, int, int]]:
    """importtime prints a module after its imports, indented one level deeper than it."""
    times, waiting = {}, defaultdict(list)  # depth -> cumulative times of imports not yet given their importer
    for line in lines:
        depth = len(line[3]) // 2
        largest = max(waiting.pop(depth + 1, []), default=0)
        times[line[4]] = (int(line[1]), int(line[2]), largest)
        waiting[depth].append(int(line[2]))
    return times


def medians(package: Package, env: dict[str, str], runs: int) -> dict[str, tuple[float, ...]]:
    """{module: (self ms, cumulative ms, largest import's ms)}, each the median over ``runs`` fresh interpreters."""
    samples: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    for _ in range(runs):
        for module, times in import_times(package, env).items():
            samples[module].append(times)
    return {
        module: tuple(statistics.median(sample[index] for sample in times) / 1000 for index in range(3))
        for module, times in samples.items()
    }


def package_rows(package: Package, env: dict[str, str], runs: int) -> list[list[str]]:
    """The handler module's total, then the TOP modules below it by cumulative time."""
    module = package.handler_module
    times = medians(package, env, runs)
    total = times.pop(module)[1]
    telling = {name: row for name, row in times.items() if row[2] < MOSTLY_ONE_IMPORT * row[1]}
    top = sorted(telling.items(), key=lambda item: item[1][1], reverse=True)[:TOP]
    rows = [[package.name, f"`{module}` (all of it)", f"{total:.0f}", "–", "100%"]]
    rows += [
        ["", f"`{name}`", f"{cumulative:.1f}", f"{own:.1f}", f"{cumulative / total:.0%}"]
        for name, (own, cumulative, _) in top
    ]
    return rows


def tasks_modules_at_init(package: Package, env: dict[str, str]) -> list[str]:
    """The modules of the Tasks API (Django's, the backport, the project's backend and tasks) that init imports."""
    tasks_api = ("django.tasks", "django_tasks", "config.lambda_tasks", f"{package.app_label}.tasks")
    return sorted(module for module in import_times(package, env) if module.startswith(tasks_api))


def part_imports(packages: dict[str, Package], runs: int) -> dict:
    """The table: for each package of the cold-start table, its slowest imports."""
    chosen = [packages[name] for name in COLD_PACKAGES if name not in FRAMEWORK_PACKAGES]
    default = packages["ours: default"]
    with throwaway_database("bench") as database:
        rows = [row for package in chosen for row in package_rows(package, init_environment(package, database), runs)]
        tasks_at_init = ", ".join(tasks_modules_at_init(default, init_environment(default, database))) or "none"
    return {
        "title": f"Import time at init (`python -X importtime`, median of {runs} runs; ms)",
        "header": ["package", "module (top by cumulative time)", "cumulative", "self", "of the handler module"],
        "rows": rows,
        "notes": [f"Modules of the Tasks API the default project imports at init: {tasks_at_init}."],
    }
