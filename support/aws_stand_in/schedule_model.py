"""EventBridge Scheduler schedules in stacks (``AWS::Scheduler::Schedule``), which moto 5.2.5 skips.

deploy/stack.yaml's schedules invoke the function's serving alias with a fixed input, as a role of the
stack, with the stack's dead-letter queue for what can't be delivered. Each is made through moto's
Scheduler backend, so ``GetSchedule`` answers as if ``CreateSchedule`` had made it, and goes with its
stack. moto never fires a schedule: :mod:`.schedules` does, when a test asks.
"""

from __future__ import annotations

import contextlib
import copy
from datetime import datetime

from moto.core.common_models import CloudFormationModel
from moto.scheduler.exceptions import ScheduleGroupNotFound, ScheduleNotFound
from moto.scheduler.models import scheduler_backends

from support.aws_stand_in.resource_model import ResourceModel


def _epoch(value: str | None) -> float | None:
    """A template's ISO 8601 StartDate or EndDate as the epoch seconds moto's schedule keeps."""
    return None if value is None else datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


class Schedule(ResourceModel, CloudFormationModel):
    """A schedule; Ref gives its name, ``Arn`` its ARN."""

    resource_type, name_property = "AWS::Scheduler::Schedule", "Name"
    attribute_names = ("Arn",)
    group: str

    @classmethod
    def create(cls, resource_name: str, properties: dict, account_id: str, region_name: str) -> Schedule:
        schedule = scheduler_backends[account_id][region_name].create_schedule(
            description=properties.get("Description"),
            end_date=_epoch(properties.get("EndDate")),
            flexible_time_window=properties["FlexibleTimeWindow"],
            group_name=properties.get("GroupName"),
            kms_key_arn=properties.get("KmsKeyArn"),
            name=resource_name,
            schedule_expression=properties["ScheduleExpression"],
            schedule_expression_timezone=properties.get("ScheduleExpressionTimezone"),
            start_date=_epoch(properties.get("StartDate")),
            state=properties.get("State"),
            target=copy.deepcopy(properties["Target"]),  # moto adds the default RetryPolicy to what it is given
            action_after_completion=None,
        )
        return cls.made(schedule.name, attributes={"Arn": schedule.arn}, group=schedule.group_name)

    def delete(self, account_id: str, region_name: str) -> None:
        with contextlib.suppress(ScheduleNotFound, ScheduleGroupNotFound):  # deleted already, or with its group
            scheduler_backends[account_id][region_name].delete_schedule(self.group, self.physical_id)


MODELS = (Schedule,)
