"""How Lambda treats a function's asynchronous events, per qualifier: ``*FunctionEventInvokeConfig(s)``.

moto 5.2.5 keeps one such configuration per function and ignores ``Qualifier``, so the alias requests
use and ``$LATEST`` would share their retries and destination. Here each qualifier (``$LATEST``, an
alias, a version) has its own, through Put, Get, Update, Delete and List, with Lambda's checks: at
most 2 retries, an event age of 60 s to 6 hours, a qualifier that exists, and a destination that
exists and that the function's execution role may send to (on the destination's ARN, see
:mod:`.roles`), with Lambda's messages. :mod:`.async_invoke` reads the configuration when it runs or
retries an event. Answers take the shapes of botocore's Lambda model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from support.aws_stand_in import destinations, roles
from support.aws_stand_in.account import function_arn, split_function_name
from support.aws_stand_in.lambda_api import LambdaError, backend, require_function
from support.aws_stand_in.operations import Call

# What Lambda does with an event when the qualifier has no configuration.
DEFAULTS = {"MaximumRetryAttempts": 2, "MaximumEventAgeInSeconds": 21600}
LIMITS = {"MaximumRetryAttempts": (0, 2), "MaximumEventAgeInSeconds": (60, 21600)}
SETTINGS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")


def invalid(message: str) -> LambdaError:
    return LambdaError(400, "InvalidParameterValueException", message)


@dataclass
class EventInvokeConfigs:
    """The configurations, by (region, function name, qualifier)."""

    configs: dict[tuple[str, str, str], dict[str, Any]] = field(default_factory=dict)

    HANDLED = {
        "PutFunctionEventInvokeConfig",
        "GetFunctionEventInvokeConfig",
        "UpdateFunctionEventInvokeConfig",
        "DeleteFunctionEventInvokeConfig",
        "ListFunctionEventInvokeConfigs",
    }

    def answer(self, call: Call) -> tuple[int, dict | None]:
        """(status, JSON body) for one of the HANDLED operations."""
        name, qualifier = split_function_name(call.path_params["FunctionName"], call.query.get("Qualifier"))
        require_function(call.region, name)
        if call.operation == "ListFunctionEventInvokeConfigs":
            listed = [config for key, config in self.configs.items() if key[:2] == (call.region, name)]
            return 200, {"FunctionEventInvokeConfigs": listed}
        key = self._key(call.region, name, qualifier)
        if call.operation == "PutFunctionEventInvokeConfig":
            return 200, self._store(key, call.body or {})
        if key not in self.configs:
            arn = function_arn(*key)
            raise LambdaError(404, "ResourceNotFoundException", f"The function {arn} doesn't have an EventInvokeConfig")
        if call.operation == "UpdateFunctionEventInvokeConfig":
            current = {name: self.configs[key][name] for name in SETTINGS if name in self.configs[key]}
            return 200, self._store(key, {**current, **(call.body or {})})
        if call.operation == "DeleteFunctionEventInvokeConfig":
            del self.configs[key]
            return 204, None
        return 200, self.configs[key]

    def settings(self, region: str, name: str, qualifier: str) -> dict[str, Any]:
        """What applies to an event for this qualifier: its configuration over Lambda's defaults."""
        return {**DEFAULTS, "DestinationConfig": {}, **self.configs.get((region, name, qualifier), {})}

    def forget_function(self, region: str, name: str) -> None:
        """DeleteFunction: its configurations go with it."""
        for key in [key for key in self.configs if key[:2] == (region, name)]:
            del self.configs[key]

    def _key(self, region: str, name: str, qualifier: str | None) -> tuple[str, str, str]:
        qualifier = qualifier or "$LATEST"
        try:
            backend(region).get_function(name, qualifier)
        except Exception as error:  # moto's UnknownFunctionException, for an alias or version
            message = f"Function not found: {function_arn(region, name, qualifier)}"
            raise LambdaError(404, "ResourceNotFoundException", message) from error
        return (region, name, qualifier)

    def _store(self, key: tuple[str, str, str], body: dict[str, Any]) -> dict[str, Any]:
        check_limits(body)
        role = backend(key[0]).get_function(key[1], key[2]).role
        for destination in (body.get("DestinationConfig") or {}).values():
            check_destination(role, destination.get("Destination", ""))
        config = {name: body[name] for name in SETTINGS if name in body}
        self.configs[key] = {"LastModified": time.time(), "FunctionArn": function_arn(*key), **config}
        return self.configs[key]


def check_limits(body: dict[str, Any]) -> None:
    """Lambda's range checks, with the message AWS's request validation gives."""
    for name, (low, high) in LIMITS.items():
        value = body.get(name)
        if value is None:
            continue
        bound = f"greater than or equal to {low}" if value < low else f"less than or equal to {high}"
        if not low <= value <= high:
            member = name[0].lower() + name[1:]
            message = (
                f"1 validation error detected: Value '{value}' at '{member}' failed to satisfy constraint: "
                f"Member must have value {bound}"
            )
            raise LambdaError(400, "ValidationException", message)


def check_destination(role_arn: str, arn: str) -> None:
    """The destination exists and the function's execution role may send to it, or Lambda refuses it."""
    if not destinations.deliverable(arn):
        raise invalid(f"The stand-in delivers invocation records to SQS queues and SNS topics only, not {arn}")
    if not destinations.exists(arn):
        raise invalid(f"The destination ARN {arn} is invalid.")
    action = destinations.SEND_ACTIONS[destinations.parts(arn)[0]]
    if not roles.allows(role_arn, action, arn):
        verb = action.split(":")[1]
        raise invalid(f"The function's execution role does not have permissions to call {verb} on {arn}")
