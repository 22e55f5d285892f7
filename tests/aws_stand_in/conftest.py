"""One AWS stand-in, with its retry delays shortened further, and the probe function in it, for this folder's tests."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from helpers import CACHE_DIR, runtime_python
from stand_in_probe import FUNCTION, REGION, RETRY_DELAYS, create_probe, make_role, queue_arn

from support.aws_stand_in import StandIn


@pytest.fixture(scope="session")
def aws(tmp_path_factory) -> StandIn:
    interpreters = {"python3.13": runtime_python("python3.13")}
    work_dir = tmp_path_factory.mktemp("aws")
    with StandIn(work_dir, CACHE_DIR, interpreters, async_retry_delays=RETRY_DELAYS) as stand_in:
        yield stand_in


@pytest.fixture(scope="session")
def probe(aws) -> SimpleNamespace:
    """The function, version 1 behind the alias ``live``, its role (which may send to two of three queues)."""
    sqs = aws.client("sqs", REGION)
    queues = {name: sqs.create_queue(QueueName=f"probe-{name}")["QueueUrl"] for name in ("a", "b", "c")}
    allowed = [queue_arn("probe-a"), queue_arn("probe-c")]
    role = make_role(
        aws,
        "probe-role",
        "lambda.amazonaws.com",
        [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": allowed}],
    )
    lam = aws.client("lambda", REGION)
    create_probe(lam, FUNCTION, role)
    lam.publish_version(FunctionName=FUNCTION)
    lam.create_alias(FunctionName=FUNCTION, Name="live", FunctionVersion="1")
    return SimpleNamespace(lam=lam, sqs=sqs, queues=queues, role=role)
