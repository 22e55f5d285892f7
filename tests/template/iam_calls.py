"""What each recorded AWS call needs from IAM, and whether a policy grants it.

The deploy rehearsal records every request the stand-in gets. Here each becomes (IAM action, resource
ARN), written from AWS's Service Authorization Reference
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html),
not from the policy under test, so the CI deploy role can be held to exactly what the deploy job calls.
moto evaluates no resource-level permission (it matches every action against "*"), so the evaluation is
this module's: Allow statements, Action and Resource with wildcards. The role has no Deny, and its one
condition (iam:PassedToService is lambda.amazonaws.com) holds for every iam:PassRole here: each is implied
by a Lambda call, so conditions are not evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from support.aws_stand_in.account import ACCOUNT_ID, function_arn, split_function_name

# Calls whose IAM action is not named after the operation.
ACTION_OF = {
    ("lambda", "Invoke"): "lambda:InvokeFunction",
    ("s3", "HeadObject"): "s3:GetObject",
    ("s3", "HeadBucket"): "s3:ListBucket",
    ("s3", "ListObjects"): "s3:ListBucket",
    ("s3", "ListObjectsV2"): "s3:ListBucket",
    ("s3", "ListObjectVersions"): "s3:ListBucketVersions",
    ("s3", "DeleteObjects"): "s3:DeleteObject",
    ("s3", "CreateMultipartUpload"): "s3:PutObject",
    ("s3", "UploadPart"): "s3:PutObject",
    ("s3", "CompleteMultipartUpload"): "s3:PutObject",
    ("s3", "GetBucketLocation"): "s3:GetBucketLocation",
}
NEEDS_NO_PERMISSION = {("sts", "GetCallerIdentity")}  # always allowed, even under an explicit Deny
# Actions that take no resource ARN: IAM matches them against "*".
UNSCOPED = re.compile(r"^(ec2:Describe\w+|lambda:ListFunctions|events:List(Rules|RuleNamesByTarget)|iam:List\w+)$")


@dataclass(frozen=True)
class Need:
    """One permission a call needs."""

    action: str
    resource: str

    def __str__(self) -> str:
        return f"{self.action} on {self.resource}"


def needs(call: dict, change_set_stacks: dict[str, str]) -> list[Need]:
    """The permissions one recorded call needs: its own, plus iam:PassRole when it hands Lambda a role."""
    key = (call["service"], call["operation"])
    if key in NEEDS_NO_PERMISSION:
        return []
    if call["service"] in ("apigateway", "apigatewayv2"):  # IAM names API Gateway's actions by HTTP method
        return [Need(f"apigateway:{call['method']}", f"arn:aws:apigateway:{call['region']}::{call['path']}")]
    action = ACTION_OF.get(key, f"{call['service']}:{call['operation']}")
    found = [Need(action, "*" if UNSCOPED.match(action) else resource(call, change_set_stacks))]
    if call["service"] == "lambda" and (role := _body(call).get("Role")):
        found.append(Need("iam:PassRole", role))
    return found


def resource(call: dict, change_set_stacks: dict[str, str]) -> str:
    """The ARN a call acts on, from its parameters."""
    service, region = call["service"], call["region"]
    parameters = {**call.get("query", {}), **call.get("path_params", {}), **_body(call)}
    if service == "lambda":
        return function_arn(region, *split_function_name(parameters["FunctionName"], parameters.get("Qualifier")))
    if service == "s3":
        key = parameters.get("Key")
        return f"arn:aws:s3:::{parameters['Bucket']}" + (f"/{key}" if key else "")
    if service == "cloudformation":
        stack = parameters.get("StackName") or change_set_stacks[parameters["ChangeSetName"]]
        return stack if stack.startswith("arn:") else f"arn:aws:cloudformation:{region}:{ACCOUNT_ID}:stack/{stack}/*"
    if service == "events":
        return f"arn:aws:events:{region}:{ACCOUNT_ID}:rule/{parameters.get('Name') or parameters['Rule']}"
    if service == "secretsmanager":
        return parameters["SecretId"]
    if service == "iam":
        return f"arn:aws:iam::{ACCOUNT_ID}:role/{parameters['RoleName']}"
    raise AssertionError(f"no resource known for {service}:{call['operation']}: add it to iam_calls.resource")


def _body(call: dict) -> dict:
    return call["body"] if isinstance(call.get("body"), dict) else {}


def change_set_stacks(calls: list[dict]) -> dict[str, str]:
    """Change set name or ARN -> its stack: the later calls name a change set by the ARN CreateChangeSet
    returned (arn:...:changeSet/NAME/ID), which the record doesn't hold, so match its NAME."""
    stacks = {}
    for call in calls:
        if (call["service"], call["operation"]) == ("cloudformation", "CreateChangeSet"):
            stacks[call["body"]["ChangeSetName"]] = call["body"]["StackName"]
    for call in calls:
        named = _body(call).get("ChangeSetName", "")
        if named.startswith("arn:"):
            stacks[named] = stacks[named.split(":")[5].split("/")[1]]
    return stacks


def allowed(need: Need, documents: list[dict]) -> bool:
    """Whether some Allow statement of the policies grants the action on the resource."""
    for document in documents:
        for statement in document["Statement"]:
            if statement["Effect"] != "Allow":
                continue
            actions = _list(statement["Action"])
            resources = _list(statement["Resource"])
            if any(_matches(need.action.lower(), pattern.lower()) for pattern in actions) and any(
                _matches(need.resource, pattern) for pattern in resources
            ):
                return True
    return False


def granted_actions(documents: list[dict]) -> set[str]:
    """Every action the policies' statements name."""
    return {
        action for document in documents for statement in document["Statement"] for action in _list(statement["Action"])
    }


def _list(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _matches(value: str, pattern: str) -> bool:
    """IAM's wildcards: * any run of characters, ? one (actions are compared in lower case)."""
    return re.fullmatch(re.escape(pattern).replace(r"\*", ".*").replace(r"\?", "."), value) is not None
