"""Where AWS services send what they send on their own: SQS queues and SNS topics in moto's state.

Lambda sends the record of an asynchronous invocation to its destination (:mod:`.async_invoke`), and
EventBridge Scheduler an event it couldn't deliver to its dead-letter queue (:mod:`.schedules`). Both
are written here straight into moto's backends, so ``ReceiveMessage`` finds them as if the service had
called ``SendMessage`` or ``Publish``. Other destinations (a function, an event bus, a bucket) aren't
delivered to: :func:`deliverable` says so, and the API that names one refuses it.
"""

from __future__ import annotations

from moto.sns.exceptions import TopicNotFound
from moto.sns.models import sns_backends
from moto.sqs.exceptions import QueueDoesNotExist
from moto.sqs.models import sqs_backends

# The action a service needs on each kind of destination, as IAM names it.
SEND_ACTIONS = {"sqs": "sqs:SendMessage", "sns": "sns:Publish"}


def parts(arn: str) -> tuple[str, str, str, str]:
    """('sqs', 'us-east-1', '123456789012', 'name') from arn:aws:sqs:us-east-1:123456789012:name."""
    fields = arn.split(":", 5)
    if len(fields) < 6:
        return ("", "", "", arn)
    return (fields[2], fields[3], fields[4], fields[5])


def deliverable(arn: str) -> bool:
    return parts(arn)[0] in SEND_ACTIONS


def exists(arn: str) -> bool:
    """Whether the queue or topic is in moto's state."""
    service, region, account, name = parts(arn)
    try:
        if service == "sqs":
            sqs_backends[account][region].get_queue(name)
        elif service == "sns":
            sns_backends[account][region].get_topic(arn)
        else:
            return False
    except (QueueDoesNotExist, TopicNotFound):
        return False
    return True


def send(arn: str, body: str, attributes: dict[str, str | int] | None = None) -> None:
    """SendMessage to a queue (with message attributes, numbers as Number) or Publish to a topic."""
    service, region, account, name = parts(arn)
    if service == "sqs":
        typed = {
            key: {"DataType": "Number" if isinstance(value, int) else "String", "StringValue": str(value)}
            for key, value in (attributes or {}).items()
        }
        sqs_backends[account][region].send_message(name, body, message_attributes=typed)
    elif service == "sns":
        sns_backends[account][region].publish(body, arn=arn)
    else:
        raise ValueError(f"the stand-in delivers to SQS queues and SNS topics only, not {arn}")
