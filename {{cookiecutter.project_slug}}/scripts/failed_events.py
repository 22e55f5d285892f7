#!/usr/bin/env python
"""Show, and send again, the asynchronous events that failed every attempt: ``failed_events.py production``.

Lambda sends an asynchronous event{% if (cookiecutter | derived).tasks %} (a task, a schedule's run){% else %} (a schedule's run){% endif %} that failed every attempt to the stage's
dead-letter queue (DeadLetterQueue in deploy/stack.yaml), as a record of its last attempt: when, the error,
and the event (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
EventBridge Scheduler puts there what it could not deliver, with the error in the message's attributes
(https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html).

Without ``--retry`` it lists them and leaves them in the queue. With ``--retry`` it invokes the function
again with each event, asynchronously and on the alias requests use, and deletes each from the queue once
Lambda has taken it: an event that fails again comes back after its own retries.
"""

import argparse
import json
import sys
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError
from cloudformation import StackError, stack_outputs

from deploy import DeployError, Stage, aws_session, step

# Long enough to read the whole queue once; the listed messages are made visible again right after.
LISTING_SECONDS = 30


@dataclass
class FailedEvent:
    receipt: str
    failed_at: str
    event: dict
    error: str

    @property
    def summary(self) -> str:
        """What the event was: a task, a command, or its keys."""
        if "task" in self.event:
            return f"task {self.event['task'].get('path')} {self.event['task'].get('id')}"
        if "manage" in self.event:
            return f"manage {self.event['manage']}" + (" (schedule)" if "schedule" in self.event else "")
        keys = ", ".join(sorted(self.event))
        return f"event with {keys}" if keys else "empty event"


def failed_event(message: dict) -> FailedEvent:
    """A queue message, as Lambda's on-failure record or as a Scheduler dead-letter event."""
    body = json.loads(message["Body"])
    if isinstance(body, dict) and "requestContext" in body and "requestPayload" in body:
        response = body.get("responsePayload") or {}
        error = f"{response.get('errorType', '')}: {response.get('errorMessage', '')}".strip(": ")
        context = body["requestContext"]
        why = f"{context.get('condition', '')} after {context.get('approximateInvokeCount', '?')} attempts: {error}"
        return FailedEvent(message["ReceiptHandle"], body.get("timestamp", ""), body["requestPayload"] or {}, why)
    attributes = {name: value.get("StringValue", "") for name, value in message.get("MessageAttributes", {}).items()}
    error = f"{attributes.get('ERROR_CODE', 'undelivered')}: {attributes.get('ERROR_MESSAGE', '')}"
    sent = message.get("Attributes", {}).get("SentTimestamp", "")
    return FailedEvent(message["ReceiptHandle"], sent, body if isinstance(body, dict) else {}, error)


def read_queue(sqs, queue_url: str) -> list[FailedEvent]:
    """Every message in the queue, each read once; they stay in it."""
    seen: dict[str, dict] = {}
    while True:
        batch = sqs.receive_message(
            QueueUrl=queue_url,
            MaxNumberOfMessages=10,
            WaitTimeSeconds=1,
            VisibilityTimeout=LISTING_SECONDS,
            AttributeNames=["SentTimestamp"],
            MessageAttributeNames=["All"],
        ).get("Messages", [])
        fresh = [message for message in batch if message["MessageId"] not in seen]
        if not fresh:
            return [failed_event(message) for message in seen.values()]
        seen.update((message["MessageId"], message) for message in fresh)


def list_events(sqs, queue_url: str, events: list[FailedEvent]) -> None:
    for event in events:
        print(f"    {event.failed_at}  {event.summary}\n        {event.error}")
        sqs.change_message_visibility(QueueUrl=queue_url, ReceiptHandle=event.receipt, VisibilityTimeout=0)


def retry_events(session, stage: Stage, queue_url: str, events: list[FailedEvent]) -> None:
    lambda_client, sqs = session.client("lambda"), session.client("sqs")
    target = {"FunctionName": stage.function_name}
    if stage.serving_alias:
        target["Qualifier"] = stage.serving_alias
    for event in events:
        lambda_client.invoke(**target, InvocationType="Event", Payload=json.dumps(event.event).encode())
        sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=event.receipt)
        print(f"    sent again: {event.summary}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", help="a stage of zappa_settings.json: production or dev")
    parser.add_argument("--retry", action="store_true", help="invoke the function again with each, then remove it")
    args = parser.parse_args()
    try:
        stage = Stage.load(args.stage)
        step(f"Checking the AWS credentials for {stage.name}")
        session = aws_session(stage)
        queue_url = stack_outputs(session.client("cloudformation"), stage.stack_name).get("DeadLetterQueueUrl")
        if not queue_url:
            raise DeployError(f"the stack {stage.stack_name} has no dead-letter queue: deploy {stage.name} first")
        step(f"Reading {queue_url}")
        sqs = session.client("sqs")
        events = read_queue(sqs, queue_url)
        if not events:
            print("    no failed events")
        elif args.retry:
            retry_events(session, stage, queue_url, events)
        else:
            list_events(sqs, queue_url, events)
    except (DeployError, StackError, ClientError, BotoCoreError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
