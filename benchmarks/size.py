"""Package size: each package zipped and unzipped, against the baseline's and against Lambda's limits."""

from __future__ import annotations

from benchmarks.packages import Package

LAMBDA_LIMITS = (50 * 2**20, 250 * 2**20)  # a zip uploaded directly; unzipped, layers included


def part_size(packages: dict[str, Package]) -> dict:
    """The table: MiB zipped and unzipped, the zip against the baseline's, and the share of Lambda's limits."""
    baseline_zip, baseline_unzipped = packages["baseline"].sizes()
    rows, figures = [], {}
    for name, package in packages.items():
        zipped, unzipped = package.sizes()
        figures[name] = {"options": package.options, "zipped_mib": round(zipped / 2**20, 1)}
        figures[name]["zipped_vs_baseline"] = round(zipped / baseline_zip, 2)
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
        "figures": figures,
    }
