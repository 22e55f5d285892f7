"""Lambda's asynchronous invocation: the event queue, its retries and its destinations.

moto (and the stand-in before this) ran an ``Event`` invocation at once and answered 202 once it had
run; a failure was lost. Lambda answers 202 as soon as the event is queued (after checking the function
and qualifier exist, and that the event is at most 1 MB), and a separate process runs it later. If an
attempt fails (an error out of the handler or the runtime, a timeout), Lambda runs it again, up to the
qualifier's ``MaximumRetryAttempts`` (2 unless configured), a minute after the first attempt and two
minutes after the second, every attempt with the same request ID. After the last one, or once the event
is older than ``MaximumEventAgeInSeconds``, Lambda sends an invocation record to the qualifier's
``OnFailure`` destination, if it has one
(https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html,
https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).

:class:`EventQueue` does the same on worker threads, each attempt through :class:`.invoke.Invoker` on
the warm environments synchronous invocations use; the waits between attempts are the stand-in's
``--async-retry-delays`` (seconds), shortened so that a test can see every retry.
"""

from __future__ import annotations

import heapq
import itertools
import json
import threading
import time
import traceback
import uuid
from dataclasses import dataclass, field
from typing import Any

from support.aws_stand_in import destinations
from support.aws_stand_in.account import function_arn
from support.aws_stand_in.event_invoke_config import EventInvokeConfigs
from support.aws_stand_in.invoke import Invoker
from support.aws_stand_in.lambda_api import LambdaError, now
from support.lambda_runtime import Invocation

# Lambda's limit for an asynchronous invocation's event: https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html
MAX_EVENT_BYTES = 1024 * 1024
WORKERS = 4


@dataclass
class Event:
    """One queued event and what became of it so far."""

    region: str
    name: str
    qualifier: str  # "$LATEST" when the invocation named none
    payload: bytes
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    received: float = field(default_factory=time.time)
    attempts: int = 0
    outcome: Invocation | None = None  # the last attempt's
    executed_version: str = ""


class EventQueue:
    """Accepts events, runs them on worker threads, retries them, and sends their records."""

    def __init__(self, invoker: Invoker, configs: EventInvokeConfigs, retry_delays: tuple[float, ...]) -> None:
        self.invoker = invoker
        self.configs = configs
        self.retry_delays = retry_delays or (0.0,)
        self.due: list[tuple[float, int, Event]] = []  # a heap, by when each event may run
        self.order = itertools.count()  # breaks ties in the heap
        self.condition = threading.Condition()
        self.pending = 0  # queued, running or waiting for a retry
        self.closed = False
        for _ in range(WORKERS):
            threading.Thread(target=self._work, daemon=True).start()

    def accept(self, region: str, name_or_arn: str, qualifier: str | None, payload: bytes) -> str:
        """Queue an event, or refuse it as Lambda does; returns its request ID."""
        if len(payload) > MAX_EVENT_BYTES:
            limit = f"(limit {MAX_EVENT_BYTES} bytes)"
            message = f"{len(payload)} byte payload is too large for the Event invocation type {limit}"
            raise LambdaError(413, "RequestEntityTooLargeException", message)
        name, qualifier, _ = self.invoker.resolve(region, name_or_arn, qualifier)
        try:
            json.loads(payload or b"{}")
        except ValueError as error:
            message = "Could not parse request body into json"
            raise LambdaError(400, "InvalidRequestContentException", message) from error
        event = Event(region, name, qualifier or "$LATEST", payload or b"{}")
        with self.condition:
            self.pending += 1
            self._schedule(event, 0.0)
        return event.request_id

    def close(self) -> None:
        with self.condition:
            self.closed = True
            self.condition.notify_all()

    def _schedule(self, event: Event, delay: float) -> None:
        """Called with the condition held."""
        heapq.heappush(self.due, (time.monotonic() + delay, next(self.order), event))
        self.condition.notify()

    def _next(self) -> Event | None:
        """The next event whose time has come; None once the queue is closed."""
        with self.condition:
            while not self.closed:
                if self.due and self.due[0][0] <= time.monotonic():
                    return heapq.heappop(self.due)[2]
                self.condition.wait(self.due[0][0] - time.monotonic() if self.due else None)
            return None

    def _work(self) -> None:
        while (event := self._next()) is not None:
            try:
                finished = self._attempt(event)
            except Exception:  # a stand-in bug: say so in its log, and don't count the event as pending forever
                traceback.print_exc()
                finished = True
            if finished:
                with self.condition:
                    self.pending -= 1

    def _attempt(self, event: Event) -> bool:
        """Run the event once, as Lambda's queue would; whether it is done with (False: a retry is scheduled)."""
        settings = self.configs.settings(event.region, event.name, event.qualifier)
        if time.time() - event.received > settings["MaximumEventAgeInSeconds"]:
            self._send_record(event, settings, "OnFailure", "EventAgeExceeded")
            return True
        try:
            _, _, function = self.invoker.resolve(event.region, event.name, event.qualifier)
        except LambdaError:
            return True  # the function or alias is gone: nothing left to run it on
        event.attempts += 1
        event.executed_version = str(function.version)
        where = (event.region, event.name, event.qualifier, function)
        event.outcome, _ = self.invoker.run(*where, event.payload, "Event", event.request_id, event.attempts)
        if event.outcome.error_type is None:
            self._send_record(event, settings, "OnSuccess", "Success")
            return True
        if event.attempts <= settings["MaximumRetryAttempts"]:
            delay = self.retry_delays[min(event.attempts, len(self.retry_delays)) - 1]
            with self.condition:
                self._schedule(event, delay)
            return False
        self._send_record(event, settings, "OnFailure", "RetriesExhausted")
        return True

    @staticmethod
    def _send_record(event: Event, settings: dict[str, Any], kind: str, condition: str) -> None:
        destination = (settings["DestinationConfig"].get(kind) or {}).get("Destination")
        if destination:
            destinations.send(destination, json.dumps(invocation_record(event, condition)))


def invocation_record(event: Event, condition: str) -> dict[str, Any]:
    """The record Lambda sends to a destination, as invocation-async-retain-records.html shows it."""
    record: dict[str, Any] = {
        "version": "1.0",
        "timestamp": now(),
        "requestContext": {
            "requestId": event.request_id,
            "functionArn": function_arn(event.region, event.name, event.qualifier),
            "condition": condition,
            "approximateInvokeCount": event.attempts,
        },
        "requestPayload": json.loads(event.payload),
    }
    if event.outcome is not None:  # an event that aged out before any attempt has no response
        response = {"statusCode": 200, "executedVersion": event.executed_version}
        if event.outcome.error_type:
            response["functionError"] = "Unhandled"
        record["responseContext"] = response
        record["responsePayload"] = parse_payload(event.outcome.payload)
    return record


def parse_payload(payload: bytes) -> Any:
    """The function's response or error document as JSON, or its text when it isn't JSON."""
    try:
        return json.loads(payload) if payload else None
    except ValueError:
        return payload.decode(errors="replace")
