"""What the AWS stand-in (support/aws_stand_in) adds to moto for the generated project's deploy and run time,
each proved against a real stand-in with boto3 and a tiny function run under awslambdaric:

- asynchronous invocations: answered 202 at once, run later, retried with the same request ID, and
  recorded in the qualifier's on-failure destination in Lambda's shape;
- event invoke configurations per qualifier, with Lambda's checks;
- the JSON log format (LoggingConfig), kept by the versions published after it; each invocation's own log
  lines, when an event and a request share an environment;
- container credentials for a SnapStart version; version numbers never reused;
- CloudWatch alarms, SNS subscriptions and Scheduler schedules in stacks, and firing a schedule.

One stand-in and one function serve the whole module; the waits between retries are shortened further.
"""

from __future__ import annotations

import base64
import io
import json
import time
import urllib.error
import urllib.request
import zipfile
from types import SimpleNamespace

import pytest
from botocore.exceptions import ClientError
from helpers import CACHE_DIR, runtime_python

from support.aws_stand_in import ACCOUNT_ID, StandIn

pytestmark = pytest.mark.slow

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


@pytest.fixture(scope="module")
def aws(tmp_path_factory) -> StandIn:
    interpreters = {"python3.13": runtime_python("python3.13")}
    work_dir = tmp_path_factory.mktemp("aws")
    with StandIn(work_dir, CACHE_DIR, interpreters, async_retry_delays=RETRY_DELAYS) as stand_in:
        yield stand_in


