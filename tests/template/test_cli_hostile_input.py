"""The hostile-value corpus through cookiecutter's CLI: every value in every option.

`cookiecutter --no-input <template> option=value` renders values as Jinja without a sandbox;
the template's guard (template_extensions.py) and pre_gen hook must reject what would break the
project, and nothing in a value may ever run. The CLI runs under the audit hook: the only
processes it may start are the template's own hooks.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from audit_hook import audited_environment, changes_outside
from helpers import REPO_DIR
from hostile_inputs import FREE_TEXT_OPTIONS, UNUSED_BY_DEFAULT, harmless_unused, hostile_values, project_texts

from option_rules import load_template_options
from support.drivers import CLI_CORPUS_DRIVER

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cli-hostile-input")]

TEMPLATE_OPTIONS = load_template_options()
OPTIONS = [name for name in TEMPLATE_OPTIONS if not name.startswith("_")]
DEFAULTS = {name: default[0] if isinstance(default, list) else default for name, default in TEMPLATE_OPTIONS.items()}


def derived_from(field: str) -> set[str]:
    """Options whose default is made from ``field``, directly or through another (project_slug, ...)."""
    found, frontier = set(), {field}
    while frontier:
        source = frontier.pop()
        for name, default in TEMPLATE_OPTIONS.items():
            if isinstance(default, str) and f"cookiecutter.{source}" in default and name not in found:
                found.add(name)
                frontier.add(name)
    return found


@pytest.fixture(scope="module")
def corpus_run(tmp_path_factory):
    """Every (option, value) through the CLI in one audited process; yields the cases and their results."""
    root = tmp_path_factory.mktemp("cli-corpus")
    canary = root / "canary" / "PWNED"
    canary.parent.mkdir()
    for folder in ("home", "tmp", "out"):
        (root / folder).mkdir()
    # First the defaults, to compare ignored values with.
    cases = [{"field": "project_name", "value": DEFAULTS["project_name"], "text": True}]
    cases += [
        {"field": field, "value": hostile.value, "text": hostile.text}
        for hostile in hostile_values(str(canary))
        for field in OPTIONS
    ]
    audit = audited_environment(root / "site", root / "audit.log")
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(root / "home"), "TMPDIR": str(root / "tmp")}
    result = subprocess.run(
        [sys.executable, str(CLI_CORPUS_DRIVER), str(REPO_DIR), str(root / "out")],
        input=json.dumps(cases),
        env={**env, **audit},
        cwd=root,
        capture_output=True,
        text=True,
        timeout=1200,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return {"root": root, "canary": canary, "cases": cases, "results": json.loads(result.stdout)}


def problem(case: dict, result: dict, default: dict) -> str | None:
    """What is wrong with the CLI's answer to one case, or None."""
    field, value = case["field"], case["value"]
    if result["code"] != 0:
        named = [f"ERROR: {name}: " for name in (field, *derived_from(field))]
        # Choices and booleans: cookiecutter itself refuses them (a ValueError naming the variable and,
        # for a choice, the choices) before any template code runs.
        named += [f"provided for choice variable {field}, but the choices are", f"provided for variable {field} could"]
        if not any(text in result["output"] for text in named):
            return f"rejected without naming {field}: {result['output'][-300:]!r}"
        return "a rejected run left a project behind" if result["made"] else None
    if field in UNUSED_BY_DEFAULT:  # subnets without a VPC: ignored if harmless, the default project file by file
        if not harmless_unused(field, value):
            return f"unused {field} took {value!r}"
        return None if result["digests"] == default["digests"] else f"ignored {field} changed the project"
    if not (case["text"] and field in FREE_TEXT_OPTIONS):
        return f"accepted {field}={value!r}"
    if not any(value in text for text in project_texts(result["files"])):
        return f"{field}={value!r} is not in the project as given"
    if set(result["digests"]) != set(default["digests"]):
        return f"{field}={value!r} changed which files the project has"
    return None


def test_every_hostile_value_is_rejected_or_kept_as_plain_text(corpus_run):
    (default, *results), (_, *cases) = corpus_run["results"], corpus_run["cases"]
    assert default["code"] == 0, default["output"]

    problems = [
        f"{case['field']}={case['value']!r}: {found}"
        for case, result in zip(cases, results, strict=True)
        if (found := problem(case, result, default))
    ]

    assert problems == []
    assert sum(result["code"] != 0 for result in results) > 0.9 * len(results)


def test_no_value_ever_runs(corpus_run):
    root = corpus_run["root"]

    assert not corpus_run["canary"].exists()
    assert list(corpus_run["canary"].parent.iterdir()) == []
    # Paths changed: only the output folder, cookiecutter's replay file in HOME, and its hook scripts in TMPDIR.
    changed = changes_outside(root / "audit.log", [root / "out", root / "home", root / "tmp"])
    started = [record for record in changed if " process " in record]
    assert [record for record in changed if record not in started] == []
    # Processes: only the template's hooks, each a Python script cookiecutter rendered into TMPDIR.
    hook = re.compile(
        rf"subprocess\.Popen \('{re.escape(sys.executable)}', \['{re.escape(sys.executable)}', "
        rf"'{re.escape(str(root / 'tmp'))}/[\w.]+\.py'\]"
    )
    assert [record for record in started if not hook.search(record)] == []
    assert started, "the accepted cases ran the hooks"
