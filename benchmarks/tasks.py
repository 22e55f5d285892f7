"""Background tasks in the AWS stand-in: what enqueueing adds to a request, and how soon the task starts.

The default project's package becomes a function of the stand-in (support/aws_stand_in), with its tasks sent
back to itself (DJANGO_TASKS_FUNCTION) and its webhook pointed at a receiver on 127.0.0.1. Each round
invokes ``POST /api/echo/`` and ``POST /api/events/`` as an HTTP API sends them, then waits for the task.
The figures are the function's own, read from its JSON log lines: each request's ``duration_ms`` (the
access line), and the task's ``queued_ms``, from ``enqueue()`` in the request to the task's start in an
asynchronous invocation. On AWS, Lambda's own queue sets that second figure, not this machine's stand-in.
"""

from __future__ import annotations

import json
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.cold_start import http_event
from benchmarks.packages import RUNTIME, SECRET_ENV, Package
from support.aws_stand_in import StandIn
from support.paths import CACHE_DIR
from support.postgres import database_url, throwaway_database
from support.webhook_receiver import WebhookReceiver

FUNCTION = "bench-tasks"
REGION = "us-east-1"


def create_function(aws: StandIn, package: Package, environment: dict[str, str]) -> None:
    """The package as a function of the stand-in, with Lambda's JSON log format."""
    iam = aws.client("iam", REGION)
    lambda_service = {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    trust = {"Version": "2012-10-17", "Statement": [lambda_service]}
    role = iam.create_role(RoleName=FUNCTION, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    aws.client("lambda", REGION).create_function(
        FunctionName=FUNCTION,
        Runtime=RUNTIME,
        Role=role,
        Handler=package.handler,
        Code={"ZipFile": package.zip_path.read_bytes()},
        Timeout=30,
        MemorySize=1024,
        Environment={"Variables": environment},
        LoggingConfig={"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO"},
    )


def json_lines_by_request(attempts: list[dict]) -> dict[str, list[dict]]:
    """Every JSON log line of the attempts, by the request ID that Lambda's JSON format puts on each. A line can
    reach the stand-in's log after its attempt has ended, in the next attempt's tail: the ID, not the tail, says
    whose it is."""
    lines: dict[str, list[dict]] = {}
    for attempt in attempts:
        for text in attempt["log"].splitlines():
            if text.startswith("{"):
                line = json.loads(text)
                lines.setdefault(line.get("requestId", ""), []).append(line)
    return lines


def run_rounds(aws: StandIn, receiver: WebhookReceiver, rounds: int) -> None:
    """Each round: an echo, then an event whose task must have delivered before the next round."""
    lambda_client = aws.client("lambda", REGION)
    for number in range(rounds):
        for path in ("/api/echo/", "/api/events/"):
            event = http_event("POST", path, json.dumps({"round": number}))
            lambda_client.invoke(FunctionName=FUNCTION, Payload=json.dumps(event))
        aws.wait_for_async(30)
        if len(receiver.delivered()) != number + 1:
            raise RuntimeError(f"round {number}: the task did not deliver ({len(receiver.delivered())} deliveries)")


def measured(aws: StandIn) -> dict[str, list[float]]:
    """Per round, in ms: each request's duration in the function, and the task's time from enqueue() to start.
    The first round's figures come first: the instance's first request of each kind."""
    attempts = aws.invocations()
    lines = json_lines_by_request(attempts)

    def logged(attempt: dict, key: str) -> float:
        return next(line[key] for line in lines[attempt["request_id"]] if key in line)

    figures: dict[str, list[float]] = {"echo": [], "events": [], "queued": []}
    for attempt in attempts:
        event = attempt["event"]
        if "task" in event:
            figures["queued"].append(logged(attempt, "queued_ms"))
        elif event.get("rawPath") in ("/api/echo/", "/api/events/"):
            figures[event["rawPath"].strip("/").split("/")[1]].append(logged(attempt, "duration_ms"))
    return figures


def part_tasks(python: str, packages: dict[str, Package], rounds: int) -> dict:
    """The table: each figure in the first round, and its p50 and p90 over ``rounds`` warm rounds after it."""
    receiver = WebhookReceiver()
    with throwaway_database("bench") as database, tempfile.TemporaryDirectory() as work:
        environment = {key: value for key, value in SECRET_ENV.items() if not key.startswith("AWS_")}
        environment |= {"DJANGO_TASKS_FUNCTION": FUNCTION, "DJANGO_WEBHOOK_URL": receiver.url}
        environment["DATABASE_URL"] = database_url(database)
        with StandIn(Path(work), CACHE_DIR, {RUNTIME: python}) as aws:
            create_function(aws, packages["ours: default"], environment)
            started = time.monotonic()
            run_rounds(aws, receiver, rounds + 1)
            seconds = time.monotonic() - started
            figures = measured(aws)
    receiver.close()
    names = {
        "echo": "POST /api/echo/, in the function",
        "events": "POST /api/events/, in the function (one enqueue())",
        "queued": "from enqueue() to the task's start",
    }
    rows = []
    for key, name in names.items():
        first, warm = figures[key][0], sorted(figures[key][1:])
        p90 = warm[int(0.9 * (len(warm) - 1))]
        rows.append([name, f"{first:.1f}", f"{statistics.median(warm):.1f}", f"{p90:.1f}"])
    added = statistics.median(figures["events"][1:]) - statistics.median(figures["echo"][1:])
    return {
        "title": f"Background tasks in the AWS stand-in ({rounds} warm rounds; ms, from the function's own log)",
        "header": ["what", "first round (new instance)", "warm p50", "warm p90"],
        "rows": rows,
        "notes": [
            f"One enqueue() adds {added:.1f} ms to a request here (p50, events against echo): a signed Invoke to the "
            "stand-in on loopback; to Lambda's endpoint it is one HTTPS request more. The task's start includes "
            f"the stand-in's queue and the warm environment finishing the request first. The first round is an "
            "instance's first request of each kind, without SnapStart: its first enqueue() loads the tasks and their "
            f"backend, which SnapStart's snapshot already holds (lambda_function.py). {rounds + 1} rounds took "
            f"{seconds:.0f} s."
        ],
    }
