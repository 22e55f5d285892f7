"""
AWS Lambda entry point: zappa_settings.json names ``lambda_function.lambda_handler``.

Why not ``handler.py``: ``zappa package`` copies Zappa's own handler.py into
the package root and would silently replace a project file of that name.

Django is set up at import time, in Lambda's init phase, so the first request
doesn't pay for it. Then each event is one of:

* an HTTP request (API Gateway REST or HTTP API, function URL, ALB):
  served by Django through Mangum's event translation;
* ``{"manage": "migrate --noinput"}`` from ``zappa manage <stage> "<command>"``:
  runs the management command and returns its output and exit status; a
  failure is raised, so the invocation fails and so does ``zappa manage``
  (and the CI step that runs it);
* ``{"manage": "clearsessions", "schedule": "..."}`` from a schedule of the stack
  (deploy/stack.yaml): the same, for a command SCHEDULED_COMMANDS lists only;
{%- if (cookiecutter | derived).tasks %}
* ``{"task": {...}}``, a background task enqueued by ``.enqueue()``: runs it
  (config/lambda_tasks.py); a failure is raised, so Lambda retries it;
{%- endif %}
* Zappa's keep-warm ping: answered at once, without touching Django;
* anything else, including Zappa's ``raw_command`` (arbitrary code): refused.
{%- if cookiecutter.cold_start == "snap_start" %}

Under SnapStart the init phase runs once per published version and new instances start from its
snapshot. The runtime hooks at the end of this module make that snapshot hot and safe to share.
{%- endif %}
"""

import gc
import io
import logging
import os
{%- if cookiecutter.cold_start == "snap_start" %}
import random
{%- endif %}
import shlex
import traceback
from contextlib import redirect_stderr, redirect_stdout
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Init creates tens of thousands of objects, nearly all kept for the instance's life: the garbage
# collector's passes over them while they are made (dozens, some of milliseconds) find almost
# nothing. Pause it for init, then freeze what init made, so later passes skip it too.
gc.disable()

from django.db import connections  # noqa: E402

from config.lambda_adapter import DjangoLambdaAdapter  # noqa: E402
from config.wsgi import application  # noqa: E402  (sets Django up)

gc.freeze()
gc.enable()

logger = logging.getLogger(__name__)

http_adapter = DjangoLambdaAdapter(application)

# Commands that run code typed by whoever invokes the function, print secrets, or make no sense in Lambda.
REFUSED_COMMANDS = {
    "dbshell": "needs an interactive terminal",
    "diffsettings": "it prints SECRET_KEY and the database password, which would land in the logs",
    "runserver": "Lambda is the server",
    "shell": "it runs arbitrary code; write a management command instead",
}


class UnsupportedEvent(ValueError):
    """An event this function doesn't handle."""


class ManagementCommandFailed(RuntimeError):
    """A management command exited with a non-zero status."""

    def __init__(self, result: dict[str, Any]) -> None:
        self.result = result
        details = (result["errors"] or result["output"])[-4000:]
        super().__init__(f"manage {result['command']} exited with status {result['exit_status']}:\n{details}")


def lambda_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    if not isinstance(event, dict):
        raise UnsupportedEvent(f"Expected a JSON object as the event, got {type(event).__name__}.")
    if "requestContext" in event:
        return http_adapter(event, context)
    if "manage" in event:
        if "schedule" in event:
            check_scheduled(event["manage"], event["schedule"])
        result = run_management_command(event["manage"])
        if result["exit_status"] != 0:
            raise ManagementCommandFailed(result)
        return result
{%- if (cookiecutter | derived).tasks %}
    if "task" in event:
        return run_background_task(event["task"], context)
{%- endif %}
    if is_keep_warm(event):
        return {"warm": True}
    if "raw_command" in event:
        raise UnsupportedEvent("raw_command is refused: it would run arbitrary Python. Use a management command.")
    keys = ", ".join(sorted(map(str, event))[:10]) or "none"
    raise UnsupportedEvent(
        f"Unsupported event (keys: {keys}). This function handles HTTP events from API Gateway, "
        'function URLs and ALB, {"manage": "<command>"}, {% if (cookiecutter | derived).tasks %}background tasks {% endif %}and Zappa keep-warm pings.'
    )


def check_scheduled(command: Any, schedule: Any) -> None:
    """A schedule may run only the commands SCHEDULED_COMMANDS lists (config/settings/base.py)."""
    from django.conf import settings

    try:
        name = (shlex.split(command) if isinstance(command, str) else [str(part) for part in command])[0]
    except (IndexError, TypeError, ValueError):
        name = ""
    if name not in settings.SCHEDULED_COMMANDS:
        allowed = ", ".join(settings.SCHEDULED_COMMANDS) or "none"
        raise UnsupportedEvent(
            f"Schedule {str(schedule)[:100]!r} asked for {name[:100]!r}, which SCHEDULED_COMMANDS doesn't list "
            f"(it lists: {allowed})."
        )
{%- if (cookiecutter | derived).tasks %}


