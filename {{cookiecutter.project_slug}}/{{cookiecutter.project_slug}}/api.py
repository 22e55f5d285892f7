{%- set tasks = (cookiecutter | derived).tasks -%}
"""The API under /api/, with Django Ninja: an echo of JSON posts{% if cookiecutter.database == "postgresql" %} and read-only notes{% endif %}.

Ninja reads and checks each request against the types of its function's parameters, and writes the
OpenAPI schema (/api/openapi.json) and its Swagger UI (/api/docs/) from them. Its errors are its own:
{"detail": ...}, with 422 for a body that doesn't fit the types.

The API uses no cookies for authentication, so CSRF protection (which guards cookie sessions) doesn't
apply to it: Ninja checks CSRF only for cookie-based authentication, and the API has none.
"""

import functools
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
{%- if cookiecutter.database == "postgresql" %}
from django.shortcuts import get_object_or_404
{%- endif %}
from ninja import Body, {% if cookiecutter.database == "postgresql" %}ModelSchema, {% endif %}NinjaAPI, Schema{% if tasks %}, Status{% endif %}
from ninja.decorators import decorate_view
{%- if tasks or cookiecutter.database == "postgresql" %}
{{ "" }}
{%- if tasks %}
from .events import enqueue_delivery
{%- endif %}
{%- if cookiecutter.database == "postgresql" %}
from .models import Note
{%- endif %}
{%- endif %}

MAX_BODY_BYTES = 64 * 1024

# Not in INSTALLED_APPS: Ninja then serves Swagger UI from a page that loads its script from a CDN, instead
# of from static files, which would have to be collected to S3 first (and would add an app to every cold start).
api = NinjaAPI(
    title="{{ cookiecutter.project_name }}",
    version="0.1.0",
    description="{{ cookiecutter.description }}",
    openapi_url="/openapi.json",
    docs_url="/docs/",
    urls_namespace="api",
)


def body_at_most(limit: int) -> Callable:
    """Answer 413 to a body over ``limit`` bytes before Ninja parses it (Django's own limit is 2.5 MB)."""

    def decorator(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @functools.wraps(run)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if len(request.body) > limit:
                return JsonResponse({"detail": f"body larger than {limit} bytes"}, status=413)
            return run(request, *args, **kwargs)

        return checked

    return decorator


class Echo(Schema):
    received: dict[str, Any]


@api.post("/echo/", response=Echo, url_name="echo")
@decorate_view(body_at_most(MAX_BODY_BYTES))
def echo(request: HttpRequest, payload: Body[dict[str, Any]]) -> dict:
    """Return the posted JSON object: shows how a JSON body travels through Lambda."""
    return {"received": payload}
{%- if tasks %}


class Queued(Schema):
    task_id: str
    status: str


class Unavailable(Schema):
    detail: str


@api.post("/events/", response={202: Queued, 503: Unavailable}, url_name="events")
@decorate_view(body_at_most(MAX_BODY_BYTES))
def publish_event(request: HttpRequest, event: Body[dict[str, Any]]) -> Status:
    """Queue the event's delivery to WEBHOOK_URL (events.py): 202 and the task's ID."""
    return Status(*enqueue_delivery(event))
{%- endif %}
{%- if cookiecutter.database == "postgresql" %}


class NoteOut(ModelSchema):
    # Ninja types a primary key and a blank field as optional (they may be missing from input); a stored
    # note always has both, and the schema says so.
    id: int
    body: str

    class Meta:
        model = Note
        fields = ["id", "title", "body", "created_at"]


class NoteList(Schema):
    notes: list[NoteOut]


@api.get("/notes/", response=NoteList, url_name="note-list")
def note_list(request: HttpRequest) -> dict:
    """The 20 newest notes."""
    return {"notes": Note.objects.order_by("-created_at", "-pk")[:20]}


@api.get("/notes/{int:pk}/", response=NoteOut, url_name="note-detail")
def note_detail(request: HttpRequest, pk: int) -> Note:
    return get_object_or_404(Note, pk=pk)
{%- endif %}
