"""The pre_gen hook through cookiecutter's own CLI: bad values stop generation with a clear error."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from combinations import UNSUPPORTED_COMBINATIONS
from helpers import REPO_DIR, cookiecutter_cli


def generated(tmp_path: Path) -> list[Path]:
    out = tmp_path / "out"
    return list(out.iterdir()) if out.exists() else []


@pytest.mark.parametrize(("values", "field"), UNSUPPORTED_COMBINATIONS)
def test_unsupported_combination_fails_in_the_hook(tmp_path, values, field):
    cli_values = {key: str(value).lower() if isinstance(value, bool) else value for key, value in values.items()}
    result = cookiecutter_cli(tmp_path, **cli_values)

    assert result.returncode != 0
    assert f"ERROR: {field}: " in result.output
    assert generated(tmp_path) == []  # cookiecutter removes the half-made project


def test_defaults_generate(tmp_path):
    result = cookiecutter_cli(tmp_path)

    assert result.returncode == 0, result.output
    assert [path.name for path in generated(tmp_path)] == ["my_lambda_api"]


@pytest.mark.parametrize("field", ["project_name", "description", "author_name"])
@pytest.mark.parametrize("payload", ["{{ 7*7 }}", "{% if true %}49{% endif %}", "{# comment #}", "{{7*7}}"])
def test_jinja_in_values_is_never_evaluated(tmp_path, field, payload):
    result = cookiecutter_cli(tmp_path, **{field: payload})

    assert result.returncode == 1
    assert f"ERROR: {field}: may only contain" in result.output
    assert generated(tmp_path) == []


def test_code_execution_payload_does_not_run(tmp_path):
    canary = tmp_path / "canary"
    payload = "{{ cycler.__init__.__globals__.os.popen('touch " + str(canary) + "').read() }}"

    for field in ("project_name", "description", "project_slug", "vpc_subnet_ids"):
        result = cookiecutter_cli(tmp_path, **{field: payload, "use_vpc": "true"})
        assert result.returncode != 0
        assert not canary.exists(), f"{field} was evaluated"


@pytest.mark.parametrize("slug", ["../escape", "/tmp/absolute", "a/b", "..", "x\\y"])
def test_path_like_slug_is_refused_and_nothing_is_written_outside(tmp_path, slug):
    result = cookiecutter_cli(tmp_path, project_slug=slug)

    assert result.returncode != 0
    assert "ERROR: project_slug: " in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) in (["home"], ["home", "out"])


def test_quote_is_carried_literally(tmp_path):
    result = cookiecutter_cli(
        tmp_path, project_name="O'Brien's API", project_slug="obrien_api", author_name="Zoë O'Brien"
    )

    assert result.returncode == 0, result.output
    project = tmp_path / "out" / "obrien_api"
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["authors"][0]["name"] == "Zoë O'Brien"
    assert "O'Brien's API" in (project / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("value", ['Say "hi"', "back\\slash", "tab\there", "right\u202eleft"])
def test_quotes_backslashes_and_control_characters_are_refused(tmp_path, value):
    result = cookiecutter_cli(tmp_path, description=value)

    assert result.returncode == 1
    assert "ERROR: description: may only contain" in result.output


def test_pre_gen_hook_itself_rejects_bad_values(tmp_path, capfd):
    """The hook checks again after the project folder exists (e.g. with a template copy lacking the extension)."""
    from cookiecutter.exceptions import FailedHookException
    from cookiecutter.hooks import run_script_with_context

    values = {"project_slug": "ok_slug", "author_email": "nope", "use_vpc": True, "vpc_subnet_ids": "subnet-1"}
    context = {"cookiecutter": {**values, "_extensions": ["template_extensions.TemplateGuard"]}}
    with pytest.raises(FailedHookException):
        run_script_with_context(REPO_DIR / "hooks" / "pre_gen_project.py", tmp_path, context)

    errors = capfd.readouterr().err
    assert "ERROR: author_email: may only contain an address such as you@example.com" in errors
    assert "ERROR: vpc_subnet_ids: subnet-1 is not valid" in errors


def test_a_value_outside_a_choice_gets_cookiecutters_own_error(tmp_path):
    """docs/options.md says why this one is cookiecutter's ValueError, not the hook's one line."""
    result = cookiecutter_cli(tmp_path, aws_region="mars-1")

    assert result.returncode != 0
    last_line = result.output.strip().splitlines()[-1]
    assert last_line.startswith("ValueError: mars-1 provided for choice variable aws_region, but the choices are [")
    assert "'eu-west-1'" in last_line
    assert generated(tmp_path) == []
    assert "`aws_region=mars-1`" in (REPO_DIR / "docs" / "options.md").read_text(encoding="utf-8")
