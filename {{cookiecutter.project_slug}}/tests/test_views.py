{%- set framework = cookiecutter.api_framework -%}
{%- set database = cookiecutter.database == "postgresql" -%}
"""The API's views through Django's test client."""
{%- if database %}

from datetime import datetime, timedelta
{%- endif %}
{%- if database or framework == "none" %}

import pytest
{%- endif %}
{%- if database %}

from {{ cookiecutter.project_slug }}.models import Note
{%- endif %}


{% if database -%}
@pytest.mark.django_db
{% endif -%}
def test_health(client):
    response = client.get("/health/")

    assert response.status_code == 200
{%- if database %}
    assert response.json() == {"status": "ok", "database": "ok"}
{%- else %}
    assert response.json() == {"status": "ok"}
{%- endif %}
{%- if database %}


def test_health_reports_an_unreachable_database(client, settings, monkeypatch):
    from django.db import DatabaseError, connection

    def broken_cursor():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    response = client.get("/health/")

    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unreachable"}
{%- endif %}


def test_echo_returns_the_posted_json(client):
    response = client.post("/api/echo/", {"numbers": [1, 2, 3]}, content_type="application/json")

    assert response.status_code == 200
    assert response.json() == {"received": {"numbers": [1, 2, 3]}}
{%- if framework == "none" %}


@pytest.mark.parametrize(
    ("body", "error"),
    [("{not json", "body is not valid JSON"), ("[1, 2]", "body must be a JSON object")],
)
def test_echo_rejects_what_is_not_a_json_object(client, body, error):
    response = client.post("/api/echo/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": error}
{%- elif framework == "ninja" %}


def test_echo_rejects_what_is_not_json(client):
    response = client.post("/api/echo/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Cannot parse request body"}


def test_echo_rejects_json_that_is_not_an_object(client):
    response = client.post("/api/echo/", "[1, 2]", content_type="application/json")

    # Ninja's answer to a body that doesn't fit the parameter's type: 422, and what didn't fit, where.
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert (error["type"], error["loc"]) == ("dict_type", ["body", "payload"])
{%- else %}


def test_echo_rejects_what_is_not_json(client):
    response = client.post("/api/echo/", "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("JSON parse error")


def test_echo_rejects_json_that_is_not_an_object(client):
    response = client.post("/api/echo/", "[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"detail": "body must be a JSON object"}


def test_echo_only_takes_json(client):
    response = client.post("/api/echo/", {"name": "form"})  # multipart form data

    assert response.status_code == 415
{%- endif %}


def test_echo_refuses_a_body_over_64_kib(client):
    response = client.post("/api/echo/", {"text": "x" * 64 * 1024}, content_type="application/json")

    assert response.status_code == 413
    assert response.json() == {"{{ 'error' if framework == 'none' else 'detail' }}": "body larger than 65536 bytes"}


def test_echo_only_accepts_post(client):
    assert client.get("/api/echo/").status_code == 405
{%- if database %}


@pytest.mark.django_db
def test_notes_are_listed_newest_first(client):
    first = Note.objects.create(title="first")
    Note.objects.create(title="second", body="hello")

    notes = client.get("/api/notes/").json()["notes"]

    assert [note["title"] for note in notes] == ["second", "first"]
    assert notes[0]["body"] == "hello"
    assert set(notes[1]) == {"id", "title", "body", "created_at"}
    assert notes[1]["id"] == first.pk
    # ISO 8601 with its time zone{% if framework == "ninja" %}, to the millisecond (Ninja writes times as Django's JSON encoder does){% endif %}.
    assert abs(datetime.fromisoformat(notes[1]["created_at"]) - first.created_at) < timedelta(milliseconds=1)


@pytest.mark.django_db
def test_note_detail_and_missing_note(client):
    note = Note.objects.create(title="only")

    assert client.get(f"/api/notes/{note.pk}/").json()["title"] == "only"
    missing = client.get(f"/api/notes/{note.pk + 1}/")
    assert missing.status_code == 404
{%- if framework == "none" %}
    assert missing.json() == {"error": "not found"}
{%- elif framework == "ninja" %}
    assert missing.json() == {"detail": "Not Found"}
{%- else %}
    assert missing.json() == {"detail": "No Note matches the given query."}
{%- endif %}
{%- endif %}
{%- if framework != "none" %}


def test_openapi_schema_lists_the_api(client):
    response = client.get("/api/openapi.json")

    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "{{ cookiecutter.project_name }}"
    paths = {"/api/echo/"{% if (cookiecutter | derived).tasks %}, "/api/events/"{% endif %}}
{%- if database %}
    paths |= {"/api/notes/", "/api/notes/{{ "{pk}" if framework == "ninja" else "{id}" }}/"}
{%- endif %}
    assert set(schema["paths"]) == paths
    assert set(schema["paths"]["/api/echo/"]) == {"post"}


def test_docs_page_is_swagger_ui_on_the_schema(client):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js" in page
    assert "/api/openapi.json" in page
{%- endif %}
