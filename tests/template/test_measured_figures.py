"""The generated README quotes make bench's figures (docs/benchmarks.json) for the benchmarked option set
nearest its own, and those figures are the ones docs/benchmarks.md reports."""

from __future__ import annotations

import json

import pytest
from helpers import REPO_DIR

FIGURES = json.loads((REPO_DIR / "docs" / "benchmarks.json").read_text())["packages"]
COLD_STARTED = {
    name: data for name, data in FIGURES.items() if data.get("options") is not None and "first_response_ms" in data
}


def readme_of(cookies, **values) -> str:
    result = cookies.bake(extra_context={"project_name": "Measured", **values})
    assert result.exit_code == 0, result.exception
    return " ".join((result.project_path / "README.md").read_text().split())  # as Markdown shows it


def quotes(readme: str, name: str) -> bool:
    data = FIGURES[name]
    return all(
        text in readme
        for text in (
            f"({name.removeprefix('ours: ')})",
            f"{data['zipped_mib']} MiB zipped, {data['zipped_vs_baseline']:.2f}×",
            f"first request {data['first_response_ms']} ms after",
            f"{data['first_response_vs_baseline']:.2f}× that recipe's time",
        )
    )


@pytest.mark.parametrize("name", COLD_STARTED)
def test_a_benchmarked_option_set_gets_its_own_figures(cookies, name):
    options = {key: value for key, value in COLD_STARTED[name]["options"].items() if key != "project_name"}

    assert quotes(readme_of(cookies, **options), name)


def test_an_option_set_not_benchmarked_gets_the_nearest_ones(cookies):
    readme = readme_of(cookies, use_vpc=True, cold_start="keep_warm")  # one step from the default, six from the largest

    assert quotes(readme, "ours: default")


def section(report: str, title: str) -> str:
    return next(part for part in report.split("\n### ") if part.startswith(title))


def test_the_figures_are_the_reports():
    report = (REPO_DIR / "docs" / "benchmarks.md").read_text()
    sizes, cold = section(report, "Package size"), section(report, "Cold start under awslambdaric")

    assert {"ours: default", "ours: no database", "ours: largest option set"} <= COLD_STARTED.keys()
    for name, data in COLD_STARTED.items():
        assert f"| {name} | {data['zipped_mib']} |" in sizes, name
        row = next(line for line in cold.splitlines() if line.startswith(f"| {name} | "))
        assert f"| {data['first_response_ms']} |" in row, row
        assert row.endswith(f"| {data['first_response_vs_baseline']:.2f} |"), row
