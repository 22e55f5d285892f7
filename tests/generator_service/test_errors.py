"""Bad input: a 4xx that names each field, what is wrong and what is allowed; never a 500."""

from __future__ import annotations

import pytest


def errors_of(response) -> dict[str, dict]:
    assert response.status_code == 422, response.text
    return {error["field"]: error for error in response.json()["errors"]}


def test_invalid_choice_names_the_allowed_values(client):
    errors = errors_of(client.get("/api/generate", params={"aws_region": "moon-1"}))

    assert errors["aws_region"]["message"].startswith("aws_region: must be one of: us-east-1")
    assert "eu-west-1" in errors["aws_region"]["allowed"]


def test_every_bad_field_is_reported_at_once(client):
    errors = errors_of(
        client.post("/api/generate", json={"memory_size": 5, "author_email": "x", "python_runtime": "python2"})
    )

    assert set(errors) == {"memory_size", "author_email", "python_runtime"}
    assert errors["memory_size"]["allowed"] == "128-10240"


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"project_name": "{{ 7*7 }}"}, "project_name", "may only contain"),
        ({"description": "{% raw %}x{% endraw %}"}, "description", "may only contain"),
        ({"project_slug": "../x"}, "project_slug", "may only contain"),
        ({"_template": "gh:evil/repo"}, "_template", "cannot be set"),
        ({"template": "gh:evil/repo"}, "template", "cannot be set"),
        ({"checkout": "main"}, "checkout", "cannot be set"),
        ({"directory": "x"}, "directory", "cannot be set"),
        ({"colour": "blue"}, "colour", "is not an option"),
        ({"use_rds_proxy": "true"}, "use_rds_proxy", "only reachable inside a VPC"),
        ({"project_name": "x" * 5000}, "project_name", "at most 1000 characters"),
    ],
)
def test_rejected_values(client, params, field, message):
    errors = errors_of(client.get("/api/generate", params=params))

    assert message in errors[field]["message"]


def test_repeated_parameter_is_rejected(client):
    errors = errors_of(client.get("/api/generate?aws_region=us-east-1&aws_region=eu-west-1"))

    assert "given more than once" in errors["aws_region"]["message"]


def test_repeated_json_key_is_rejected_not_silently_dropped(client):
    body = '{"aws_region": "us-east-1", "aws_region": "eu-west-1", "aws_region": "us-west-2"}'
    response = client.post("/api/generate", content=body, headers={"content-type": "application/json"})

    assert "given more than once" in errors_of(response)["aws_region"]["message"]


def test_derived_value_error_says_what_it_was_made_from(client):
    errors = errors_of(client.get("/api/generate", params={"project_name": "Café API"}))

    assert errors["project_slug"]["message"] == (
        "project_slug: may only contain a lowercase letter, then lowercase letters, digits and _ "
        "(made from project_name as 'café_api': set project_slug yourself or change project_name)"
    )


@pytest.mark.parametrize(
    "body", ['["a"]', '"text"', "{not json", '{"use_vpc": {"nested": 1}}', '{"memory_size": null}']
)
def test_malformed_json_bodies(client, body):
    response = client.post("/api/generate", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 422


def test_bad_format_parameter(client):
    errors = errors_of(client.get("/api/generate", params={"format": "rar"}))

    assert "format" in errors


def test_oversized_body_is_refused(client):
    response = client.post("/api/generate", content=b"x" * 70_000, headers={"content-type": "application/json"})

    assert response.status_code == 413


def test_html_special_characters_are_escaped_on_the_page(client):
    page = client.get("/", params={"project_name": "<script>alert(1)</script>"}, headers={"user-agent": "Mozilla/5.0"})

    assert page.status_code == 422  # still the page, with the field marked
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
