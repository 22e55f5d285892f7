{%- set api = (cookiecutter | derived).tasks_api -%}
"""
Django's Tasks API on Lambda: each task runs in this same function, invoked asynchronously on the alias
that the web requests use.

``enqueue()`` checks that the arguments are JSON, then sends one asynchronous Invoke (InvocationType
``Event``) of DJANGO_TASKS_FUNCTION, the function and alias scripts/deploy.py names. Lambda queues the
event and answers at once, so the request that enqueued it doesn't wait for the work. Lambda then runs
lambda_function.lambda_handler with ``{"task": ...}``, which calls :func:`run_task`; if the task raises,
Lambda runs it again after a minute, and again two minutes later; after the third failure the event goes
to the stack's dead-letter queue (scripts/deploy.py sets both on the alias). Delivery is at least once:
README, "Background tasks", says why this transport and how to make a task safe to run twice.

Nothing here is imported at init: only when a task is enqueued, or when one runs.
"""

import json
import logging
import math
import os
import time
import traceback
from datetime import datetime
from typing import Any
{{ "" }}
{#- Sorted as ruff's isort sorts them: django.tasks comes before django.utils, django_tasks after. #}
{%- set imports = [
    "from django.db import close_old_connections",
    "from django.utils import timezone",
    "from django.utils.crypto import get_random_string",
    "from django.utils.module_loading import import_string",
    "from " ~ api ~ ".backends.base import BaseTaskBackend",
    "from " ~ api ~ ".base import Task, TaskContext, TaskError, TaskResult, TaskResultStatus",
    "from " ~ api ~ ".signals import task_enqueued, task_finished, task_started",
] %}
{%- for line in imports | sort %}
{{ line }}
{%- endfor %}

from config.aws_requests import AwsRefused, AwsUnavailable, endpoint_url, send

logger = logging.getLogger(__name__)

# Lambda's limit for an asynchronous invocation's event: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
MAX_EVENT_BYTES = 1024 * 1024


class EnqueueFailed(RuntimeError):
    """Lambda did not take the task; nothing was queued, so the caller may try again."""


class TaskFailed(RuntimeError):
    """A task raised: the invocation fails, so Lambda retries it (its traceback is in the log above)."""


class LambdaBackend(BaseTaskBackend):
    """Runs each task in an asynchronous invocation of ``OPTIONS["FUNCTION"]`` ("name" or "name:alias")."""

    supports_defer = False  # Lambda runs an asynchronous event as soon as it can
    supports_async_task = False
    supports_get_result = False  # results are in the log, not in a store
    supports_priority = False

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        self.function = str(self.options.get("FUNCTION", ""))

    def enqueue(self, task: Task, args: Any, kwargs: Any) -> TaskResult:
        self.validate_task(task)
        check_json_arguments(task, args, kwargs)
        result = TaskResult(
            task=task,
            id=get_random_string(32),
            status=TaskResultStatus.READY,
            enqueued_at=timezone.now(),
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=list(args),
            kwargs=dict(kwargs),
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        invoke_async(self.function, task_event(result))
        task_enqueued.send(type(self), task_result=result)
        return result


def check_json_arguments(task: Task, args: Any, kwargs: Any) -> None:
    """Refuse, at enqueue, an argument that would not arrive as it was given: the event is JSON."""
    named = [(f"argument {index + 1}", value) for index, value in enumerate(args)]
    named += [(f"argument {name!r}", value) for name, value in kwargs.items()]
    for where, value in named:
        problem = json_problem(value, where)
        if problem:
            raise TypeError(
                f"{task.name}.enqueue(): {problem}. Task arguments travel as JSON: pass strings, numbers, "
                "booleans, None, lists and dicts with string keys (an ID, not a model instance)."
            )


def json_problem(value: Any, where: str) -> str | None:
    """What keeps ``value`` from a JSON round trip unchanged, naming where it is; None if nothing."""
    if value is None or isinstance(value, str | bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{where} is {value}, which JSON has no way to write"
    if isinstance(value, list):
        return next(filter(None, (json_problem(item, f"{where}[{i}]") for i, item in enumerate(value))), None)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{where} has the key {key!r}, which arrives as the string {json.dumps(str(key))}"
            if problem := json_problem(item, f"{where}[{key!r}]"):
                return problem
        return None
    return f"{where} is a {type(value).__name__}"


def task_event(result: TaskResult) -> dict[str, Any]:
    """The event the task's invocation carries."""
    return {
        "task": {
            "id": result.id,
            "path": result.task.module_path,
            "args": result.args,
            "kwargs": result.kwargs,
            "backend": result.backend,
            "enqueued_at": result.enqueued_at.isoformat(),
        }
    }


def invoke_async(function: str, event: dict[str, Any]) -> None:
    """Queue ``event`` for an asynchronous invocation of ``function`` ("name" or "name:alias")."""
    body = json.dumps(event, separators=(",", ":")).encode()
    if len(body) > MAX_EVENT_BYTES:
        raise EnqueueFailed(
            f"the task's event is {len(body)} bytes; Lambda takes at most {MAX_EVENT_BYTES} in an asynchronous "
            "invocation: pass an ID and load the data in the task"
        )
    if not function:
        raise EnqueueFailed("no function to run tasks in: set TASKS OPTIONS FUNCTION (DJANGO_TASKS_FUNCTION)")
    name, _, qualifier = function.partition(":")
    region = os.environ.get("AWS_REGION", "{{ cookiecutter.aws_region }}")
    url = f"{endpoint_url('LAMBDA', 'lambda', region)}/2015-03-31/functions/{name}/invocations"
    url += f"?Qualifier={qualifier}" if qualifier else ""
    try:
        status, _ = send("POST", url, body, {"X-Amz-Invocation-Type": "Event"}, service="lambda", region=region)
    except (AwsRefused, AwsUnavailable) as error:
        raise EnqueueFailed(f"Lambda did not queue the task for {function}: {error}") from None
    if status != 202:
        raise EnqueueFailed(f"Lambda answered {status} instead of 202 to the task for {function}")


def run_task(event: dict[str, Any], request_id: str) -> Any:
    """Run the task an asynchronous invocation carries; raise TaskFailed if it fails, so Lambda retries it."""
    task = import_string(event["path"])
    if not isinstance(task, Task):  # only what @task made, never any importable callable
        raise TaskFailed(f"{event['path']} is not a task")
    result = running_result(task, event, request_id)
    task_started.send(LambdaBackend, task_result=result)
    started = time.perf_counter()
    close_old_connections()  # as at a request's start: a connection past CONN_MAX_AGE goes
    try:
        context = [TaskContext(task_result=result)] if task.takes_context else []
        value = task.call(*context, *result.args, **result.kwargs)
    except Exception as error:
        finish(result, TaskResultStatus.FAILED, error)
        logger.exception(
            "Task %s %s failed", task.name, result.id, extra=task_fields(result, started, TaskResultStatus.FAILED)
        )
        raise TaskFailed(f"task {task.module_path} ({result.id}) failed: {type(error).__name__}: {error}") from error
    finally:
        close_old_connections()  # and at its end
    finish(result, TaskResultStatus.SUCCESSFUL)
    logger.info("Task %s %s succeeded", task.name, result.id, extra=task_fields(result, started, result.status))
    return value


def running_result(task: Task, event: dict[str, Any], request_id: str) -> TaskResult:
    now = timezone.now()
    return TaskResult(
        task=task,
        id=event["id"],
        status=TaskResultStatus.RUNNING,
        enqueued_at=datetime.fromisoformat(event["enqueued_at"]),
        started_at=now,
        last_attempted_at=now,
        finished_at=None,
        args=event["args"],
        kwargs=event["kwargs"],
        backend=event["backend"],
        errors=[],
        worker_ids=[request_id],  # the invocation's request ID: a retry of the event keeps it
    )


def finish(result: TaskResult, status: TaskResultStatus, error: BaseException | None = None) -> None:
    if error is not None:
        kind = type(error)
        path, trace = f"{kind.__module__}.{kind.__qualname__}", "".join(traceback.format_exception(error))
        result.errors.append(TaskError(exception_class_path=path, traceback=trace))
    object.__setattr__(result, "finished_at", timezone.now())
    object.__setattr__(result, "status", status)
    task_finished.send(LambdaBackend, task_result=result)


def task_fields(result: TaskResult, started: float, status: TaskResultStatus) -> dict[str, Any]:
    """The fields of a task's log line (JSON keys in Lambda's JSON log format)."""
    waited = (result.started_at - result.enqueued_at).total_seconds()
    return {
        "task": result.task.module_path,
        "task_id": result.id,
        "status": str(status),
        "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        "queued_ms": round(waited * 1000, 1),
    }
