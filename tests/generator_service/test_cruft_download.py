"""A project downloaded from the site carries the .cruft.json `cruft create` would write, so `cruft update`
brings it the template's next release and keeps its own edits."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from fastapi.testclient import TestClient
from template_updates import (
    PROJECT_EDIT,
    TEMPLATE_CHANGE,
    cruft,
    edit_project,
    git_environment,
    release_change,
    template_release,
    update_as_documented,
)

from generator_service.config import Settings
from generator_service.generation.provenance import UnknownTemplateCommit
from generator_service.main import create_app

VALUES = {"project_name": "Downloaded API", "database": "none", "ci_tool": "none", "memory_size": 2048}


@pytest.fixture
def env(tmp_path):
    return git_environment(tmp_path / "home")


@pytest.fixture
def template(tmp_path, env):
    """A throwaway copy of this template at commit A."""
    folder = tmp_path / "cookiecutter-django-lambda"
    folder.mkdir()
    template_release(folder, env)
    return folder


def download(template, work_dir, destination) -> None:
    """The project of VALUES from the site serving `template`, unpacked in destination."""
    settings = Settings(template_dir=template, template_url=str(template), work_dir=work_dir, runner="inprocess")
    with TestClient(create_app(settings)) as client:
        response = client.post("/api/generate?format=zip", json=VALUES)
    assert response.status_code == 200, response.text
    zipfile.ZipFile(io.BytesIO(response.content)).extractall(destination)


def test_download_records_what_cruft_create_records(tmp_path, template, env):
    (tmp_path / "site").mkdir(), (tmp_path / "cli").mkdir(), (tmp_path / "jobs").mkdir()
    download(template, tmp_path / "jobs", tmp_path / "site")
    cruft(["create", str(template), "--no-input", "--extra-context", json.dumps(VALUES)], tmp_path / "cli", env)

    from_site = (tmp_path / "site/downloaded_api/.cruft.json").read_bytes()
    assert from_site == (tmp_path / "cli/downloaded_api/.cruft.json").read_bytes()
    assert json.loads(from_site)["context"]["cookiecutter"]["memory_size"] == "2048"


def test_cruft_update_brings_the_next_release_to_a_download(tmp_path, template, env, documented_cruft):
    (tmp_path / "jobs").mkdir()
    download(template, tmp_path / "jobs", tmp_path)
    project = tmp_path / "downloaded_api"
    edit_project(project, env)

    release_b = release_change(template, env)
    update_as_documented(project, env, documented_cruft)

    assert (project / ".gitignore").read_text(encoding="utf-8").endswith(TEMPLATE_CHANGE)
    assert (project / "README.md").read_text(encoding="utf-8").endswith(PROJECT_EDIT)
    assert json.loads((project / ".cruft.json").read_text(encoding="utf-8"))["commit"] == release_b


def test_site_without_a_known_commit_refuses_to_start(tmp_path):
    not_a_checkout = tmp_path / "template"
    not_a_checkout.mkdir()

    app = create_app(Settings(template_dir=not_a_checkout, runner="inprocess"))
    with pytest.raises(UnknownTemplateCommit, match="GENERATOR_TEMPLATE_COMMIT"), TestClient(app):
        pass


@pytest.mark.parametrize("commit", ["main", "abc123", "0" * 39 + "g", "0" * 40 + "\n"])
def test_a_commit_that_is_not_a_full_id_is_refused(commit):
    app = create_app(Settings(template_commit=commit, runner="inprocess"))
    with pytest.raises(UnknownTemplateCommit, match="40-character"), TestClient(app):
        pass
