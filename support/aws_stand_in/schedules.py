"""EventBridge Scheduler firing a schedule, when a test asks: moto 5.2.5 stores schedules but never fires one.

``POST /_stand_in/schedules/fire`` with ``{"name", "group", "region"}`` does what Scheduler does when
the schedule's time comes, for a Lambda function target: it acts as the schedule's role (``RoleArn``),
which must allow ``lambda:InvokeFunction`` on the target's ARN (:mod:`.roles`), and invokes the target
asynchronously with the schedule's ``Input``, through :mod:`.async_invoke`, so the function's retries
and destination apply. An event it can't deliver (no such function or alias, or a role that may not
invoke it) goes to the schedule's dead-letter queue, if it has one and the role may send to it, as a
dead-letter event: the input as the body, and Scheduler's message attributes (``ERROR_CODE``,
``ERROR_MESSAGE``, ``RETRY_ATTEMPTS``, ``SCHEDULE_ARN``, ``TARGET_ARN``)
(https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html). Those errors are
not ones Scheduler retries, so the event goes there at once.
"""

from __future__ import annotations

from typing import Any

from moto.scheduler.exceptions import ScheduleNotFound
from moto.scheduler.models import scheduler_backends

from support.aws_stand_in import destinations, roles
from support.aws_stand_in.account import ACCOUNT_ID
from support.aws_stand_in.async_invoke import EventQueue
from support.aws_stand_in.lambda_api import LambdaError


def fire(events: EventQueue, region: str, name: str, group: str = "default") -> tuple[int, dict[str, Any]]:
    """(status, what was done) for one firing of the schedule."""
    try:
        schedule = scheduler_backends[ACCOUNT_ID][region].get_schedule(group, name)
    except ScheduleNotFound:
        return 404, {"message": f"Schedule {name} does not exist in the group {group} of {region}"}
    target = schedule.target
    done: dict[str, Any] = {"schedule": schedule.arn, "target": target["Arn"], "delivered": False}
    if schedule.state != "ENABLED":
        return 200, {**done, "reason": f"the schedule is {schedule.state}"}
    if destinations.parts(target["Arn"])[0] != "lambda":
        return 400, {**done, "reason": "the stand-in fires Lambda function targets only"}
    payload = target.get("Input") or "{}"
    if not roles.allows(target["RoleArn"], "lambda:InvokeFunction", target["Arn"]):
        action = f"lambda:InvokeFunction on resource: {target['Arn']}"
        message = f"{target['RoleArn']} is not authorized to perform: {action}"
        return 200, {**done, **dead_letter(schedule, "AccessDeniedException", message, payload)}
    try:
        request_id = events.accept(destinations.parts(target["Arn"])[1], target["Arn"], None, payload.encode())
    except LambdaError as error:
        return 200, {**done, **dead_letter(schedule, error.code, error.message, payload)}
    return 200, {**done, "delivered": True, "request_id": request_id}


def dead_letter(schedule: Any, code: str, message: str, payload: str) -> dict[str, Any]:
    """Send the dead-letter event, if the schedule has a queue its role may send to; what became of it."""
    target = schedule.target
    queue = (target.get("DeadLetterConfig") or {}).get("Arn")
    outcome = {"error_code": code, "error_message": message, "dead_letter_queue": None}
    if not queue:
        return outcome
    if not (destinations.exists(queue) and roles.allows(target["RoleArn"], "sqs:SendMessage", queue)):
        return {**outcome, "dropped": f"the role can't send to {queue}, or it doesn't exist"}
    attributes = {
        "ERROR_CODE": code,
        "ERROR_MESSAGE": message,
        "RETRY_ATTEMPTS": 0,
        "SCHEDULE_ARN": schedule.arn,
        "TARGET_ARN": target["Arn"],
    }
    destinations.send(queue, payload, attributes)
    return {**outcome, "dead_letter_queue": queue}
