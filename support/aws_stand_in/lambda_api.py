"""Lambda API operations moto 5.2.5 doesn't serve, answered beside moto's own functions.

- Function URLs on an alias: moto keeps one URL per function and ignores ``Qualifier``; it doesn't
  serve ``ListFunctionUrlConfigs`` at all (``zappa update`` calls it).
- Provisioned concurrency: moto doesn't serve ``Put/Get/Delete/ListProvisionedConcurrencyConfig``.

Both refuse what Lambda refuses: a URL goes on the function or an alias, never a numbered version;
provisioned concurrency on an alias or a version, never ``$LATEST``, nor with SnapStart. Each answer
takes the shape of the Lambda API reference (https://docs.aws.amazon.com/lambda/latest/api/), so boto3
and Zappa parse it as they would Lambda's.
What moto's function model gets wrong is corrected in :mod:`.function_model`; asynchronous invocation
settings per qualifier are served by :mod:`.event_invoke_config`.
"""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.awslambda import models as lambda_models
from moto.awslambda.exceptions import LambdaClientError

from support.aws_stand_in.account import ACCOUNT_ID, function_arn, split_function_name
from support.aws_stand_in.operations import Call


class LambdaError(Exception):
    """An error answer in Lambda's REST-JSON shape."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def backend(region: str):
    return lambda_models.lambda_backends[ACCOUNT_ID][region]


def require_function(region: str, name: str) -> Any:
    try:
        return backend(region).get_function(name)
    except LambdaClientError as error:
        raise LambdaError(
            404, "ResourceNotFoundException", f"Function not found: {function_arn(region, name)}"
        ) from error


def require_alias(region: str, name: str, alias: str) -> Any:
    try:
        return backend(region).get_alias(alias, name)
    except LambdaClientError as error:
        message = f"Alias not found: {function_arn(region, name, alias)}"
        raise LambdaError(404, "ResourceNotFoundException", message) from error


@dataclass
class LambdaExtras:
    """Function URLs per qualifier and provisioned concurrency, held beside moto's functions."""

    url_configs: dict[tuple[str, str, str | None], dict] = field(default_factory=dict)
    provisioned: dict[tuple[str, str, str], dict] = field(default_factory=dict)

    HANDLED = {
        "CreateFunctionUrlConfig",
        "GetFunctionUrlConfig",
        "UpdateFunctionUrlConfig",
        "DeleteFunctionUrlConfig",
        "ListFunctionUrlConfigs",
        "PutProvisionedConcurrencyConfig",
        "GetProvisionedConcurrencyConfig",
        "DeleteProvisionedConcurrencyConfig",
        "ListProvisionedConcurrencyConfigs",
    }

    def answer(self, call: Call) -> tuple[int, dict | None]:
        """(status, JSON body) for one of the HANDLED operations."""
        name, qualifier = split_function_name(call.path_params["FunctionName"], call.query.get("Qualifier"))
        require_function(call.region, name)
        handler = getattr(self, "_" + call.operation)
        return handler(call.region, name, qualifier, call.body or {})

    def forget_function(self, region: str, name: str) -> None:
        """DeleteFunction: its URLs and provisioned concurrency go with it."""
        for store in (self.url_configs, self.provisioned):
            for key in [key for key in store if key[:2] == (region, name)]:
                del store[key]

    # Function URLs ------------------------------------------------------------------------------

    def _url_key(self, region: str, name: str, qualifier: str | None) -> tuple[str, str, str | None]:
        if qualifier and qualifier != "$LATEST":
            if qualifier.isdigit():
                raise LambdaError(400, "ValidationException", "A function URL can't point to a numbered version")
            require_alias(region, name, qualifier)
        return (region, name, None if qualifier == "$LATEST" else qualifier)

    def _CreateFunctionUrlConfig(self, region, name, qualifier, body) -> tuple[int, dict]:
        key = self._url_key(region, name, qualifier)
        if key in self.url_configs:
            raise LambdaError(409, "ResourceConflictException", f"Function URL already exists for {name}")
        url_id = "".join(secrets.choice(string.ascii_lowercase + string.digits) for _ in range(32))
        self.url_configs[key] = {
            "FunctionUrl": f"https://{url_id}.lambda-url.{region}.on.aws/",
            "FunctionArn": function_arn(region, name, key[2]),
            "AuthType": body["AuthType"],
            "Cors": body.get("Cors", {}),
            "InvokeMode": body.get("InvokeMode", "BUFFERED"),
            "CreationTime": now(),
            "LastModifiedTime": now(),
        }
        return 201, self.url_configs[key]

    def _GetFunctionUrlConfig(self, region, name, qualifier, body) -> tuple[int, dict]:
        key = self._url_key(region, name, qualifier)
        if key not in self.url_configs:
            raise LambdaError(404, "ResourceNotFoundException", "The resource you requested does not exist.")
        return 200, self.url_configs[key]

    def _UpdateFunctionUrlConfig(self, region, name, qualifier, body) -> tuple[int, dict]:
        _, config = self._GetFunctionUrlConfig(region, name, qualifier, body)
        config.update({key: body[key] for key in ("AuthType", "Cors", "InvokeMode") if key in body})
        config["LastModifiedTime"] = now()
        return 200, config

    def _DeleteFunctionUrlConfig(self, region, name, qualifier, body) -> tuple[int, None]:
        self._GetFunctionUrlConfig(region, name, qualifier, body)
        del self.url_configs[self._url_key(region, name, qualifier)]
        return 204, None

    def _ListFunctionUrlConfigs(self, region, name, qualifier, body) -> tuple[int, dict]:
        configs = [config for key, config in self.url_configs.items() if key[:2] == (region, name)]
        return 200, {"FunctionUrlConfigs": configs}

    # Provisioned concurrency ------------------------------------------------------------------

    def _provisioned_key(self, region: str, name: str, qualifier: str | None) -> tuple[str, str, str]:
        if not qualifier or qualifier == "$LATEST":
            message = "Provisioned Concurrency Configs cannot be applied to unpublished function versions."
            raise LambdaError(400, "InvalidParameterValueException", message)
        version = qualifier if qualifier.isdigit() else require_alias(region, name, qualifier).function_version
        function = backend(region).get_function(name, version)
        if getattr(function, "snap_start", "None") != "None":
            message = "Provisioned concurrency is not supported for functions with SnapStart enabled."
            raise LambdaError(400, "InvalidParameterValueException", message)
        return (region, name, qualifier)

    def _PutProvisionedConcurrencyConfig(self, region, name, qualifier, body) -> tuple[int, dict]:
        key = self._provisioned_key(region, name, qualifier)
        count = int(body["ProvisionedConcurrentExecutions"])
        self.provisioned[key] = {
            "RequestedProvisionedConcurrentExecutions": count,
            "AvailableProvisionedConcurrentExecutions": count,
            "AllocatedProvisionedConcurrentExecutions": count,
            "Status": "READY",  # Lambda reports IN_PROGRESS first; nothing here takes time to start
            "LastModified": now(),
        }
        return 202, self.provisioned[key]

    def _GetProvisionedConcurrencyConfig(self, region, name, qualifier, body) -> tuple[int, dict]:
        key = self._provisioned_key(region, name, qualifier)
        if key not in self.provisioned:
            message = f"No Provisioned Concurrency Config found for this function: {function_arn(region, name)}"
            raise LambdaError(404, "ProvisionedConcurrencyConfigNotFoundException", message)
        return 200, self.provisioned[key]

    def _DeleteProvisionedConcurrencyConfig(self, region, name, qualifier, body) -> tuple[int, None]:
        self._GetProvisionedConcurrencyConfig(region, name, qualifier, body)
        del self.provisioned[(region, name, qualifier)]
        return 204, None

    def _ListProvisionedConcurrencyConfigs(self, region, name, qualifier, body) -> tuple[int, dict]:
        configs = [
            {**config, "FunctionArn": function_arn(region, name, key[2])}
            for key, config in self.provisioned.items()
            if key[:2] == (region, name)
        ]
        return 200, {"ProvisionedConcurrencyConfigs": configs}
