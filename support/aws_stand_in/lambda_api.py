"""Lambda API calls moto 5.2.5 lacks or answers unlike Lambda, kept next to moto's own state.

- Function URLs on an alias: moto keeps one URL per function and ignores ``Qualifier``; it doesn't
  serve ``ListFunctionUrlConfigs`` at all (``zappa update`` calls it).
- Provisioned concurrency: moto doesn't serve ``Put/Get/Delete/ListProvisionedConcurrencyConfig``.
- SnapStart: moto forgets the setting (every configuration says ``ApplyOn: None``).
- Checks Lambda makes and moto doesn't: a VPC function's subnets and security groups exist and its
  role may create network interfaces; SnapStart needs 512 MB of /tmp, a Python 3.12+ runtime, and
  no provisioned concurrency; provisioned concurrency and URLs never go on ``$LATEST``/a version.

Each answer takes the shape of the Lambda API reference
(https://docs.aws.amazon.com/lambda/latest/api/), so boto3 and Zappa parse it as they would Lambda's.
"""

from __future__ import annotations

import fnmatch
import json
import secrets
import string
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from moto.awslambda import models as lambda_models
from moto.awslambda.exceptions import LambdaClientError
from moto.core import DEFAULT_ACCOUNT_ID
from moto.ec2.models import ec2_backends
from moto.iam.models import iam_backends

from support.aws_stand_in.operations import Call

# https://docs.aws.amazon.com/lambda/latest/dg/configuring-vpc.html#vpc-permissions
VPC_ACTIONS = ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface")
SNAPSTART_RUNTIMES = ("python3.12", "python3.13", "python3.14")


class LambdaError(Exception):
    """An error answer in Lambda's REST-JSON shape."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def backend(region: str):
    return lambda_models.lambda_backends[DEFAULT_ACCOUNT_ID][region]


def split_name(name_or_arn: str, qualifier: str | None) -> tuple[str, str | None]:
    """('my-fn', 'alias') from 'my-fn', 'my-fn:alias' or an ARN, with an explicit Qualifier winning."""
    parts = name_or_arn.split(":")
    if name_or_arn.startswith("arn:"):
        name, in_name = parts[6], (parts[7] if len(parts) > 7 else None)
    else:
        name, in_name = parts[0], (parts[1] if len(parts) > 1 else None)
    return name, qualifier or in_name


def function_arn(region: str, name: str, qualifier: str | None = None) -> str:
    arn = f"arn:aws:lambda:{region}:{DEFAULT_ACCOUNT_ID}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


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
        name, qualifier = split_name(call.path_params["FunctionName"], call.query.get("Qualifier"))
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


# Corrections to moto's function model ----------------------------------------------------------


def check_function_spec(region: str, spec: dict[str, Any], current: Any = None) -> None:
    """Refuse what Lambda refuses in CreateFunction/UpdateFunctionConfiguration, with Lambda's message."""
    vpc = spec.get("VpcConfig") or {}
    if vpc.get("SubnetIds"):
        check_vpc(region, vpc)
        check_role_may_attach_to_vpc(spec.get("Role") or current.role)
    apply_on = (spec.get("SnapStart") or {}).get("ApplyOn") or getattr(current, "snap_start", "None")
    if apply_on != "None":
        runtime = spec.get("Runtime") or current.run_time
        storage = (spec.get("EphemeralStorage") or {}).get("Size") or getattr(current, "ephemeral_storage", 512)
        if runtime not in SNAPSTART_RUNTIMES:
            raise InvalidParameter(f"SnapStart is not supported for runtime {runtime}.")
        if int(storage) > 512:
            raise InvalidParameter("SnapStart is not supported with ephemeral storage greater than 512 MB.")


class InvalidParameter(LambdaClientError):
    code = 400

    def __init__(self, message: str) -> None:
        super().__init__("InvalidParameterValueException", message)


def check_vpc(region: str, vpc: dict[str, Any]) -> None:
    ec2 = ec2_backends[DEFAULT_ACCOUNT_ID][region]
    known_subnets = {subnet.id for subnet in ec2.describe_subnets()}
    known_groups = {group.id for group in ec2.describe_security_groups()}
    for subnet in vpc.get("SubnetIds", []):
        if subnet not in known_subnets:
            raise InvalidParameter(
                "Error occurred while DescribeSubnets. EC2 Error Code: InvalidSubnetID.NotFound. "
                f"EC2 Error Message: The subnet ID '{subnet}' does not exist"
            )
    for group in vpc.get("SecurityGroupIds", []):
        if group not in known_groups:
            raise InvalidParameter(
                "Error occurred while DescribeSecurityGroups. EC2 Error Code: InvalidGroup.NotFound. "
                f"EC2 Error Message: The security group '{group}' does not exist"
            )


def check_role_may_attach_to_vpc(role_arn: str) -> None:
    allowed = allowed_actions(role_arn)
    for action in VPC_ACTIONS:
        if not any(fnmatch.fnmatchcase(action.lower(), pattern.lower()) for pattern in allowed):
            verb = action.split(":")[1]
            raise InvalidParameter(f"The provided execution role does not have permissions to call {verb} on EC2")


def allowed_actions(role_arn: str) -> list[str]:
    """The action patterns a role's Allow statements grant (inline and attached policies)."""
    iam = iam_backends[DEFAULT_ACCOUNT_ID]["global"]
    role = next((role for role in iam.roles.values() if role.arn == role_arn), None)
    if role is None:
        return []
    documents = [json.loads(document) if isinstance(document, str) else document for document in role.policies.values()]
    documents += [json.loads(policy.document) for policy in role.managed_policies.values()]
    actions: list[str] = []
    for document in documents:
        statements = document["Statement"] if isinstance(document["Statement"], list) else [document["Statement"]]
        for statement in statements:
            if statement.get("Effect") == "Allow":
                granted = statement.get("Action", [])
                actions += [granted] if isinstance(granted, str) else granted
    return actions


def install_function_model_corrections() -> None:
    """Teach moto's function model SnapStart and Lambda's refusals (done once, in the stand-in's process)."""
    function_class = lambda_models.LambdaFunction
    original_init = function_class.__init__
    original_configuration = function_class.get_configuration
    original_update = function_class.update_configuration
    original_create = lambda_models.LambdaBackend.create_function

    def create_function(self, spec):
        check_function_spec(self.region_name, spec)
        return original_create(self, spec)

    def init(self, account_id, spec, region, version=1):
        original_init(self, account_id, spec, region, version)
        self.snap_start = (spec.get("SnapStart") or {}).get("ApplyOn", "None")

    def get_configuration(self, on_create=False):
        configuration = original_configuration(self, on_create)
        published = str(self.version) != "$LATEST"
        optimized = published and self.snap_start == "PublishedVersions"
        configuration["SnapStart"] = {"ApplyOn": self.snap_start, "OptimizationStatus": "On" if optimized else "Off"}
        return configuration

    def update_configuration(self, config_updates):
        check_function_spec(self.region, config_updates, current=self)
        if "SnapStart" in config_updates:
            self.snap_start = config_updates["SnapStart"].get("ApplyOn", "None")
        if "EphemeralStorage" in config_updates:
            self.ephemeral_storage = config_updates["EphemeralStorage"]["Size"]
        return original_update(self, config_updates)

    function_class.__init__ = init
    function_class.get_configuration = get_configuration
    function_class.update_configuration = update_configuration
    lambda_models.LambdaBackend.create_function = create_function
