"""Many simulated Lambda instances of a generated project, all at once: run by test_connection_storm.py.

Usage (cwd = the generated project, its venv's python, the Lambda environment, storm_settings):

    python support/drivers/storm/storm_driver.py < plan.json

    plan.json: {"instances": 200, "label": "pooled", "base_event": {...}}

Like Lambda's init phase, the process imports the generated lambda_function once (Django set up, no
database connection open). Then it forks one child per instance: each is a separate process, as Lambda
instances are, and serves its invocations one at a time. They all wait on a pipe and start together when
the parent closes it. Each instance writes a few notes in one transaction, reads one back through the
generated detail view, the generated list view, and streams its notes through QuerySet.iterator().

Prints each instance's log (what the app wrote to stdout/stderr, as CloudWatch would show it) and then one
line "SUMMARY {...}": the database settings in force and each invocation's status and verdict.
"""

import base64
import copy
import json
import logging
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

NOTES_PER_WRITE = 5


class Context:
    """The few attributes of Lambda's context object that anything here might read."""

    function_name = "storm"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    memory_limit_in_mb = 1024

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def http_event(base: dict, method: str, path: str, body: dict | None = None) -> dict:
    """An API Gateway HTTP API (payload 2.0) event like ``base``, for another method, path and body."""
    event = copy.deepcopy(base)
    event["rawPath"] = path
    event["requestContext"]["http"].update(method=method, path=path)
    event["body"] = json.dumps(body) if body is not None else None
    return event


def invoke(handler, event: dict, name: str, expect) -> tuple[dict, object]:
    """One invocation: {"name", "status", "ok", "problem", "ms"}, and the decoded JSON body (or None).

    ``ok``: a 2xx status, and ``expect(body)`` is true.
    """
    started = time.perf_counter()
    try:
        response = handler(event, Context())
    except Exception as error:  # Lambda would report the invocation as failed: so do we
        problem = f"{type(error).__name__}: {error}"[:300]
        return {"name": name, "status": None, "ok": False, "problem": problem, "ms": elapsed_ms(started)}, None
    body = response.get("body") or ""
    if response.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    try:
        payload = json.loads(body)
    except ValueError:
        payload = None
    status, problem = response["statusCode"], None
    if not 200 <= status < 300:
        problem = f"status {status}: {body[:200]}"
    elif not accepts(expect, payload):
        problem = f"unexpected body: {body[:200]}"
    return {
        "name": name,
        "status": status,
        "ok": problem is None,
        "problem": problem,
        "ms": elapsed_ms(started),
    }, payload


def accepts(expect, payload) -> bool:
    try:
        return bool(expect(payload))
    except (TypeError, KeyError, IndexError):  # not the shape expected
        return False


def elapsed_ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000


def instance_invocations(handler, number: int, label: str, base: dict) -> list[dict]:
    """What one simulated Lambda instance serves, in order; each body is checked against what it wrote."""
    group = f"{label}-{number:03d}"
    titles = [f"{group}/{index}" for index in range(NOTES_PER_WRITE)]

    def get(path: str) -> dict:
        return http_event(base, "GET", path)

    write, written = invoke(
        handler,
        http_event(base, "POST", "/storm/notes/", {"titles": titles}),
        "write",
        lambda body: len(body["ids"]) == len(titles),
    )
    ids = written["ids"] if write["ok"] else []
    if ids:
        expected = (ids[0], titles[0])
        detail, _ = invoke(
            handler, get(f"/api/notes/{ids[0]}/"), "detail", lambda body: (body["id"], body["title"]) == expected
        )
    else:  # the caller got no id to ask for: this request fails with the write
        detail = {"name": "detail", "status": None, "ok": False, "problem": "not sent: the write failed", "sent": False}
    listing, _ = invoke(
        handler,
        get("/api/notes/"),
        "list",
        lambda body: len(body["notes"]) <= 20 and all("title" in note for note in body["notes"]),
    )
    # Exactly this instance's notes, in order: whatever the write left (nothing, if it failed).
    stream, _ = invoke(handler, get(f"/storm/notes/{group}/"), "stream", lambda body: body["ids"] == ids)
    return [write, detail, listing, stream]


def run_instance(handler, number: int, plan: dict, start: int, folder: Path) -> None:
    """The body of one child process; never returns."""
    status = 1
    try:
        # The app logs to stdout (and Python to stderr): one file per instance, so lines never interleave.
        log = os.open(folder / f"{number:03d}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.read(start, 1)  # blocks until the parent closes the other end: every instance starts at once
        results = instance_invocations(handler, number, plan["label"], plan["base_event"])
        (folder / f"{number:03d}.json").write_text(json.dumps(results))
        status = 0
    except BaseException:
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)  # not sys.exit: the parent's atexit handlers and buffers are not the child's


def database_settings() -> dict:
    """What decides how the instances use connections, as Django sees them."""
    from django.db import connections

    settings_dict = connections["default"].settings_dict
    return {
        "CONN_MAX_AGE": settings_dict["CONN_MAX_AGE"],
        "CONN_HEALTH_CHECKS": settings_dict["CONN_HEALTH_CHECKS"],
        "DISABLE_SERVER_SIDE_CURSORS": bool(settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")),
    }


def storm(handler, plan: dict, folder: Path) -> dict:
    """Fork the instances, start them together, wait for them all: the time taken and how many crashed."""
    start_read, start_write = os.pipe()
    sys.stdout.flush()  # or each child would write the parent's buffered output again
    sys.stderr.flush()
    children = []
    for number in range(plan["instances"]):
        pid = os.fork()
        if pid == 0:
            os.close(start_write)
            run_instance(handler, number, plan, start_read, folder)
        children.append(pid)
    os.close(start_read)
    started = time.monotonic()
    os.close(start_write)
    crashed = [pid for pid in children if os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) != 0]
    return {"seconds": time.monotonic() - started, "crashed_instances": len(crashed)}


def collect(plan: dict, folder: Path) -> list[list[dict]]:
    """Print each instance's log; return each instance's invocations (none if it crashed)."""
    results = []
    for number in range(plan["instances"]):
        print(f"--- instance {number:03d} ---")
        print((folder / f"{number:03d}.log").read_text(errors="replace"), end="")
        result_file = folder / f"{number:03d}.json"
        results.append(json.loads(result_file.read_text()) if result_file.exists() else [])
    return results


def main() -> None:
    plan = json.load(sys.stdin)
    sys.path.insert(0, os.getcwd())  # the generated project, as /var/task is on Lambda
    # Lambda's runtime gives the root logger a handler on the function's log, and the production settings
    # keep it (they add none): here, one on stdout, which each instance points at its own log file.
    logging.basicConfig(stream=sys.stdout, level=logging.INFO, format="[%(levelname)s] %(name)s %(message)s")
    import lambda_function
    from django.conf import settings
    from django.db import connections

    # A connection inherited through fork() would be one socket shared by every instance.
    connections.close_all()
    assert all(connection.connection is None for connection in connections.all()), "a connection is open"
    summary = {"settings": database_settings(), "root_urlconf": settings.ROOT_URLCONF}
    with tempfile.TemporaryDirectory(prefix="storm-") as name:
        summary.update(storm(lambda_function.lambda_handler, plan, Path(name)))
        summary["results"] = collect(plan, Path(name))
    print("SUMMARY " + json.dumps(summary))


if __name__ == "__main__":
    main()
