"""What a deploy left in AWS, read back with boto3 from the stand-in, and what the options say it should be.

The expectations are written here from the options and AWS's documentation, not taken from the
template or the deploy script: a wrong permission or setting there shows up as a difference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from support.aws_stand_in import StandIn
from support.aws_stand_in.account import function_arn, split_function_name

# Zappa's aliases for a published version (zappa/core.py); API Gateway and function URLs must use them.
SERVING_ALIAS = {"snap_start": "snapstart", "provisioned_concurrency": "provisioned-concurrency"}


def expected_role_actions(context: dict) -> set[str]:
    """Every action the function's role must allow, and no more: what the generated code does."""
    # Its logs; its secret; failed asynchronous events to the dead-letter queue
    # (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html).
    actions = {"logs:CreateLogStream", "logs:PutLogEvents", "secretsmanager:GetSecretValue", "sqs:SendMessage"}
    if context["tasks"] == "lambda" or (context["tasks"] == "auto" and not context["use_vpc"]):
        actions.add("lambda:InvokeFunction")  # enqueue() invokes the alias asynchronously
    if context["xray_tracing"]:  # https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html
        actions |= {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
    if context["use_vpc"]:  # https://docs.aws.amazon.com/lambda/latest/dg/configuring-vpc.html#vpc-permissions
        actions |= {
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
        }
    if context["storage"] == "s3":
        actions |= {"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}
    return actions


@dataclass
class Deployment:
    """The production stage as the stand-in holds it."""

    aws: StandIn
    region: str
    function_name: str

    def client(self, service: str) -> Any:
        return self.aws.client(service, self.region)

    def configuration(self, qualifier: str | None = None) -> dict:
        arguments = {"FunctionName": self.function_name, **({"Qualifier": qualifier} if qualifier else {})}
        return self.client("lambda").get_function_configuration(**arguments)

    def aliases(self) -> dict[str, str]:
        listed = self.client("lambda").list_aliases(FunctionName=self.function_name)["Aliases"]
        return {alias["Name"]: alias["FunctionVersion"] for alias in listed}

    def stack_outputs(self) -> dict[str, str]:
        stack = self.client("cloudformation").describe_stacks(StackName=f"{self.function_name}-resources")["Stacks"][0]
        return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}

    def role_policies(self, role_arn: str) -> list[dict]:
        """The role's inline policy documents; it has no attached ones."""
        iam = self.aws.client("iam", "us-east-1")
        role_name = role_arn.rsplit("/", 1)[1]
        assert not iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"]
        return [
            policy_document(iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"])
            for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]
        ]

    def secret(self, secret_id: str) -> dict:
        """The JSON document a Secrets Manager secret holds now."""
        return json.loads(self.client("secretsmanager").get_secret_value(SecretId=secret_id)["SecretString"])

    def api_targets(self, api_gateway: str) -> list[str]:
        """The Lambda ARNs each API integration invokes."""
        if api_gateway == "http_api":
            v2 = self.client("apigatewayv2")
            apis = [api for api in v2.get_apis()["Items"] if api["Name"] == self.function_name]
            return [item["IntegrationUri"] for api in apis for item in v2.get_integrations(ApiId=api["ApiId"])["Items"]]
        v1 = self.client("apigateway")
        targets = []
        for api in v1.get_rest_apis()["items"]:
            if api["name"] != self.function_name:
                continue
            for resource in v1.get_resources(restApiId=api["id"])["items"]:
                for method in resource.get("resourceMethods", {}):
                    uri = v1.get_integration(restApiId=api["id"], resourceId=resource["id"], httpMethod=method)["uri"]
                    targets.append(uri.split("/functions/")[1].removesuffix("/invocations"))
        return targets

    def api_stage(self, api_gateway: str) -> str:
        if api_gateway == "http_api":
            v2 = self.client("apigatewayv2")
            api = next(api for api in v2.get_apis()["Items"] if api["Name"] == self.function_name)
            return next(stage["StageName"] for stage in v2.get_stages(ApiId=api["ApiId"])["Items"])
        v1 = self.client("apigateway")
        api = next(api for api in v1.get_rest_apis()["items"] if api["name"] == self.function_name)
        return next(stage["stageName"] for stage in v1.get_stages(restApiId=api["id"])["item"])

    def url_configs(self) -> list[dict]:
        return self.client("lambda").list_function_url_configs(FunctionName=self.function_name)["FunctionUrlConfigs"]

    def provisioned(self) -> list[dict]:
        lambda_client = self.client("lambda")
        return lambda_client.list_provisioned_concurrency_configs(FunctionName=self.function_name)[
            "ProvisionedConcurrencyConfigs"
        ]

    def schedule_rules(self) -> list[str]:
        """The EventBridge rules that invoke the function (Zappa hashes long names, so ask by target)."""
        return self.client("events").list_rule_names_by_target(TargetArn=self.arn())["RuleNames"]

    def arn(self, qualifier: str | None = None) -> str:
        return function_arn(self.region, self.function_name, qualifier)


def policy_document(document: str | dict) -> dict:
    """A policy document as IAM answers it: boto3 hands it over as JSON text or already parsed."""
    return json.loads(document) if isinstance(document, str) else document


def resource_policy(calls: list[dict], function_name: str) -> dict[tuple[str | None, str], dict]:
    """The function's resource-based policy per qualifier, replayed from the AddPermission and
    RemovePermission calls as Lambda applies them (moto keeps a policy per version, not per alias)."""
    statements: dict[tuple[str | None, str], dict] = {}
    for call in calls:
        if call["service"] != "lambda" or call["operation"] not in ("AddPermission", "RemovePermission"):
            continue
        name, qualifier = split_function_name(call["path_params"]["FunctionName"], call["query"].get("Qualifier"))
        if name != function_name:
            continue
        if call["operation"] == "AddPermission":
            statements[(qualifier, call["body"]["StatementId"])] = call["body"]
        else:
            statements.pop((qualifier, call["path_params"]["StatementId"]), None)
    return statements


def inventory(aws: StandIn, region: str) -> dict[str, set[str]]:
    """Everything of the kinds a deploy creates that exists in the stand-in now."""
    found = {
        "functions": [f["FunctionName"] for f in aws.client("lambda", region).list_functions()["Functions"]],
        "stacks": [
            stack["StackName"]
            for stack in aws.client("cloudformation", region).describe_stacks()["Stacks"]
            if stack["StackStatus"] != "DELETE_COMPLETE"
        ],
        "roles": [role["RoleName"] for role in aws.client("iam", "us-east-1").list_roles()["Roles"]],
        "oidc providers": [
            provider["Arn"]
            for provider in aws.client("iam", "us-east-1").list_open_id_connect_providers()["OpenIDConnectProviderList"]
        ],
        "buckets": [bucket["Name"] for bucket in aws.client("s3", region).list_buckets()["Buckets"]],
        "secrets": [secret["ARN"] for secret in aws.client("secretsmanager", region).list_secrets()["SecretList"]],
        "log groups": [g["logGroupName"] for g in aws.client("logs", region).describe_log_groups()["logGroups"]],
        "rules": [rule["Name"] for rule in aws.client("events", region).list_rules()["Rules"]],
        "http apis": [api["Name"] for api in aws.client("apigatewayv2", region).get_apis()["Items"]],
        "rest apis": [api["name"] for api in aws.client("apigateway", region).get_rest_apis()["items"]],
        "vpc endpoints": [
            endpoint["VpcEndpointId"]
            for endpoint in aws.client("ec2", region).describe_vpc_endpoints()["VpcEndpoints"]
            if endpoint["State"].lower() not in ("deleted", "deleting")
        ],
        "security groups": [
            group["GroupId"] for group in aws.client("ec2", region).describe_security_groups()["SecurityGroups"]
        ],
        "vpcs": [vpc["VpcId"] for vpc in aws.client("ec2", region).describe_vpcs()["Vpcs"]],
        "subnets": [subnet["SubnetId"] for subnet in aws.client("ec2", region).describe_subnets()["Subnets"]],
        "db instances": [
            i["DBInstanceIdentifier"] for i in aws.client("rds", region).describe_db_instances()["DBInstances"]
        ],
        "db proxies": [proxy["DBProxyName"] for proxy in aws.client("rds", region).describe_db_proxies()["DBProxies"]],
        "queues": aws.client("sqs", region).list_queues().get("QueueUrls", []),
        "topics": [topic["TopicArn"] for topic in aws.client("sns", region).list_topics()["Topics"]],
        "alarms": [alarm["AlarmName"] for alarm in aws.client("cloudwatch", region).describe_alarms()["MetricAlarms"]],
        "schedules": [item["Name"] for item in aws.client("scheduler", region).list_schedules()["Schedules"]],
        "db subnet groups": [
            group["DBSubnetGroupName"]
            for group in aws.client("rds", region).describe_db_subnet_groups()["DBSubnetGroups"]
        ],
    }
    return {kind: set(items) for kind, items in found.items()}


def leftovers(aws: StandIn, region: str, before: dict[str, set[str]]) -> dict[str, list[str]]:
    """What exists now that didn't before the deploy."""
    now = inventory(aws, region)
    return {kind: sorted(now[kind] - before[kind]) for kind in now if now[kind] - before[kind]}


# parliament's findings that are explained, not fixed, as (issue, action):
# - Lambda's own policy for VPC functions grants these on "*"
#   (https://docs.aws.amazon.com/lambda/latest/dg/configuring-vpc.html#vpc-permissions): Lambda makes and
#   deletes the network interfaces, whose IDs nobody knows in advance.
# - "log-group:/aws/lambda/NAME:*", the log group's ARN as CloudFormation gives it, covers its streams
#   ("...:log-stream:*"), as in Lambda's own example
#   (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-advanced.html); parliament
#   expects the streams' format spelled out.
# - X-Ray's PutTraceSegments and PutTelemetryRecords take no resource: "*" is the only way to grant them
#   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsx-ray.html).
EXPLAINED_FINDINGS = {
    ("RESOURCE_STAR", "xray:PutTraceSegments"),
    ("RESOURCE_STAR", "xray:PutTelemetryRecords"),
    ("RESOURCE_STAR", "ec2:AssignPrivateIpAddresses"),
    ("RESOURCE_STAR", "ec2:CreateNetworkInterface"),
    ("RESOURCE_STAR", "ec2:DeleteNetworkInterface"),
    ("RESOURCE_STAR", "ec2:UnassignPrivateIpAddresses"),
    ("RESOURCE_MISMATCH", "logs:CreateLogStream"),
    ("RESOURCE_MISMATCH", "logs:PutLogEvents"),
}


def unexplained_parliament_findings(documents: list[dict]) -> list[str]:
    """parliament's findings on each policy (unknown actions, bad resources, resource "*"), less the explained."""
    from parliament import analyze_policy_string

    found = []
    for document in documents:
        for finding in analyze_policy_string(json.dumps(document)).findings:
            details = finding.detail if isinstance(finding.detail, list) else [finding.detail]
            for detail in details:
                action = detail.get("action") if isinstance(detail, dict) else detail
                if (finding.issue, action) not in EXPLAINED_FINDINGS:
                    found.append(f"{finding.issue}: {detail}")
    return found