def run_background_task(task: dict[str, Any], context: Any) -> dict[str, str]:
    """Run an enqueued task; a failure is raised, so Lambda runs it again, then keeps it in the dead-letter queue."""
    # Imported here, not at init: only task invocations need the Tasks API.
    from config.lambda_tasks import run_task

    run_task(task, request_id=getattr(context, "aws_request_id", ""))
    return {"task_id": task["id"], "status": "SUCCESSFUL"}
{%- endif %}


def is_keep_warm(event: dict[str, Any]) -> bool:
    """Zappa's keep_warm schedule: a CloudWatch event whose rule ends in keep_warm_callback."""
    resources = event.get("resources") or []
    return event.get("detail-type") == "Scheduled Event" and any(
        str(resource).endswith(".keep_warm_callback") for resource in resources
    )


def run_management_command(command: Any) -> dict[str, Any]:
    """Run ``manage.py <command>``; return its output and exit status (0 = success)."""
    try:
        argv = shlex.split(command) if isinstance(command, str) else [str(part) for part in command]
    except (TypeError, ValueError) as error:
        return {"command": str(command), "exit_status": 2, "output": "", "errors": f"Cannot parse the command: {error}"}
    if not argv:
        return {"command": "", "exit_status": 2, "output": "", "errors": "No command given."}
    if argv[0] in REFUSED_COMMANDS:
        reason = f"'{argv[0]}' is refused: {REFUSED_COMMANDS[argv[0]]}."
        return {"command": shlex.join(argv), "exit_status": 2, "output": "", "errors": reason}

    # Imported here, not at init: HTTP requests never need the command machinery (about a tenth of
    # the module's import time), and manage events are rare.
    from django.conf import settings
    from django.core.management import ManagementUtility
    from django.utils.log import configure_logging

    stdout, stderr = io.StringIO(), io.StringIO()
    with redirect_stdout(stdout), redirect_stderr(stderr):
        try:
            ManagementUtility(["manage.py", *argv]).execute()
            status = 0
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else int(exit_.code is not None)
        except Exception:
            traceback.print_exc()
            status = 1
        finally:
            connections.close_all()
    # ManagementUtility runs django.setup() again, which re-applied LOGGING while sys.stdout was the
    # buffer above: point the log handlers back at the real stdout, or every later log line of this
    # instance would go to that discarded buffer instead of CloudWatch.
    configure_logging(settings.LOGGING_CONFIG, settings.LOGGING)
    result = {
        "command": shlex.join(argv),
        "exit_status": status,
        "output": stdout.getvalue(),
        "errors": stderr.getvalue(),
    }
    # Also to the log: `zappa manage` prints the invocation's log tail.
    logger.info("manage %s exited with %s\n%s%s", result["command"], status, result["output"], result["errors"])
    return result
{%- if cookiecutter.cold_start == "snap_start" %}


# SnapStart runtime hooks
# ------------------------------------------------------------------------------
# https://docs.aws.amazon.com/lambda/latest/dg/snapstart-runtime-hooks-python.html
PRIMING_BODY = b'{"priming": true}'


def priming_event() -> dict[str, Any]:
    """A request that touches no database and no network: POST /api/echo/ on an allowed host."""
    from django.conf import settings

    host = next((host for host in settings.ALLOWED_HOSTS if host != "*"), "localhost")
    host = f"priming{host}" if host.startswith(".") else host
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/api/echo/",
        "rawQueryString": "",
        "headers": {"host": host, "x-forwarded-proto": "https", "content-type": "application/json"},
        "requestContext": {
            "http": {"method": "POST", "path": "/api/echo/", "sourceIp": "127.0.0.1"},
            "domainName": host,
            "stage": "$default",
        },
        "body": PRIMING_BODY.decode(),
        "isBase64Encoded": False,
    }


def prime_before_snapshot() -> None:
    """Finish the lazy start-up work (URL resolver, middleware, view, JSON) so restored copies are hot,
    then close every database connection: its socket would be dead, or shared, after a restore."""
    response = http_adapter(priming_event(), None)
    if response["statusCode"] == 200:
        logger.info("Primed the snapshot: POST /api/echo/ answered 200")
    else:
        logger.warning("Priming request answered %s; the snapshot is less warm", response["statusCode"])
{%- if (cookiecutter | derived).tasks %}
    # The first enqueue() of each restored copy would load the tasks and, as @task checks them, their backend:
    # loaded here, they are part of the snapshot and no restored copy pays for them.
    from importlib import import_module

    import_module("{{ cookiecutter.project_slug }}.tasks")
{%- endif %}
    connections.close_all()
    gc.freeze()  # as after init: what priming made lives as long, and the collector need not scan it again


def reseed_after_restore() -> None:
    """Each restored copy starts from the same memory: give it its own random state."""
    random.seed()


try:
    from snapshot_restore_py import register_after_restore, register_before_snapshot
except ImportError:  # not on SnapStart's runtime, nor installed: nothing to register
    pass
else:
    register_before_snapshot(prime_before_snapshot)
    register_after_restore(reseed_after_restore)
{%- endif %}
