"""Background tasks: work that must not hold up a response.

A task is a function decorated with ``@task``; ``deliver_webhook.enqueue(event)`` queues it and returns at
once. On Lambda it runs in an asynchronous invocation of this function (config/lambda_tasks.py); locally
it runs at once, in the request; in the tests it is only recorded. It may run more than once: a task must
be safe to repeat (README, "Background tasks").
"""

import json
import logging
import urllib.request

from django.conf import settings
from {{ (cookiecutter | derived).tasks_api }} import TaskContext, task

logger = logging.getLogger(__name__)

# Below the function's timeout, or a slow receiver would end the invocation instead of failing the attempt.
WEBHOOK_TIMEOUT_SECONDS = 10


@task(takes_context=True)
def deliver_webhook(context: TaskContext, event: dict) -> int:
    """POST ``event`` as JSON to WEBHOOK_URL; the receiver's status code.

    Every attempt of one delivery carries the same Webhook-Id, so the receiver can tell a repeat from a new
    event. An error answer or no answer raises: Lambda tries again, then keeps the event in the dead-letter queue.
    """
    delivery = context.task_result
    request = urllib.request.Request(  # noqa: S310 (WEBHOOK_URL is the project's setting, http(s) only)
        settings.WEBHOOK_URL,
        data=json.dumps(event).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Webhook-Id": delivery.id,
            "Webhook-Timestamp": str(int(delivery.enqueued_at.timestamp())),
            "User-Agent": "{{ cookiecutter.project_slug.replace('_', '-') }}-webhooks",
        },
    )
    with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:  # noqa: S310 (as above)
        logger.info("Webhook %s delivered: %s", delivery.id, response.status)
        return response.status
