"""A project made with `cruft create` (README.md, "Use it") takes the template's next release with
`cruft update`, as the generated README says, and keeps its own edits."""

from __future__ import annotations

import json

from template_updates import (
    PROJECT_EDIT,
    TEMPLATE_CHANGE,
    cruft,
    edit_project,
    git_environment,
    release_change,
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
