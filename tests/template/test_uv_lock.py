"""Each bake's uv.lock: uv takes it as it is, for every pairwise row, and refuses it once it no longer fits.

The lock is cut from option_rules/locks/ at bake time (option_rules.uv_lock); uv checks it against the
bake's pyproject.toml offline, with the runtime's interpreter, as `uv sync --locked` does in CI.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from combinations import PAIRWISE
from helpers import runtime_python

from option_rules.dependencies import lock_keys, lock_path, superset_pins
from option_rules.uv_lock import PACKAGE_SEPARATOR, normalized, project_entry
from support.commands import CommandFailed, run
from support.template_locks import SUPERSET_NAME
from support.venvs import project_environment


def check_lock(project: Path, runtime: str, *options: str) -> None:
    """`uv lock --check` in the bake; CommandFailed with uv's words when the lock doesn't fit."""
    environment = project_environment(project / ".venv")  # never made: --check only reads
    run(["uv", "lock", "--check", *options, "--python", runtime_python(runtime)], project, environment)


@pytest.mark.parametrize("values", PAIRWISE)
def test_uv_takes_every_pairwise_rows_lock_unchanged(cookies_session, values):
    result = cookies_session.bake(extra_context=values)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    before = (project / "uv.lock").read_text()

    check_lock(project, result.context["python_runtime"], "--offline")  # the lock alone must do

    assert (project / "uv.lock").read_text() == before
    assert not (project / ".venv").exists()


def test_a_lock_that_no_longer_fits_is_refused(cookies_session):
    """The check can fail: a pin moved in pyproject.toml without `uv lock` is caught (uv asks PyPI for it)."""
    result = cookies_session.bake(extra_context={"project_name": "Stale Lock"})
    project = Path(result.project_path)
    pyproject = project / "pyproject.toml"
    pyproject.write_text(re.sub(r'"mangum==[^"]+"', '"mangum==0.21.0"', pyproject.read_text()))

    with pytest.raises(CommandFailed, match="needs to be updated"):
        check_lock(project, result.context["python_runtime"])


@pytest.mark.parametrize(("runtime", "django_version"), list(lock_keys()))
def test_the_projects_own_entry_is_written_as_uv_writes_it(runtime, django_version):
    """The entry cut_lock writes for a bake, written for the superset's pins, is uv's own text for them."""
    lock = lock_path(runtime, django_version).read_text()
    [written_by_uv] = [
        entry for entry in lock.split(PACKAGE_SEPARATOR) if entry.startswith(f'name = "{normalized(SUPERSET_NAME)}"\n')
    ]

    assert project_entry(SUPERSET_NAME, superset_pins(runtime, django_version)) == written_by_uv
