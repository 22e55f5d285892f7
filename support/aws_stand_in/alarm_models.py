"""Alarms and where they notify, in stacks: CloudWatch alarms and SNS subscriptions, which moto 5.2.5 skips.

deploy/stack.yaml's alarms watch the function's errors, throttles and duration and the dead-letter
queue's depth, and notify a topic, which an e-mail address may subscribe to. Each is made through moto's
own CloudWatch or SNS backend, so ``DescribeAlarms`` and ``ListSubscriptionsByTopic`` answer as if they
had been made by their own API calls, and goes with its stack. As on AWS, a new alarm is in
``INSUFFICIENT_DATA`` until its metric is evaluated (moto says ``OK``), and an e-mail or HTTP
subscription waits for its owner's confirmation: it is listed as ``PendingConfirmation`` (moto confirms
it at once). Metric math alarms (``Metrics``) are not modelled.
"""

from __future__ import annotations

import json
from typing import Any

from moto.cloudwatch.models import cloudwatch_backends
from moto.core.common_models import CloudFormationModel
from moto.sns.models import sns_backends

from support.aws_stand_in.resource_model import ResourceModel

# Subscriptions AWS asks the endpoint's owner to confirm before it delivers anything.
CONFIRMED_BY_OWNER = ("email", "email-json", "http", "https")
SUBSCRIPTION_ATTRIBUTES = ("DeliveryPolicy", "FilterPolicy", "FilterPolicyScope", "RawMessageDelivery", "RedrivePolicy")


def _number(value: Any, kind: type) -> Any:
    """Parameters reach a model as strings ("27000"); moto's alarm keeps what it is given."""
    return None if value is None else kind(value)


class Alarm(ResourceModel, CloudFormationModel):
    """A CloudWatch metric alarm; Ref gives its name."""

    resource_type, name_property = "AWS::CloudWatch::Alarm", "AlarmName"
    attribute_names = ("Arn",)

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> Alarm:
        alarm = cloudwatch_backends[account_id][region_name].put_metric_alarm(
            name=resource_name,
            namespace=properties.get("Namespace"),
            metric_name=properties.get("MetricName"),
            comparison_operator=properties["ComparisonOperator"],
            evaluation_periods=_number(properties["EvaluationPeriods"], int),
            period=_number(properties.get("Period"), int),
            threshold=_number(properties.get("Threshold"), float),
            statistic=properties.get("Statistic"),
            description=properties.get("AlarmDescription"),
            dimensions=properties.get("Dimensions") or [],
            alarm_actions=properties.get("AlarmActions") or [],
            datapoints_to_alarm=_number(properties.get("DatapointsToAlarm"), int),
            extended_statistic=properties.get("ExtendedStatistic"),
            ok_actions=properties.get("OKActions") or [],
            insufficient_data_actions=properties.get("InsufficientDataActions") or [],
            unit=properties.get("Unit"),
            actions_enabled=properties.get("ActionsEnabled", True),
            treat_missing_data=properties.get("TreatMissingData"),
            evaluate_low_sample_count_percentile=properties.get("EvaluateLowSampleCountPercentile"),
            threshold_metric_id=properties.get("ThresholdMetricId"),
            tags=properties.get("Tags") or [],
        )
        alarm.state_value = "INSUFFICIENT_DATA"
        return cls.made(alarm.name, attributes={"Arn": alarm.alarm_arn})

    def delete(self, account_id: str, region_name: str) -> None:
        cloudwatch_backends[account_id][region_name].delete_alarms([self.physical_id])


class Subscription(ResourceModel, CloudFormationModel):
    """A subscription to an SNS topic; Ref gives its ARN."""

    resource_type = "AWS::SNS::Subscription"
    region: str

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> Subscription:
        region = properties.get("Region") or properties["TopicArn"].split(":")[3]
        backend = sns_backends[account_id][region]
        subscription = backend.subscribe(properties["TopicArn"], properties["Endpoint"], properties["Protocol"])
        for name in SUBSCRIPTION_ATTRIBUTES:
            if name in properties:
                value = properties[name]  # SNS takes every attribute as a string: a policy as JSON, true as "true"
                text = value if isinstance(value, str) else json.dumps(value)
                backend.set_subscription_attributes(subscription.arn, name, text)
        if properties["Protocol"] in CONFIRMED_BY_OWNER:
            subscription.attributes.update({"PendingConfirmation": "true", "ConfirmationWasAuthenticated": "false"})
            subscription.subscription_arn = "PendingConfirmation"  # what ListSubscriptions* show until confirmed
        return cls.made(subscription.arn, region=region)

    def delete(self, account_id: str, region_name: str) -> None:
        sns_backends[account_id][self.region].unsubscribe(self.physical_id)


MODELS = (Alarm, Subscription)
