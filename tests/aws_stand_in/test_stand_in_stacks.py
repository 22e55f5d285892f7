"""The stand-in's stack models (CloudWatch alarms, SNS subscriptions, Scheduler schedules), which come and
go with their stack, and a schedule fired: its target invoked asynchronously, or its event dead-lettered."""

from __future__ import annotations

import json

import pytest
from botocore.exceptions import ClientError
from stand_in_probe import (
    FUNCTION,
    REGION,
    attempts,
    error_code,
    function_arn,
    queue_arn,
    received,
)

from support.aws_stand_in import ACCOUNT_ID, StandIn

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("aws-stand-in")]  # one stand-in, in one worker


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
