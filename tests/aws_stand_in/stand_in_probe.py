"""The probe of the stand-in's tests: a tiny function run under awslambdaric, and what the tests read back.

The function logs, sleeps, fails or reports the credentials it found, as each event asks; conftest.py
deploys it once (version 1 behind the alias ``live``) in one stand-in for the tests of this folder.
"""

from __future__ import annotations

import io
import json
import urllib.request
import zipfile

import pytest

from support.aws_stand_in import ACCOUNT_ID, StandIn

REGION = "us-east-1"
FUNCTION = "stand-in-probe"
RETRY_DELAYS = (0.5, 1.0)
FUNCTION_CODE = """
import logging
import os
import time

KEY_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def lambda_handler(event, context):
    logging.getLogger().info("handling %s", event.get("label"))
    logging.getLogger().warning("label %s", event.get("label"))
    time.sleep(event.get("sleep", 0))
    logging.getLogger().warning("done %s", event.get("label"))
    if event.get("fail"):
        raise RuntimeError(f"asked to fail in {context.aws_request_id}")
    answer = {"request_id": context.aws_request_id}
    if event.get("credentials"):
        import boto3

        session = boto3.Session()
        answer["credentials"] = session.get_credentials().method
        answer["account"] = session.client("sts").get_caller_identity()["Account"]
        answer["key_variables"] = sorted(name for name in KEY_VARIABLES if name in os.environ)
        answer["container_uri"] = os.environ.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")
    return answer
"""


def function_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        info = zipfile.ZipInfo("lambda_function.py")
        info.external_attr = 0o644 << 16
        archive.writestr(info, FUNCTION_CODE)
    return buffer.getvalue()


def queue_arn(name: str) -> str:
    return f"arn:aws:sqs:{REGION}:{ACCOUNT_ID}:{name}"


def function_arn(name: str, qualifier: str | None = None) -> str:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT_ID}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def make_role(aws: StandIn, name: str, service: str, statements: list[dict]) -> str:
    iam = aws.client("iam", REGION)
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": statements}
    iam.put_role_policy(RoleName=name, PolicyName="own", PolicyDocument=json.dumps(policy))
    return arn


def attempts(aws: StandIn, request_id: str) -> list[dict]:
    return [entry for entry in aws.invocations() if entry["request_id"] == request_id]


def received(sqs, queue_url: str) -> list[dict]:
    return sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]).get(
        "Messages", []
    )


def pending(aws: StandIn) -> int:
    with urllib.request.urlopen(aws.url + "/_stand_in/async", timeout=10) as response:
        return json.load(response)["pending"]


def error_code(error: pytest.ExceptionInfo) -> tuple[int, str, str]:
    response = error.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"], response["Error"]["Message"]


def create_probe(lam, name: str, role: str, **settings) -> None:
    """A function of the probe's code, under ``name``, with ``settings`` (SnapStart, say) added."""
    lam.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": function_zip()},
        Timeout=30,
        **settings,
    )
