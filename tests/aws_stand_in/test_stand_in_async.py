"""The stand-in's asynchronous invocations and event invoke configurations, against a probe function
(conftest.py): an event is answered 202 at once and run later, retried with its request ID, and recorded in
the qualifier's on-failure destination in Lambda's shape; configurations are per qualifier, with Lambda's checks."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError
from stand_in_probe import (
    FUNCTION,
    REGION,
    RETRY_DELAYS,
    attempts,
    error_code,
    function_arn,
    pending,
    queue_arn,
    received,
)

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("aws-stand-in")]  # one stand-in, in one worker


def test_an_event_is_answered_at_once_and_run_later(aws, probe):
    event = {"label": "slow", "sleep": 2}

    started = time.monotonic()
    response = probe.lam.invoke(FunctionName=FUNCTION, InvocationType="Event", Payload=json.dumps(event))
    answered_in = time.monotonic() - started
    request_id = response["ResponseMetadata"]["RequestId"]
    not_yet = attempts(aws, request_id)
    waiting = pending(aws)
    aws.wait_for_async(timeout=60)

    assert response["StatusCode"] == 202 and answered_in < 1.5
    assert not_yet == [] and waiting >= 1
    (ran,) = attempts(aws, request_id)
    assert ran["event"] == event and ran["error_type"] is None
    assert (ran["invocation_type"], ran["attempt"], ran["qualifier"]) == ("Event", 1, "$LATEST")


def test_an_event_sent_with_urllib_is_queued_and_recorded_as_json(aws, probe):
    """As config/lambda_tasks.py sends it: signed by hand, with urllib's default form Content-Type."""
    event = {"task": {"id": "by-hand"}}
    credential = f"Credential=testing/20260101/{REGION}/lambda/aws4_request"
    request = urllib.request.Request(
        f"{aws.url}/2015-03-31/functions/{FUNCTION}/invocations?Qualifier=live",
        data=json.dumps(event).encode(),
        headers={
            "Authorization": f"AWS4-HMAC-SHA256 {credential}, SignedHeaders=host, Signature=0",
            "X-Amz-Invocation-Type": "Event",
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        status, request_id = response.status, response.headers["x-amzn-RequestId"]
    aws.wait_for_async(timeout=60)

    assert status == 202
    [call] = [call for call in aws.calls() if call["operation"] == "Invoke" and call["body"] == event]
    assert (call["service"], call["path_params"], call["query"]) == (
        "lambda",
        {"FunctionName": FUNCTION},
        {"Qualifier": "live"},
    )
    [ran] = attempts(aws, request_id)
    assert (ran["event"], ran["qualifier"]) == (event, "live")


def test_an_event_lambda_would_refuse_is_refused_at_once(probe):
    with pytest.raises(ClientError) as too_large:
        probe.lam.invoke(FunctionName=FUNCTION, InvocationType="Event", Payload=b'"' + b"x" * 1048575 + b'"')
    with pytest.raises(ClientError) as no_alias:
        probe.lam.invoke(FunctionName=FUNCTION, Qualifier="nowhere", InvocationType="Event", Payload=b"{}")

    status, code, message = error_code(too_large)
    assert (status, code) == (413, "RequestEntityTooLargeException")
    assert message == "1048577 byte payload is too large for the Event invocation type (limit 1048576 bytes)"
    assert error_code(no_alias)[:2] == (404, "ResourceNotFoundException")


def test_a_failing_event_is_retried_with_its_request_id_then_recorded(aws, probe):
    probe.lam.put_function_event_invoke_config(
        FunctionName=FUNCTION,
        Qualifier="live",
        MaximumRetryAttempts=2,
        MaximumEventAgeInSeconds=21600,
        DestinationConfig={"OnFailure": {"Destination": queue_arn("probe-a")}},
    )
    event = {"label": "doomed", "fail": True}

    started = time.monotonic()
    response = probe.lam.invoke(
        FunctionName=FUNCTION, Qualifier="live", InvocationType="Event", Payload=json.dumps(event)
    )
    aws.wait_for_async(timeout=60)
    took = time.monotonic() - started
    request_id = response["ResponseMetadata"]["RequestId"]

    ran = attempts(aws, request_id)
    assert [entry["attempt"] for entry in ran] == [1, 2, 3]
    assert all(entry["error_type"] and entry["invocation_type"] == "Event" for entry in ran)
    assert {(entry["qualifier"], entry["version"]) for entry in ran} == {("live", "1")}
    assert took >= sum(RETRY_DELAYS)
    (message,) = received(probe.sqs, probe.queues["a"])
    record = json.loads(message["Body"])
    assert record["version"] == "1.0" and record["timestamp"].endswith("Z")
    assert record["requestContext"] == {
        "requestId": request_id,
        "functionArn": function_arn(FUNCTION, "live"),
        "condition": "RetriesExhausted",
        "approximateInvokeCount": 3,
    }
    assert record["requestPayload"] == event
    assert record["responseContext"] == {"statusCode": 200, "executedVersion": "1", "functionError": "Unhandled"}
    assert record["responsePayload"]["errorType"] == "RuntimeError"
    assert record["responsePayload"]["errorMessage"] == f"asked to fail in {request_id}"  # the runtime saw the same ID


def test_no_retries_means_one_attempt(aws, probe):
    probe.lam.put_function_event_invoke_config(
        FunctionName=FUNCTION,
        Qualifier="$LATEST",
        MaximumRetryAttempts=0,
        DestinationConfig={"OnFailure": {"Destination": queue_arn("probe-c")}},
    )

    response = probe.lam.invoke(FunctionName=FUNCTION, InvocationType="Event", Payload=b'{"fail": true}')
    aws.wait_for_async(timeout=60)

    request_id = response["ResponseMetadata"]["RequestId"]
    assert [entry["attempt"] for entry in attempts(aws, request_id)] == [1]
    (message,) = received(probe.sqs, probe.queues["c"])
    context = json.loads(message["Body"])["requestContext"]
    assert (context["requestId"], context["approximateInvokeCount"]) == (request_id, 1)
    assert context["functionArn"] == function_arn(FUNCTION, "$LATEST")


def test_event_invoke_configs_are_per_qualifier_with_lambdas_checks(probe):
    lam, on_failure = probe.lam, {"OnFailure": {"Destination": queue_arn("probe-a")}}
    lam.put_function_event_invoke_config(
        FunctionName=FUNCTION, Qualifier="live", MaximumRetryAttempts=1, DestinationConfig=on_failure
    )
    lam.put_function_event_invoke_config(FunctionName=FUNCTION, Qualifier="$LATEST", MaximumEventAgeInSeconds=60)
    lam.update_function_event_invoke_config(FunctionName=FUNCTION, Qualifier="live", MaximumEventAgeInSeconds=120)

    live = lam.get_function_event_invoke_config(FunctionName=FUNCTION, Qualifier="live")
    latest = lam.get_function_event_invoke_config(FunctionName=FUNCTION)
    listed = lam.list_function_event_invoke_configs(FunctionName=FUNCTION)["FunctionEventInvokeConfigs"]
    assert (live["FunctionArn"], live["MaximumRetryAttempts"], live["MaximumEventAgeInSeconds"]) == (
        function_arn(FUNCTION, "live"),
        1,
        120,
    )
    assert live["DestinationConfig"] == on_failure
    assert (latest["FunctionArn"], latest["MaximumEventAgeInSeconds"]) == (function_arn(FUNCTION, "$LATEST"), 60)
    assert "MaximumRetryAttempts" not in latest and "DestinationConfig" not in latest
    assert sorted(config["FunctionArn"] for config in listed) == sorted([live["FunctionArn"], latest["FunctionArn"]])

    refusals = {}
    for case, arguments in {
        "role": {"Qualifier": "live", "DestinationConfig": {"OnFailure": {"Destination": queue_arn("probe-b")}}},
        "no queue": {"Qualifier": "live", "DestinationConfig": {"OnFailure": {"Destination": queue_arn("nowhere")}}},
        "retries": {"Qualifier": "live", "MaximumRetryAttempts": 3},
        "age": {"Qualifier": "live", "MaximumEventAgeInSeconds": 21601},  # botocore itself refuses < 60
        "alias": {"Qualifier": "nowhere", "MaximumRetryAttempts": 0},
    }.items():
        with pytest.raises(ClientError) as refused:
            lam.put_function_event_invoke_config(FunctionName=FUNCTION, **arguments)
        refusals[case] = error_code(refused)
    assert refusals["role"] == (
        400,
        "InvalidParameterValueException",
        f"The function's execution role does not have permissions to call SendMessage on {queue_arn('probe-b')}",
    )
    assert refusals["no queue"][:2] == (400, "InvalidParameterValueException")
    assert refusals["retries"][:2] == refusals["age"][:2] == (400, "ValidationException")
    assert refusals["alias"][:2] == (404, "ResourceNotFoundException")

    lam.delete_function_event_invoke_config(FunctionName=FUNCTION, Qualifier="$LATEST")
    with pytest.raises(ClientError) as gone:
        lam.get_function_event_invoke_config(FunctionName=FUNCTION, Qualifier="$LATEST")
    assert error_code(gone)[:2] == (404, "ResourceNotFoundException")
    assert lam.get_function_event_invoke_config(FunctionName=FUNCTION, Qualifier="live")["MaximumRetryAttempts"] == 1
