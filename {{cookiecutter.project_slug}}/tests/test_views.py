"""The API's views through Django's test client."""

import pytest

{%- if cookiecutter.database == "postgresql" %}

from {{ cookiecutter.project_slug }}.models import Note
{%- endif %}


{% if cookiecutter.database == "postgresql" -%}
@pytest.mark.django_db
{% endif -%}
def test_health(client):
    response = client.get("/health/")

    assert response.status_code == 200
{%- if cookiecutter.database == "postgresql" %}
    assert response.json() == {"status": "ok", "database": "ok"}
{%- else %}
    assert response.json() == {"status": "ok"}
{%- endif %}
{%- if cookiecutter.database == "postgresql" %}


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


@pytest.mark.parametrize(
    ("body", "error"),
    [("{not json", "body is not valid JSON"), ("[1, 2]", "body must be a JSON object")],
)
def test_echo_rejects_what_is_not_a_json_object(client, body, error):
    response = client.post("/api/echo/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json() == {"error": error}


def test_echo_only_accepts_post(client):
    assert client.get("/api/echo/").status_code == 405
{%- if cookiecutter.database == "postgresql" %}


@pytest.mark.django_db
def test_notes_are_listed_newest_first(client):
    Note.objects.create(title="first")
    Note.objects.create(title="second", body="hello")

    notes = client.get("/api/notes/").json()["notes"]

    assert [note["title"] for note in notes] == ["second", "first"]
    assert notes[0]["body"] == "hello"


@pytest.mark.django_db
def test_note_detail_and_missing_note(client):
    note = Note.objects.create(title="only")

    assert client.get(f"/api/notes/{note.pk}/").json()["title"] == "only"
    assert client.get(f"/api/notes/{note.pk + 1}/").status_code == 404
{%- endif %}
