"""JSON views: a health check, an echo of JSON posts{% if cookiecutter.database == "postgresql" %}, and read-only notes{% endif %}.

The API uses no cookies for authentication, so CSRF protection (which guards
cookie sessions) doesn't apply to it and its POST views are exempt.
"""

import json
import logging

{% if cookiecutter.database == "postgresql" -%}
from django.db import DatabaseError, connection
{% endif -%}
from django.http import HttpRequest, JsonResponse
{%- if cookiecutter.database == "postgresql" %}
from django.shortcuts import get_object_or_404
{%- endif %}
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
{%- if cookiecutter.database == "postgresql" %}

from .models import Note
{%- endif %}

logger = logging.getLogger(__name__)

MAX_ECHO_BYTES = 64 * 1024


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the function{% if cookiecutter.database == "postgresql" %} and its database answer{% else %} answers{% endif %}; for load balancers and uptime checks."""
{%- if cookiecutter.database == "postgresql" %}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database did not answer")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})
{%- else %}
    return JsonResponse({"status": "ok"})
{%- endif %}


@csrf_exempt
@require_POST
def echo(request: HttpRequest) -> JsonResponse:
    """Return the posted JSON object: shows how a JSON body travels through Lambda."""
    if len(request.body) > MAX_ECHO_BYTES:
        return JsonResponse({"error": f"body larger than {MAX_ECHO_BYTES} bytes"}, status=413)
    try:
        payload = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return JsonResponse({"error": "body is not valid JSON"}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "body must be a JSON object"}, status=400)
    return JsonResponse({"received": payload})
{%- if cookiecutter.database == "postgresql" %}


@require_GET
def note_list(request: HttpRequest) -> JsonResponse:
    """The 20 newest notes."""
    notes = Note.objects.order_by("-created_at", "-pk")[:20]
    return JsonResponse({"notes": [note.as_dict() for note in notes]})


@require_GET
def note_detail(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(get_object_or_404(Note, pk=pk).as_dict())
{%- endif %}


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"error": "bad request"}, status=400)


def not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"error": "not found"}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"error": "server error"}, status=500)
