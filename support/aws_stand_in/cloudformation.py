"""CloudFormation as moto 5.2.5 lacks it: the resource types a deploy's stacks hold, and moto's stacks corrected.

moto skips resource types it has no model for, with a warning: a stack holding an HTTP API (what
Zappa deploys for ``apigateway_version: v2``), a Secrets Manager secret, a bucket policy, an OIDC
provider, an RDS instance, a CloudWatch alarm, an SNS subscription or an EventBridge Scheduler schedule
"succeeds" with the resource missing. :func:`install` adds a model for each (:mod:`.http_api`,
:mod:`.secret_model`, :mod:`.access_models`, :mod:`.rds`, :mod:`.alarm_models`, :mod:`.schedule_model`;
what they share is :mod:`.resource_model`) and corrects where moto's own stacks differ from
CloudFormation (:mod:`.stack_corrections`).
"""

from __future__ import annotations

from moto.cloudformation import parsing

from support.aws_stand_in import (
    access_models,
    alarm_models,
    http_api,
    rds,
    schedule_model,
    secret_model,
    stack_corrections,
)


def install() -> list[str]:
    """Make moto's stacks see the models and corrections; returns the resource types added."""
    parsing.get_model_list.cache_clear()
    parsing.get_model_map.cache_clear()
    parsing.get_name_type_map.cache_clear()
    stack_corrections.install()
    models = (
        *http_api.MODELS,
        *secret_model.MODELS,
        *access_models.MODELS,
        *rds.MODELS,
        *alarm_models.MODELS,
        *schedule_model.MODELS,
    )
    return [model.cloudformation_type() for model in models]
