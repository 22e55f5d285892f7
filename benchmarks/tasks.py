"""Background tasks in the AWS stand-in: what enqueueing adds to a request, and how soon the task runs.

The default project's package becomes a function of the stand-in (support/aws_stand_in), with its tasks
sent back to itself (DJANGO_TASKS_FUNCTION) and its webhook pointed at a receiver on 127.0.0.1. Each round
invokes ``POST /api/echo/`` and ``POST /api/events/`` as an HTTP API sends them, then waits for the task's
delivery: the request's time with and without an ``enqueue()``, and the time from the events request's
answer to the webhook's arrival, which is the stand-in's queue, the task's start on the warm environment
and the task's own HTTP call. On AWS, Lambda's own queue sets the second figure, not this machine.
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


def one_round(lambda_client, receiver: WebhookReceiver, round_number: int) -> tuple[float, float, float]:
    """(echo request, events request, the events request's answer to the webhook's arrival), in seconds."""
    echo = http_event("POST", "/api/echo/", json.dumps({"round": round_number}))
    events = http_event("POST", "/api/events/", json.dumps({"round": round_number}))
    started = time.monotonic()
    lambda_client.invoke(FunctionName=FUNCTION, Payload=json.dumps(echo))
    echoed = time.monotonic()
    answer = json.loads(lambda_client.invoke(FunctionName=FUNCTION, Payload=json.dumps(events))["Payload"].read())
    answered = time.monotonic()
    task_id = json.loads(answer["body"])["task_id"]
    deadline = answered + 30
    while not (arrived := [r["arrived"] for r in receiver.requests if r["headers"]["webhook-id"] == task_id]):
        if time.monotonic() > deadline:
            raise RuntimeError(f"task {task_id} was not delivered within 30 s")
        time.sleep(0.001)
    return echoed - started, answered - echoed, arrived[0] - answered


def part_tasks(python: str, packages: dict[str, Package], rounds: int) -> dict:
    """The table: p50 and p90 of each figure over ``rounds`` rounds (the first, cold, left out)."""
    package = packages["ours: default"]
    receiver = WebhookReceiver()
    with throwaway_database("bench") as database, tempfile.TemporaryDirectory() as work:
        environment = {key: value for key, value in SECRET_ENV.items() if not key.startswith("AWS_")}
        environment |= {"DJANGO_TASKS_FUNCTION": FUNCTION, "DJANGO_WEBHOOK_URL": receiver.url}
        environment["DATABASE_URL"] = database_url(database)
        with StandIn(Path(work), CACHE_DIR, {RUNTIME: python}) as aws:
            create_function(aws, package, environment)
            lambda_client = aws.client("lambda", REGION)
            samples = [one_round(lambda_client, receiver, number) for number in range(rounds + 1)][1:]
    receiver.close()
    names = [
        "POST /api/echo/: the answer",
        "POST /api/events/: the answer (one enqueue())",
        "the task's webhook, after that answer",
    ]
    rows = []
    for index, name in enumerate(names):
        values = sorted(sample[index] * 1000 for sample in samples)
        rows.append([name, f"{statistics.median(values):.1f}", f"{values[int(0.9 * (len(values) - 1))]:.1f}"])
    return {
        "title": f"Background tasks in the AWS stand-in ({rounds} rounds, warm; ms)",
        "header": ["what", "p50", "p90"],
        "rows": rows,
        "notes": [
            "Each invocation crosses the stand-in (moto's server, its Runtime API, awslambdaric): the answers' "
            "difference is what one enqueue() adds, a signed Invoke to the stand-in. The last row is the stand-in's "
            "queue, the task's start on the warm environment and its POST to the receiver; on AWS, Lambda's own "
            "queue decides it."
        ],
    }
