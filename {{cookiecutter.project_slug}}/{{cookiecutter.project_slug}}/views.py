{%- set framework = cookiecutter.api_framework -%}
{%- set database = cookiecutter.database == "postgresql" -%}
{%- if framework == "none" -%}
"""JSON views: a health check, an echo of JSON posts{% if database %}, and read-only notes{% endif %}.

The API uses no cookies for authentication, so CSRF protection (which guards
cookie sessions) doesn't apply to it and its POST views are exempt.
"""
{%- elif framework == "ninja" -%}
"""Plain Django views: the health check, and the JSON answers to errors outside the API.

The API itself is in api.py (Django Ninja). /health/ stays a plain view: load balancers and uptime
checks need no schema, and it answers without going through the API's machinery.
"""
{%- else -%}
"""JSON views: a plain Django health check, and the API with Django REST framework: an echo of JSON
posts{% if database %} and read-only notes{% endif %}.

/health/ stays a plain view: load balancers and uptime checks need no schema, and it answers without
going through the framework. The API's views parse and render JSON only, and authenticate no one
(REST_FRAMEWORK in config/settings/base.py): it uses no cookies, so DRF's CSRF check (part of its
session authentication) has nothing to guard. Their errors are DRF's own: {"detail": ...}.
"""
{%- endif %}

{% if framework == "none" -%}
import json
{% endif -%}
import logging

{% if database -%}
from django.db import DatabaseError, connection
{% endif -%}
from django.http import HttpRequest, JsonResponse
{%- if database and framework == "none" %}
from django.shortcuts import get_object_or_404
{%- endif %}
{%- if framework == "none" %}
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
{%- else %}
from django.views.decorators.http import require_GET
{%- endif %}
{%- if framework == "drf" %}
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
{%- if database %}
from rest_framework import generics
{%- endif %}
from rest_framework.decorators import api_view
from rest_framework.exceptions import ParseError
from rest_framework.request import Request
from rest_framework.response import Response
{%- if database %}
from rest_framework.views import APIView
{%- endif %}

{% if database -%}
from .models import Note
{% endif -%}
from .serializers import EchoSerializer{% if database %}, NoteListSerializer, NoteSerializer{% endif %}
{%- endif %}
{%- if database and framework == "none" %}

from .models import Note
{%- endif %}

logger = logging.getLogger(__name__)
{%- if framework != "ninja" %}

MAX_BODY_BYTES = 64 * 1024
{%- endif %}


@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """200 when the function{% if database %} and its database answer{% else %} answers{% endif %}; for load balancers and uptime checks."""
{%- if database %}
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
{%- if framework == "none" %}


def json_object(request: HttpRequest) -> dict | JsonResponse:
    """The request's body as a JSON object, or the error answer to a body that isn't one."""
    if len(request.body) > MAX_BODY_BYTES:
        return JsonResponse({"error": f"body larger than {MAX_BODY_BYTES} bytes"}, status=413)
    try:
        payload = json.loads(request.body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return JsonResponse({"error": "body is not valid JSON"}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "body must be a JSON object"}, status=400)
    return payload


@csrf_exempt
@require_POST
def echo(request: HttpRequest) -> JsonResponse:
    """Return the posted JSON object: shows how a JSON body travels through Lambda."""
    payload = json_object(request)
    return payload if isinstance(payload, JsonResponse) else JsonResponse({"received": payload})
{%- if database %}


@require_GET
def note_list(request: HttpRequest) -> JsonResponse:
    """The 20 newest notes."""
    notes = Note.objects.order_by("-created_at", "-pk")[:20]
    return JsonResponse({"notes": [note.as_dict() for note in notes]})


@require_GET
def note_detail(request: HttpRequest, pk: int) -> JsonResponse:
    return JsonResponse(get_object_or_404(Note, pk=pk).as_dict())
{%- endif %}
{%- elif framework == "drf" %}


def json_object(request: Request) -> dict | Response:
    """The request's body as a JSON object, or the 413 answer to a body too large to read."""
    # Checked before request.data parses the body.
    if len(request.body) > MAX_BODY_BYTES:
        return Response({"detail": f"body larger than {MAX_BODY_BYTES} bytes"}, status=413)
    if not isinstance(request.data, dict):
        raise ParseError("body must be a JSON object")
    return request.data


@extend_schema(request=OpenApiTypes.OBJECT, responses=EchoSerializer)
@api_view(["POST"])
def echo(request: Request) -> Response:
    """Return the posted JSON object: shows how a JSON body travels through Lambda."""
    payload = json_object(request)
    return payload if isinstance(payload, Response) else Response(EchoSerializer({"received": payload}).data)
{%- if database %}


class NoteList(APIView):
    """The 20 newest notes."""

    # Named here: drf-spectacular takes a GET of an APIView for a retrieve, as NoteDetail's is.
    @extend_schema(operation_id="notes_list", responses=NoteListSerializer)
    def get(self, request: Request) -> Response:
        notes = Note.objects.order_by("-created_at", "-pk")[:20]
        return Response(NoteListSerializer({"notes": notes}).data)


class NoteDetail(generics.RetrieveAPIView):
    queryset = Note.objects.all()
    serializer_class = NoteSerializer
{%- endif %}
{%- endif %}


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"error": "bad request"}, status=400)


def not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"error": "not found"}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"error": "server error"}, status=500)
