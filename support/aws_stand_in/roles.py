"""What a role's own policies allow, for the checks AWS services make before they act as the role.

moto evaluates no policy when a service acts for a role, yet AWS refuses what the role may not do:
Lambda won't attach a function to a VPC, or send its failed events to a queue, unless the execution
role may (:mod:`.function_model`, :mod:`.event_invoke_config`); EventBridge Scheduler can't invoke a
target its schedule's role may not invoke (:mod:`.schedules`). This reads the role's inline and attached
policies from moto's IAM: an action on a resource is allowed when an Allow statement matches both (``*``
and ``?`` as IAM's wildcards) and no Deny statement does. Conditions, ``NotAction``, ``NotResource``,
permission boundaries and resource policies are not evaluated.
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.iam.models import iam_backends

from support.aws_stand_in.account import ACCOUNT_ID


def statements(role_arn: str) -> list[dict[str, Any]]:
    """Every statement of the role's inline and attached policies; none for a role that doesn't exist."""
    iam = iam_backends[ACCOUNT_ID]["global"]
    role = next((role for role in iam.roles.values() if role.arn == role_arn), None)
    if role is None:
        return []
    documents = [json.loads(document) if isinstance(document, str) else document for document in role.policies.values()]
    documents += [json.loads(policy.document) for policy in role.managed_policies.values()]
    found: list[dict[str, Any]] = []
    for document in documents:
        statement = document["Statement"]
        found += statement if isinstance(statement, list) else [statement]
    return found


def as_list(value: str | list[str] | None) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def allowed_actions(role_arn: str) -> list[str]:
    """The action patterns a role's Allow statements grant, on whatever resource."""
    return [
        action
        for statement in statements(role_arn)
        if statement.get("Effect") == "Allow"
        for action in as_list(statement.get("Action"))
    ]


def wildcard_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's wildcards: ``*`` any run of characters, ``?`` any one; action names ignore case, ARNs don't."""
    expression = re.escape(pattern).replace(r"\*", ".*").replace(r"\?", ".")
    return re.fullmatch(expression, value, re.IGNORECASE if ignore_case else 0) is not None


def matches(statement: dict[str, Any], action: str, resource: str) -> bool:
    actions = as_list(statement.get("Action"))
    resources = as_list(statement.get("Resource"))
    return any(wildcard_match(pattern, action, ignore_case=True) for pattern in actions) and any(
        wildcard_match(pattern, resource) for pattern in resources
    )


def allows(role_arn: str, action: str, resource: str) -> bool:
    """Whether the role's policies allow ``action`` (``sqs:SendMessage``) on ``resource`` (an ARN)."""
    found = [statement for statement in statements(role_arn) if matches(statement, action, resource)]
    denied = any(statement.get("Effect") == "Deny" for statement in found)
    return not denied and any(statement.get("Effect") == "Allow" for statement in found)
