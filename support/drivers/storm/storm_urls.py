"""Test-only routes for tests/template/test_connection_storm.py, in front of the generated project's own (config.urls).

The generated API only reads notes; a storm also needs writes, and a read through a server-side cursor
(QuerySet.iterator() on PostgreSQL, unless DISABLE_SERVER_SIDE_CURSORS). Like the generated project's
tests/urls.py, this module adds views and includes config.urls unchanged.
"""

import json

from config.urls import handler400, handler404, handler500  # noqa: F401  (the API's JSON errors)
from django.apps import apps
from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

# The app's label is the project's slug, which differs per bake: find its model by name.
Note = next(model for model in apps.get_models() if model.__name__ == "Note")
# A real request's own work in its transaction. Without it, a write holds its connection for a few
# milliseconds, and whether 200 instances ever hold 17 at once depends on how fast this machine forks and
# schedules them (a loaded CI machine once peaked at 13); with it, they overlap as production requests do.
WORK_SECONDS = 0.25


@csrf_exempt
@require_POST
def create_notes(request: HttpRequest) -> JsonResponse:
    """Insert one note per title, all in one transaction: a pooler must keep it on one server connection."""
    titles = json.loads(request.body)["titles"]
    with transaction.atomic():
        notes = [Note.objects.create(title=title, body="written by a simulated Lambda") for title in titles]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [WORK_SECONDS])
    return JsonResponse({"ids": [note.pk for note in notes]}, status=201)


@require_GET
def stream_notes(request: HttpRequest, group: str) -> JsonResponse:
    """The ids of a group's notes, read two rows at a time: a named (server-side) cursor, DECLAREd in one
    transaction and FETCHed in the next ones, unless the settings disable server-side cursors."""
    notes = Note.objects.filter(title__startswith=f"{group}/").order_by("pk").iterator(chunk_size=2)
    return JsonResponse({"ids": [note.pk for note in notes]})


urlpatterns = [
    path("storm/notes/", create_notes),
    path("storm/notes/<slug:group>/", stream_notes),
    path("", include("config.urls")),
]
