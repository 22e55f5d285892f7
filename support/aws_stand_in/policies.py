"""Policy conditions as AWS evaluates them, where moto 5.2.5 differs.

moto evaluates only the StringEquals operator and treats any other condition as holding. A bucket
policy that denies plain-HTTP requests (``Bool: aws:SecureTransport: false``), as deploy/stack.yaml's
does, then refuses every request to the bucket. Here the ``aws:SecureTransport`` key is evaluated:
the stand-in listens on loopback without TLS, but it stands in for AWS's endpoints, which the SDKs
and the function reach over HTTPS, so the key is true. A statement whose condition doesn't hold
doesn't apply (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html).
"""

from __future__ import annotations

from typing import Any

from moto.iam import access_control

# Condition keys the stand-in knows the value of, for every request.
REQUEST_CONTEXT = {"aws:securetransport": "true"}


def known_conditions_hold(conditions: dict[str, dict[str, Any]]) -> bool:
    """False when a Bool condition on a key in REQUEST_CONTEXT doesn't match it."""
    for operator, tests in conditions.items():
        if operator.removesuffix("IfExists") != "Bool":
            continue
        for key, expected in tests.items():
            actual = REQUEST_CONTEXT.get(key.lower())
            allowed = {str(value).lower() for value in (expected if isinstance(expected, list) else [expected])}
            if actual is not None and actual not in allowed:
                return False
    return True


def evaluate_secure_transport() -> None:
    statement_class = access_control.IAMPolicyStatement
    original = statement_class.is_action_permitted

    def is_action_permitted(self, action: str, resource: str = "*", principal: Any = None, incoming: Any = None):
        if not known_conditions_hold(self._statement.get("Condition") or {}):
            return access_control.PermissionResult.NEUTRAL
        return original(self, action, resource, principal, incoming)

    statement_class.is_action_permitted = is_action_permitted