def make_role(aws: StandIn, name: str, service: str, statements: list[dict]) -> str:
    iam = aws.client("iam", REGION)
    trust = {"Statement": [{"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}]}
    arn = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    policy = {"Version": "2012-10-17", "Statement": statements}
    iam.put_role_policy(RoleName=name, PolicyName="own", PolicyDocument=json.dumps(policy))
    return arn


@pytest.fixture(scope="module")
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
    lam.create_function(
        FunctionName=FUNCTION,
        Runtime="python3.13",
        Role=role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": function_zip()},
        Timeout=30,
    )
    lam.publish_version(FunctionName=FUNCTION)
    lam.create_alias(FunctionName=FUNCTION, Name="live", FunctionVersion="1")
    return SimpleNamespace(lam=lam, sqs=sqs, queues=queues, role=role)


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


def tail(response: dict) -> list[str]:
    return base64.b64decode(response["LogResult"]).decode().splitlines()


def json_lines(lines: list[str]) -> list[dict]:
    found = []
    for line in lines:
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return [item for item in found if isinstance(item, dict)]


def test_the_json_log_format_is_kept_and_reaches_the_runtime(probe):
    lam, wanted = probe.lam, {"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO"}
    lam.update_function_configuration(FunctionName=FUNCTION, LoggingConfig=wanted)
    lam.get_waiter("function_updated_v2").wait(FunctionName=FUNCTION)
    published = lam.publish_version(FunctionName=FUNCTION)["Version"]

    latest = lam.get_function_configuration(FunctionName=FUNCTION)["LoggingConfig"]
    before = lam.get_function_configuration(FunctionName=FUNCTION, Qualifier="1")["LoggingConfig"]
    after = lam.get_function_configuration(FunctionName=FUNCTION, Qualifier=published)["LoggingConfig"]
    assert latest == after == {**wanted, "LogGroup": f"/aws/lambda/{FUNCTION}"}
    assert before == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{FUNCTION}"}  # published before the change

    as_json = lam.invoke(FunctionName=FUNCTION, Qualifier=published, LogType="Tail", Payload=b'{"label": "json"}')
    as_text = lam.invoke(FunctionName=FUNCTION, Qualifier="1", LogType="Tail", Payload=b'{"label": "text"}')
    json_id, text_id = (response["ResponseMetadata"]["RequestId"] for response in (as_json, as_text))
    assert json.loads(as_json["Payload"].read())["request_id"] == json_id
    records = {item.get("message"): item for item in json_lines(tail(as_json))}
    assert records["handling json"]["level"] == "INFO" and records["label json"]["level"] == "WARNING"
    assert {records[message]["requestId"] for message in ("handling json", "label json")} == {json_id}
    assert json_lines(tail(as_text)) == []
    assert any(line.startswith("[WARNING]") and text_id in line and "label text" in line for line in tail(as_text))
    assert not any("handling text" in line for line in tail(as_text))  # awslambdaric's text default: WARNING


def test_a_request_behind_an_event_gets_only_its_own_log(aws, probe):
    """The event and the request run one after the other in the version's one warm environment: the
    request's log starts when it does, not when it was queued while the event still ran (and logged)."""
    background = {"label": "background", "sleep": 1}
    probe.lam.invoke(FunctionName=FUNCTION, Qualifier="1", InvocationType="Event", Payload=json.dumps(background))
    time.sleep(0.2)  # the event is running
    response = probe.lam.invoke(FunctionName=FUNCTION, Qualifier="1", LogType="Tail", Payload=b'{"label": "fore"}')
    aws.wait_for_async(timeout=60)

    lines = tail(response)
    assert any("label fore" in line for line in lines) and not any("background" in line for line in lines)


def test_a_snapstart_version_gets_container_credentials(aws, probe):
    lam, name = probe.lam, "stand-in-probe-snapstart"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=probe.role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": function_zip()},
        Timeout=30,
        SnapStart={"ApplyOn": "PublishedVersions"},
    )
    version = lam.publish_version(FunctionName=name)["Version"]

    restored = json.loads(
        lam.invoke(FunctionName=name, Qualifier=version, Payload=b'{"credentials": true}')["Payload"].read()
    )
    unpublished = json.loads(lam.invoke(FunctionName=name, Payload=b'{"credentials": true}')["Payload"].read())

    assert restored["credentials"] == "container-role" and restored["key_variables"] == []
    assert restored["container_uri"] == aws.url + "/_stand_in/credentials"
    assert restored["account"] == unpublished["account"] == ACCOUNT_ID  # boto3 inside the function still works
    assert unpublished["credentials"] == "env" and unpublished["container_uri"] is None
    assert unpublished["key_variables"] == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    assert aws.invocations()[-2]["snap_start"] is True
    for headers in ({}, {"Authorization": "not-a-token-it-issued"}):
        request = urllib.request.Request(aws.url + "/_stand_in/credentials", headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401


def test_a_version_number_is_never_reused(probe):
    """Zappa deletes old versions; the next one is numbered after the highest, as Lambda numbers it."""
    lam, name = probe.lam, "stand-in-probe-versions"
    lam.create_function(
        FunctionName=name,
        Runtime="python3.13",
        Role=probe.role,
        Handler="lambda_function.lambda_handler",
        Code={"ZipFile": function_zip()},
    )
    published = []
    for description in ("first", "second", "third"):
        lam.update_function_configuration(FunctionName=name, Description=description)
        published.append(lam.publish_version(FunctionName=name)["Version"])
        if description == "second":
            lam.delete_function(FunctionName=name, Qualifier="1")

    versions = [item["Version"] for item in lam.list_versions_by_function(FunctionName=name)["Versions"]]
    lam.delete_function(FunctionName=name)
    assert published == ["1", "2", "3"] and versions == ["$LATEST", "2", "3"]


# The monitoring and schedules of deploy/stack.yaml, in little: a queue, a topic with an e-mail
# subscription, alarms on both, and two schedules of the alias: one whose role may invoke it, one whose
# role may invoke only the unqualified function.
STACK_TEMPLATE = """
Parameters:
  DurationAlarmMilliseconds:
    Type: Number
    Default: 27000
Resources:
  DeadLetterQueue:
    Type: AWS::SQS::Queue
    Properties:
      QueueName: {prefix}-failed-events
  AlarmTopic:
    Type: AWS::SNS::Topic
    Properties:
      TopicName: {prefix}-alarms
  AlarmEmailSubscription:
    Type: AWS::SNS::Subscription
    Properties:
      TopicArn: !Ref AlarmTopic
      Protocol: email
      Endpoint: ops@example.com
  DurationAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: {prefix}-duration
      Namespace: AWS/Lambda
      MetricName: Duration
      Dimensions:
        - Name: FunctionName
          Value: {function}
      Statistic: Maximum
      Period: 300
      EvaluationPeriods: 1
      Threshold: !Ref DurationAlarmMilliseconds
      ComparisonOperator: GreaterThanOrEqualToThreshold
      TreatMissingData: notBreaching
      AlarmActions: [!Ref AlarmTopic]
  DeadLetterAlarm:
    Type: AWS::CloudWatch::Alarm
    Properties:
      AlarmName: {prefix}-failed-events
      Namespace: AWS/SQS
      MetricName: ApproximateNumberOfMessagesVisible
      Dimensions:
        - Name: QueueName
          Value: !GetAtt DeadLetterQueue.QueueName
      Statistic: Maximum
      Period: 300
      EvaluationPeriods: 1
      Threshold: 1
      ComparisonOperator: GreaterThanOrEqualToThreshold
      AlarmActions: [!Ref AlarmTopic]
  SchedulerRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {{Effect: Allow, Principal: {{Service: scheduler.amazonaws.com}}, Action: sts:AssumeRole}}
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement:
              - {{Effect: Allow, Action: lambda:InvokeFunction, Resource: "{alias_arn}"}}
              - {{Effect: Allow, Action: sqs:SendMessage, Resource: !GetAtt DeadLetterQueue.Arn}}
  UnqualifiedRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - {{Effect: Allow, Principal: {{Service: scheduler.amazonaws.com}}, Action: sts:AssumeRole}}
      Policies:
        - PolicyName: invoke
          PolicyDocument:
            Statement:
              - {{Effect: Allow, Action: lambda:InvokeFunction, Resource: "{function_arn}"}}
              - {{Effect: Allow, Action: sqs:SendMessage, Resource: !GetAtt DeadLetterQueue.Arn}}
  ClearSessionsSchedule:
    Type: AWS::Scheduler::Schedule
    Properties:
      Name: {prefix}-clearsessions
      ScheduleExpression: cron(30 3 * * ? *)
      FlexibleTimeWindow: {{Mode: FLEXIBLE, MaximumWindowInMinutes: 60}}
      Target:
        Arn: "{alias_arn}"
        RoleArn: !GetAtt SchedulerRole.Arn
        Input: '{{"manage": "clearsessions", "schedule": "clearsessions"}}'
        DeadLetterConfig:
          Arn: !GetAtt DeadLetterQueue.Arn
  UndeliverableSchedule:
    Type: AWS::Scheduler::Schedule
    Properties:
      Name: {prefix}-undeliverable
      ScheduleExpression: rate(1 hour)
      FlexibleTimeWindow: {{Mode: "OFF"}}
      Target:
        Arn: "{alias_arn}"
        RoleArn: !GetAtt UnqualifiedRole.Arn
        Input: '{{"label": "never delivered"}}'
        DeadLetterConfig:
          Arn: !GetAtt DeadLetterQueue.Arn
"""


def stack_template(prefix: str) -> str:
    return STACK_TEMPLATE.format(
        prefix=prefix, function=FUNCTION, function_arn=function_arn(FUNCTION), alias_arn=function_arn(FUNCTION, "live")
    )


def make_stack(aws: StandIn, prefix: str) -> None:
    aws.client("cloudformation", REGION).create_stack(
        StackName=prefix, TemplateBody=stack_template(prefix), Capabilities=["CAPABILITY_IAM"]
    )


def test_alarms_subscriptions_and_schedules_come_and_go_with_their_stack(aws, probe):
    make_stack(aws, "monitoring")
    cloudwatch, sns, scheduler = (aws.client(service, REGION) for service in ("cloudwatch", "sns", "scheduler"))
    topic = f"arn:aws:sns:{REGION}:{ACCOUNT_ID}:monitoring-alarms"
    names = ["monitoring-duration", "monitoring-failed-events"]

    alarms = {alarm["AlarmName"]: alarm for alarm in cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]}
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    schedule = scheduler.get_schedule(Name="monitoring-clearsessions")

    duration, dead_letters = alarms["monitoring-duration"], alarms["monitoring-failed-events"]
    assert (duration["Namespace"], duration["MetricName"], duration["Threshold"]) == ("AWS/Lambda", "Duration", 27000.0)
    assert duration["Dimensions"] == [{"Name": "FunctionName", "Value": FUNCTION}]
    assert dead_letters["Dimensions"] == [{"Name": "QueueName", "Value": "monitoring-failed-events"}]
    assert {alarm["StateValue"] for alarm in alarms.values()} == {"INSUFFICIENT_DATA"}
    assert all(alarm["AlarmActions"] == [topic] for alarm in alarms.values())
    assert [(item["Protocol"], item["Endpoint"], item["SubscriptionArn"]) for item in subscriptions] == [
        ("email", "ops@example.com", "PendingConfirmation")
    ]
    target = schedule["Target"]
    assert (target["Arn"], target["DeadLetterConfig"]["Arn"]) == (
        function_arn(FUNCTION, "live"),
        queue_arn("monitoring-failed-events"),
    )
    assert json.loads(target["Input"]) == {"manage": "clearsessions", "schedule": "clearsessions"}
    assert target["RoleArn"].startswith(f"arn:aws:iam::{ACCOUNT_ID}:role/") and schedule["State"] == "ENABLED"

    aws.client("cloudformation", REGION).delete_stack(StackName="monitoring")

    assert cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"] == []
    assert [item for item in sns.list_subscriptions()["Subscriptions"] if item["TopicArn"] == topic] == []
    with pytest.raises(ClientError) as gone:
        scheduler.get_schedule(Name="monitoring-clearsessions")
    assert error_code(gone)[1] == "ResourceNotFoundException"


def test_a_fired_schedule_invokes_its_target_or_dead_letters_its_event(aws, probe):
    make_stack(aws, "scheduled")
    dead_letters = probe.sqs.get_queue_url(QueueName="scheduled-failed-events")["QueueUrl"]

    fired = aws.fire_schedule("scheduled-clearsessions", REGION)
    undelivered = aws.fire_schedule("scheduled-undeliverable", REGION)
    aws.wait_for_async(timeout=60)

    assert fired["delivered"] is True
    (ran,) = attempts(aws, fired["request_id"])
    assert ran["event"] == {"manage": "clearsessions", "schedule": "clearsessions"}
    assert (ran["qualifier"], ran["invocation_type"], ran["error_type"]) == ("live", "Event", None)
    assert undelivered["delivered"] is False and undelivered["error_code"] == "AccessDeniedException"
    assert undelivered["dead_letter_queue"] == queue_arn("scheduled-failed-events")
    (message,) = received(probe.sqs, dead_letters)
    assert json.loads(message["Body"]) == {"label": "never delivered"}
    attributes = {name: value["StringValue"] for name, value in message["MessageAttributes"].items()}
    assert attributes["ERROR_CODE"] == "AccessDeniedException"
    assert attributes["TARGET_ARN"] == function_arn(FUNCTION, "live")
    assert (
        attributes["SCHEDULE_ARN"]
        == f"arn:aws:scheduler:{REGION}:{ACCOUNT_ID}:schedule/default/scheduled-undeliverable"
    )
    assert not [entry for entry in aws.invocations() if entry["event"] == {"label": "never delivered"}]
