"""moto 5.2.5's Lambda function model corrected: SnapStart and the log format kept, and what Lambda refuses refused.

- SnapStart: moto forgets the setting (every configuration says ``ApplyOn: None``).
- ``LoggingConfig``: moto ignores it in CreateFunction and UpdateFunctionConfiguration and returns none.
  Here it is kept with Lambda's defaults (plain text, to the log group ``/aws/lambda/NAME``; INFO for
  both log levels of the JSON format) and, like SnapStart, a version keeps what it was published with;
  :mod:`.invoke` passes it to the runtime.
- Architectures: moto ignores them in UpdateFunctionCode, where Lambda changes the function's with its code.
- Version numbers: moto reuses the newest one once an older version is deleted; Lambda never does.
- Checks Lambda makes in CreateFunction and UpdateFunctionConfiguration and moto doesn't: a VPC
  function's subnets and security groups exist and its role may create network interfaces; SnapStart
  needs at most 512 MB of /tmp and a Python 3.12+ runtime. Refusals carry Lambda's messages.
"""

from __future__ import annotations

import fnmatch
from typing import Any

from moto.awslambda import models as lambda_models
from moto.awslambda.exceptions import LambdaClientError
from moto.ec2.models import ec2_backends

from support.aws_stand_in.account import ACCOUNT_ID
from support.aws_stand_in.roles import allowed_actions

# https://docs.aws.amazon.com/lambda/latest/dg/configuring-vpc.html#vpc-permissions
VPC_ACTIONS = ("ec2:CreateNetworkInterface", "ec2:DescribeNetworkInterfaces", "ec2:DeleteNetworkInterface")
SNAPSTART_RUNTIMES = ("python3.12", "python3.13", "python3.14")


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
    ec2 = ec2_backends[ACCOUNT_ID][region]
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


def logging_config(function_name: str, given: dict | None, current: dict | None = None) -> dict[str, str]:
    """LoggingConfig as Lambda answers it: ``given`` over ``current`` over Lambda's defaults. The log levels
    belong to the JSON format only: INFO each unless given, and gone when the format goes back to Text."""
    config = {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{function_name}", **(current or {}), **(given or {})}
    if config["LogFormat"] == "JSON":
        config.setdefault("ApplicationLogLevel", "INFO")
        config.setdefault("SystemLogLevel", "INFO")
    else:
        config.pop("ApplicationLogLevel", None)
        config.pop("SystemLogLevel", None)
    return config


def number_versions_after_the_highest() -> None:
    """moto numbers a new version after how many versions the function has: once an old one is deleted (Zappa
    keeps the last few), the new one takes the number of the newest, and the two share an ARN (deleting the
    function then fails). Lambda never reuses a number: the new version is numbered after the highest one."""
    storage_class = lambda_models.LambdaStorage
    original_publish = storage_class.publish_version

    def publish_version(self, name_or_arn, description=""):
        published = original_publish(self, name_or_arn, description)
        if published is None:
            return None
        others = [fn for fn in self._functions[published.function_name]["versions"] if fn is not published]
        clash = next((fn for fn in others if fn.function_arn == published.function_arn), None)
        if clash is not None:
            self._arns[clash.function_arn] = clash  # moto filed the new version over it
            published.set_version(max(int(fn.version) for fn in others) + 1)
            self._arns[published.function_arn] = published
        return published

    storage_class.publish_version = publish_version


def install() -> None:
    """Teach moto's function model SnapStart, LoggingConfig and Lambda's refusals (once, in the stand-in's process)."""
    function_class = lambda_models.LambdaFunction
    original_init = function_class.__init__
    original_configuration = function_class.get_configuration
    original_update = function_class.update_configuration
    original_create = lambda_models.LambdaBackend.create_function
    original_update_code = function_class.update_function_code

    def create_function(self, spec):
        check_function_spec(self.region_name, spec)
        return original_create(self, spec)

    def init(self, account_id, spec, region, version=1):
        original_init(self, account_id, spec, region, version)
        self.snap_start = (spec.get("SnapStart") or {}).get("ApplyOn", "None")
        # Replaced, never changed in place: a published version (moto's shallow copy) keeps its own.
        self.logging_config = logging_config(self.function_name, spec.get("LoggingConfig"))

    def get_configuration(self, on_create=False):
        configuration = original_configuration(self, on_create)
        published = str(self.version) != "$LATEST"
        optimized = published and self.snap_start == "PublishedVersions"
        configuration["SnapStart"] = {"ApplyOn": self.snap_start, "OptimizationStatus": "On" if optimized else "Off"}
        configuration["LoggingConfig"] = dict(self.logging_config)
        return configuration

    def update_configuration(self, config_updates):
        check_function_spec(self.region, config_updates, current=self)
        if "SnapStart" in config_updates:
            self.snap_start = config_updates["SnapStart"].get("ApplyOn", "None")
        if "EphemeralStorage" in config_updates:
            self.ephemeral_storage = config_updates["EphemeralStorage"]["Size"]
        if "LoggingConfig" in config_updates:
            given = config_updates["LoggingConfig"]
            self.logging_config = logging_config(self.function_name, given, self.logging_config)
        return original_update(self, config_updates)

    def update_function_code(self, updated_spec):
        if "Architectures" in updated_spec:
            self.architectures = updated_spec["Architectures"]
        return original_update_code(self, updated_spec)

    function_class.__init__ = init
    function_class.update_function_code = update_function_code
    function_class.get_configuration = get_configuration
    function_class.update_configuration = update_configuration
    lambda_models.LambdaBackend.create_function = create_function
    number_versions_after_the_highest()
