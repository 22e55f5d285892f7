"""The site and the CLI are one product: same rules, same files."""

from __future__ import annotations

import pytest
from combinations import PAIRWISE, UNSUPPORTED_COMBINATIONS
from helpers import cookiecutter_cli, zip_files


def cli_text(values: dict) -> dict[str, str]:
    return {key: str(value).lower() if isinstance(value, bool) else str(value) for key, value in values.items()}


HOSTILE = [
    pytest.param({"project_name": "{{ 7*7 }}"}, id="jinja-expression"),
    pytest.param({"description": "{% if 1 %}x{% endif %}"}, id="jinja-statement"),
    pytest.param({"author_name": "{# note #}"}, id="jinja-comment"),
    pytest.param({"project_slug": "../escape"}, id="slug-traversal"),
    pytest.param({"project_name": "tab\there"}, id="control-character"),
    pytest.param({"description": "O'Brien's API"}, id="apostrophe-is-fine"),
    pytest.param({"project_name": "Zoë Café API", "project_slug": "cafe_api"}, id="unicode-name-is-fine"),
]


@pytest.mark.parametrize(
    "values",
    [
        *PAIRWISE,
        *[pytest.param(case.values[0], id=case.id) for case in UNSUPPORTED_COMBINATIONS],
        *HOSTILE,
    ],
)
def test_site_and_hook_accept_and_reject_the_same_values(client, tmp_path, values):
    response = client.post("/api/preview", json=cli_text(values))
    cli = cookiecutter_cli(tmp_path, **cli_text(values))

    assert (response.status_code == 200) is (cli.returncode == 0), cli.output
    if response.status_code != 200:
        assert response.status_code == 422
        for error in response.json()["errors"]:
            assert f"ERROR: {error['field']}: " in cli.output


@pytest.mark.parametrize("values", PAIRWISE[:3])
def test_archive_matches_the_cli_output(client, tmp_path, values):
    archive = client.post("/api/generate?format=zip", json=cli_text(values))
    result = cookiecutter_cli(tmp_path, **cli_text(values))
    assert archive.status_code == 200 and result.returncode == 0, result.output

    (project,) = (tmp_path / "out").iterdir()
    on_disk = {
        path.relative_to(project).as_posix(): (path.read_bytes(), bool(path.stat().st_mode & 0o111))
        for path in project.rglob("*")
        if path.is_file()
    }
    from_site = zip_files(archive.content)
    assert from_site.pop(".cruft.json")  # cookiecutter writes none; test_cruft_download.py compares cruft's
    assert from_site == on_disk
