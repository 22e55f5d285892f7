{%- set framework = cookiecutter.api_framework -%}
"""POST /api/events/: take a JSON event and deliver it to the project's webhook in the background.

The answer, 202 with the delivery task's ID, doesn't wait for the receiver: the request only enqueues
tasks.deliver_webhook, and a slow or failing receiver holds up no one.
{%- if framework == "ninja" %}

Django Ninja's route is in api.py, with the others; it calls enqueue_delivery here.
{%- elif framework == "drf" %}

A Django REST framework view; its errors are DRF's own: {"detail": ...}.
{%- else %}

The API uses no cookies for authentication, so CSRF protection (which guards cookie sessions) doesn't
apply: the view is exempt.
{%- endif %}

The Tasks API is imported in the view, not at the top: it loads with the first event, not with the
first request or at init.
"""

from django.conf import settings
{%- if framework == "none" %}
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .views import json_object
{%- elif framework == "drf" %}
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import api_view
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import CharField, Serializer

from .views import json_object
{%- endif %}

NO_WEBHOOK = "no webhook is configured: set DJANGO_WEBHOOK_URL"
NOT_QUEUED = "the event could not be queued; try again"


def enqueue_delivery(event: dict) -> tuple[int, dict[str, str]]:
    """Queue the event's delivery: (202, the task's ID and status), or (503, why not)."""
    if not settings.WEBHOOK_URL:
        return 503, {"{{ 'error' if framework == 'none' else 'detail' }}": NO_WEBHOOK}
    from config.lambda_tasks import EnqueueFailed

    from .tasks import deliver_webhook

    try:
        delivery = deliver_webhook.enqueue(event)
    except EnqueueFailed:
        return 503, {"{{ 'error' if framework == 'none' else 'detail' }}": NOT_QUEUED}
    return 202, {"task_id": delivery.id, "status": str(delivery.status)}
{%- if framework == "none" %}


@csrf_exempt
@require_POST
def publish_event(request: HttpRequest) -> JsonResponse:
    """Queue the event's delivery to WEBHOOK_URL: 202 and the task's ID."""
    event = json_object(request)
    if isinstance(event, JsonResponse):
        return event
    status, answer = enqueue_delivery(event)
    return JsonResponse(answer, status=status)
{%- elif framework == "drf" %}


class QueuedSerializer(Serializer):
    task_id = CharField(help_text="The delivery's ID, which the receiver gets as Webhook-Id.")
    status = CharField(help_text="READY: queued, not run yet.")


@extend_schema(request=OpenApiTypes.OBJECT, responses={202: QueuedSerializer})
@api_view(["POST"])
def publish_event(request: Request) -> Response:
    """Queue the event's delivery to WEBHOOK_URL: 202 and the task's ID."""
    event = json_object(request)
    if isinstance(event, Response):
        return event
    status, answer = enqueue_delivery(event)
    return Response(answer, status=status)
{%- endif %}
