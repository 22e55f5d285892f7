"""A project made with `cruft create` (README.md, "Use it") takes the template's next release with
`cruft update`, as the generated README says, and keeps its own edits; one made before the move to uv
takes that move too."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import project_environment, runtime_python
from template_updates import (
    PROJECT_EDIT,
    TEMPLATE_CHANGE,
    cruft,
    edit_project,
    git_environment,
    release_change,
    release_working_tree,
    run,
    template_release,
    update_as_documented,
)


def test_cruft_update_brings_the_next_release_and_keeps_the_projects_edits(tmp_path, documented_cruft):
    env = git_environment(tmp_path / "home")
    template, projects = tmp_path / "cookiecutter-django-lambda", tmp_path / "projects"
    template.mkdir()
    projects.mkdir()
    release_a = template_release(template, env)
    context = {"project_name": "Kept Up", "database": "none", "api_framework": "ninja"}
    cruft(["create", str(template), "--no-input", "--extra-context", json.dumps(context)], projects, env)
    project = projects / "kept_up"
    recorded = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    assert (recorded["template"], recorded["commit"]) == (str(template), release_a)
    assert recorded["context"]["cookiecutter"]["api_framework"] == "ninja"
    edit_project(project, env)
    assert cruft(["check"], project, env).returncode == 0  # nothing newer yet

    release_b = release_change(template, env)
    update_as_documented(project, env, documented_cruft)

    assert (project / ".gitignore").read_text(encoding="utf-8").endswith(TEMPLATE_CHANGE)
    assert (project / "README.md").read_text(encoding="utf-8").endswith(PROJECT_EDIT)
    assert json.loads((project / ".cruft.json").read_text(encoding="utf-8"))["commit"] == release_b
    changed = run(["git", "status", "--porcelain"], project, env).stdout.split("\n")
    assert sorted(line[3:] for line in changed if line) == [".cruft.json", ".gitignore"]  # nothing else touched


# The last release whose projects installed from requirements/*.txt, before pyproject.toml's pins and uv.lock.
BEFORE_UV = "829d9a65b7c4919aa862b4c62b47781128a80139"


def test_a_project_made_before_uv_updates_to_the_lock(tmp_path, documented_cruft):
    env = git_environment(tmp_path / "home")
    template, projects = tmp_path / "cookiecutter-django-lambda", tmp_path / "projects"
    template.mkdir()
    projects.mkdir()
    template_release(template, env, commit=BEFORE_UV)
    context = {"project_name": "Moved On", "api_framework": "drf"}
    cruft(["create", str(template), "--no-input", "--extra-context", json.dumps(context)], projects, env)
    project = projects / "moved_on"
    assert (project / "requirements" / "production.txt").exists() and not (project / "uv.lock").exists()
    edit_project(project, env)

    release_working_tree(template, env)
    update_as_documented(project, env, documented_cruft)

    assert not (project / "requirements").exists()
    assert (project / "README.md").read_text(encoding="utf-8").endswith(PROJECT_EDIT)
    check_lock_fits(project)


def check_lock_fits(project: Path) -> None:
    """The updated project's uv.lock is the one its pyproject.toml asks for: uv takes it offline, unchanged."""
    runtime = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))["context"]["cookiecutter"]
    python = runtime_python(runtime["python_runtime"])
    run(["uv", "lock", "--check", "--offline", "--python", python], project, project_environment(project / ".venv"))
