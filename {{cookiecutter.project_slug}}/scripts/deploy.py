#!/usr/bin/env python
{% set facts = cookiecutter | derived -%}
{% set rds, url_database = facts.stack_database, facts.url_database -%}
{% set new_vpc, existing_vpc = facts.new_vpc, facts.existing_vpc -%}
{% set tasks = facts.tasks -%}
"""Deploy a stage in one command, and update it with the same command: ``uv run scripts/deploy.py production``.

Each step prints what it does, and each is safe to repeat:

* check the AWS credentials;
* create or update the deployment bucket's stack (deploy/deployment-bucket.yaml), then the stage's
  stack (deploy/stack.yaml): execution role, secret, log group, dead-letter queue, alarms{% if facts.sessions %}, schedules{% endif %}
  {%- if cookiecutter.storage == "s3" %}, assets bucket{% endif %}{% if rds %},
  PostgreSQL{% endif %}{% if cookiecutter.use_rds_proxy and rds %}, RDS Proxy{% endif %}{% if new_vpc %}, a VPC{% endif %}{% if cookiecutter.use_vpc %}, VPC endpoints{% endif %};
* build the package (scripts/build_package.py);
* ``zappa deploy`` the first time, ``zappa update`` after, with the stack's outputs in the settings (and the
  function's architecture changed first when zappa_settings.json's changed);
* set Lambda's JSON log format, and where failed asynchronous events go;
{%- if cookiecutter.api_gateway == "function_url" %}
* make the function URL public through the URL only{% if cookiecutter.cold_start in ("snap_start", "provisioned_concurrency") %}, on the alias that serves requests{% endif %};
{%- endif %}
{%- if cookiecutter.database == "postgresql" %}
* migrate the database (``zappa manage``);
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
* upload the static files to the assets bucket.
{%- endif %}

Also:

* ``--set-secret NAME`` stores a value in the stage's secret (asked for, never on the command line);
* ``--destroy`` deletes everything this script and Zappa created for the stage.

Run it with the virtualenv of the README active (zappa, boto3) and the Lambda runtime's Python.
"""

import argparse
import functools
import getpass
import json
{%- if cookiecutter.storage == "s3" %}
import os
{%- endif %}
{%- if cookiecutter.use_rds_proxy and rds %}
import re
{%- endif %}
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError
from build_package import BuildError, build
from cloudformation import (
    StackError,
    delete_stack,
    deploy_stack,
{%- if cookiecutter.storage == "s3" %}
    stack_outputs,
{%- endif %}
{%- if existing_vpc %}
    stack_resource_ids,
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
    stack_status,
{%- endif %}
)

PROJECT_DIR = Path(__file__).resolve().parent.parent
{%- if url_database %}
sys.path.append(str(PROJECT_DIR))  # config.env, for checking a DATABASE_URL before it is stored
{%- endif %}
BUILD_DIR = PROJECT_DIR / ".zappa-build"
BUCKET_TEMPLATE = PROJECT_DIR / "deploy" / "deployment-bucket.yaml"
# The values the stage's secret may hold; the settings read them with secret_required().
SECRET_NAMES = ("DJANGO_SECRET_KEY",{% if url_database %} "DATABASE_URL"{% endif %})
# The stack's outputs the function reads, and the environment variable each becomes.
OUTPUT_VARIABLES = {
    "SecretArn": "DJANGO_SECRETS_ARN",
{%- if rds %}
    "DatabaseHost": "DJANGO_DATABASE_HOST",
    "DatabasePort": "DJANGO_DATABASE_PORT",
    "DatabaseName": "DJANGO_DATABASE_NAME",
    "DatabaseSecretArn": "DJANGO_DATABASE_SECRET_ARN",
{%- endif %}
}
# What Lambda does with an asynchronous event (a task, a schedule's) that fails: try it twice more, the
# most it allows, and keep it queued up to 6 hours when the function is throttled; then send it to the
# stack's dead-letter queue. https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
ASYNC_RETRIES = 2
ASYNC_MAX_EVENT_AGE_SECONDS = 6 * 3600
# Lambda's log levels for Zappa's log_level names (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-log-level.html).
LAMBDA_LOG_LEVELS = {"DEBUG": "DEBUG", "INFO": "INFO", "WARNING": "WARN", "ERROR": "ERROR", "CRITICAL": "FATAL"}
# The duration alarm fires at this share of the function's timeout (deploy/stack.yaml).
NEAR_TIMEOUT = 0.9
# Zappa's statement IDs for a public function URL: `zappa update` finds them and adds nothing.
# The second is narrowed to calls that come through the URL: without the condition, any AWS
# account could invoke the function directly, manage events included.
# https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html
URL_PERMISSIONS = {
    "FunctionURLAllowPublicAccess": {"Action": "lambda:InvokeFunctionUrl", "FunctionUrlAuthType": "NONE"},
    "FunctionURLAllowPublicAccessInvoke": {"Action": "lambda:InvokeFunction", "InvokedViaFunctionUrl": True},
}


class DeployError(Exception):
    """Something the user must fix; the message says what."""


@dataclass
class Stage:
    """One stage of zappa_settings.json, with the names derived from it."""

    name: str
    settings: dict

    @classmethod
    def load(cls, name: str) -> "Stage":
        settings = json.loads((PROJECT_DIR / "zappa_settings.json").read_text())
        if name not in settings:
            raise DeployError(f"stage '{name}' is not in zappa_settings.json; stages: {', '.join(settings)}")
        return cls(name, settings)

    def get(self, key: str, default=None):
        """A setting of this stage, following "extends" as Zappa does."""
        config = self.settings[self.name]
        while key not in config and "extends" in config:
            config = self.settings[config["extends"]]
        return config.get(key, default)

    @property
    def function_name(self) -> str:
        return f"{self.get('project_name')}-{self.name}"

    @property
    def stack_name(self) -> str:
        return f"{self.function_name}-resources"  # Zappa names its own API stack after the function

    @property
    def bucket_stack_name(self) -> str:
        return f"{self.get('project_name')}-deployments"  # one for every stage, as s3_bucket is

    def other_stages(self) -> list["Stage"]:
        return [Stage(name, self.settings) for name in self.settings if name != self.name]

{%- if cookiecutter.ci_tool != "none" %}

    @property
    def ci_stack_name(self) -> str:
        return f"{self.function_name}-ci-access"  # deploy/ci-access.yaml, made by scripts/ci_access.py

    def release_resources(self) -> dict[str, str]:
        """What a release touches, by name: the parameters of deploy/ci-access.yaml."""
        resources = {
            "FunctionName": self.function_name,
            "ResourcesStackName": self.stack_name,
            "DeploymentsStackName": self.bucket_stack_name,
            "ExecutionRoleName": self.get("role_name"),
        }
{%- if cookiecutter.api_gateway != "function_url" %}
        resources["DeploymentBucketName"] = self.get("s3_bucket")
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
        resources["AssetsBucketName"] = self.environment["DJANGO_S3_BUCKET"]
{%- endif %}
        return resources
{%- endif %}

    @property
    def region(self) -> str:
        return self.get("aws_region")

    @functools.cached_property
    def serving_alias(self) -> str | None:
        """The alias Zappa keeps for SnapStart or provisioned concurrency, or None: as Zappa computes it."""
        from zappa.cli import ZappaCLI

        cli = ZappaCLI()
        cli.api_stage = self.name
        cli.load_credentials = False
        cli.load_settings(str(PROJECT_DIR / "zappa_settings.json"))
        return cli.apigateway_lambda_qualifier
{%- if tasks %}

    @property
    def serving_target(self) -> str:
        """What requests invoke, "name:alias" or "name": where tasks run too (DJANGO_TASKS_FUNCTION)."""
        return f"{self.function_name}:{self.serving_alias}" if self.serving_alias else self.function_name
{%- endif %}

    @property
    def environment(self) -> dict[str, str]:
        return dict(self.get("aws_environment_variables", {}))

{%- if rds %}

    @property
    def database_name(self) -> str:
        """The app's database on the stage's instance: letters, digits and underscores."""
        return self.function_name.replace("-", "_")[:63]
{%- endif %}
{%- if cookiecutter.use_rds_proxy and rds %}

    @property
    def proxy_name(self) -> str:
        """RDS Proxy names: up to 60 letters, digits and single hyphens, not ending in one."""
        return re.sub("-+", "-", self.function_name.replace("_", "-"))[:60].rstrip("-")
{%- endif %}

    def settings_with(self, environment: dict[str, str], **stage_settings) -> Path:
        """zappa_settings.json with these variables (and settings) added to this stage, for Zappa's -s option."""
        settings = json.loads(json.dumps(self.settings))
        settings[self.name]["aws_environment_variables"] = {**self.environment, **environment}
        settings[self.name].update(stage_settings)
        path = BUILD_DIR / f"zappa_settings.{self.name}.json"
        BUILD_DIR.mkdir(exist_ok=True)
        path.write_text(json.dumps(settings, indent=2))
        return path


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def aws_session(stage: Stage) -> boto3.Session:
    """A session in the stage's region, once the credentials are known to work there."""
    session = boto3.Session(region_name=stage.region)
    try:
        identity = session.client("sts").get_caller_identity()
    except NoCredentialsError:
        raise DeployError(
            "No AWS credentials found. Log in first (aws configure, aws sso login, or set AWS_PROFILE), "
            "then run this again."
        ) from None
    except (ClientError, BotoCoreError) as error:
        raise DeployError(
            f"AWS refused these credentials in {stage.region}: {error}. If {stage.region} is an opt-in Region, "
            "enable it for the account first (AWS console: Account, AWS Regions)."
        ) from None
    print(f"    account {identity['Account']}, region {stage.region}, as {identity['Arn']}")
    return session


def stack_parameters(session: boto3.Session, stage: Stage) -> dict[str, str]:
    parameters = {
        "FunctionName": stage.function_name,
        "RoleName": stage.get("role_name"),
        "ServingQualifier": stage.serving_alias or "",
        "DurationAlarmMilliseconds": str(int(stage.get("timeout_seconds", 30) * 1000 * NEAR_TIMEOUT)),
    }
{%- if rds %}
    parameters["DatabaseName"] = stage.database_name
{%- endif %}
{%- if cookiecutter.use_rds_proxy and rds %}
    parameters["ProxyName"] = stage.proxy_name
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
    parameters["AssetsBucketName"] = stage.environment["DJANGO_S3_BUCKET"]
{%- endif %}
{%- if existing_vpc %}
    parameters.update(network_parameters(session.client("ec2"), stage))
{%- endif %}
    return parameters
{%- if existing_vpc %}


def network_parameters(ec2, stage: Stage) -> dict[str, str]:
    """The VPC of the function's subnets, its range, and whether its endpoints exist already."""
    subnet_ids = stage.get("vpc_config")["SubnetIds"]
    subnets = ec2.describe_subnets(SubnetIds=subnet_ids)["Subnets"]
    vpc_ids = {subnet["VpcId"] for subnet in subnets}
    if len(vpc_ids) != 1:
        raise DeployError(f"the subnets {', '.join(subnet_ids)} must all be in one VPC, not {sorted(vpc_ids)}")
{%- if rds %}
    if len({subnet["AvailabilityZone"] for subnet in subnets}) < 2:
        # https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_VPC.WorkingWithRDSInstanceinaVPC.html
        raise DeployError(
            f"the subnets {', '.join(subnet_ids)} are all in one Availability Zone; the database's subnet group "
            "needs subnets in at least two. Add one from another zone to vpc_config in zappa_settings.json."
        )
{%- endif %}
    vpc_id = vpc_ids.pop()
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    parameters = {
        "VpcId": vpc_id,
        "VpcCidr": vpc["CidrBlock"],
        "SubnetIds": ",".join(subnet_ids),
        "CreateSecretsManagerEndpoint": json.dumps(not foreign_endpoint(ec2, stage, vpc_id, "secretsmanager")),
    }
{%- if tasks %}
    parameters["CreateLambdaEndpoint"] = json.dumps(not foreign_endpoint(ec2, stage, vpc_id, "lambda"))
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
    parameters["RouteTableIds"] = ",".join(route_tables(ec2, vpc_id, subnet_ids))
    parameters["CreateS3Endpoint"] = json.dumps(not foreign_endpoint(ec2, stage, vpc_id, "s3"))
{%- endif %}
    return parameters


def foreign_endpoint(ec2, stage: Stage, vpc_id: str, service: str) -> bool:
    """Whether the VPC has a live endpoint for the service that this stage's stack didn't make."""
    filters = [
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "service-name", "Values": [f"com.amazonaws.{stage.region}.{service}"]},
    ]
    endpoints = ec2.describe_vpc_endpoints(Filters=filters)["VpcEndpoints"]
    ours = stack_resource_ids(boto3.Session(region_name=stage.region).client("cloudformation"), stage.stack_name)
    return any(
        endpoint["VpcEndpointId"] not in ours
        for endpoint in endpoints
        if endpoint["State"].lower() not in ("deleted", "deleting")
    )
{%- if cookiecutter.storage == "s3" %}


def route_tables(ec2, vpc_id: str, subnet_ids: list[str]) -> list[str]:
    """The route table of each subnet: its own association, or else the VPC's main table."""
    tables = set()
    for subnet_id in subnet_ids:
        filters = [{"Name": "association.subnet-id", "Values": [subnet_id]}]
        found = ec2.describe_route_tables(Filters=filters)["RouteTables"]
        if not found:
            filters = [{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}]
            found = ec2.describe_route_tables(Filters=filters)["RouteTables"]
        tables.update(table["RouteTableId"] for table in found)
    return sorted(tables)
{%- endif %}
{%- endif %}


def function_exists(session: boto3.Session, stage: Stage) -> bool:
    try:
        session.client("lambda").get_function(FunctionName=stage.function_name)
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return False
        raise
    return True


def zappa(*arguments: str) -> None:
    """Run Zappa's own command line; stop if it fails."""
    print(f"    zappa {' '.join(arguments)}", flush=True)
    if subprocess.run([sys.executable, "-m", "zappa.cli", *arguments], cwd=PROJECT_DIR).returncode != 0:
        raise DeployError(f"zappa {arguments[0]} failed (its output is above)")
{%- if cookiecutter.api_gateway == "function_url" %}


def qualifier_of(function_arn: str) -> str | None:
    """'snapstart' from arn:aws:lambda:REGION:ACCOUNT:function:NAME:snapstart, None without one."""
    parts = function_arn.split(":")
    return parts[7] if len(parts) > 7 else None


def qualified(qualifier: str | None) -> dict[str, str]:
    return {"Qualifier": qualifier} if qualifier else {}


def publish_function_url(lambda_client, stage: Stage, alias: str | None) -> str:
    """One public function URL, on the alias when there is one ($LATEST never uses a SnapStart snapshot
    or provisioned instances), and public through the URL only. Returns the URL."""
    name = stage.function_name
    configs = lambda_client.list_function_url_configs(FunctionName=name)["FunctionUrlConfigs"]
    serving = next((config for config in configs if qualifier_of(config["FunctionArn"]) == alias), None)
    if serving is None:
        serving = lambda_client.create_function_url_config(FunctionName=name, AuthType="NONE", **qualified(alias))
    for config in configs:
        if qualifier_of(config["FunctionArn"]) != alias:  # Zappa's URL on $LATEST would bypass the alias
            lambda_client.delete_function_url_config(FunctionName=config["FunctionArn"])
            revoke_url_permissions(lambda_client, name, qualifier_of(config["FunctionArn"]))
    grant_url_permissions(lambda_client, name, alias)
    return serving["FunctionUrl"]


def url_permission_statements(lambda_client, function: str, qualifier: str | None) -> dict[str, dict]:
    try:
        policy = json.loads(lambda_client.get_policy(FunctionName=function, **qualified(qualifier))["Policy"])
    except ClientError as error:
        if error.response["Error"]["Code"] == "ResourceNotFoundException":
            return {}
        raise
    return {statement["Sid"]: statement for statement in policy["Statement"] if statement.get("Sid") in URL_PERMISSIONS}


def grant_url_permissions(lambda_client, function: str, qualifier: str | None) -> None:
    existing = url_permission_statements(lambda_client, function, qualifier)
    target = {"FunctionName": function, **qualified(qualifier)}
    for sid, grant in URL_PERMISSIONS.items():
        condition = next(key for key in grant if key != "Action")
        if sid in existing and condition in json.dumps(existing[sid]):
            continue
        if sid in existing:  # Zappa's broader statement: replace it
            lambda_client.remove_permission(StatementId=sid, **target)
        lambda_client.add_permission(StatementId=sid, Principal="*", **grant, **target)


def revoke_url_permissions(lambda_client, function: str, qualifier: str | None) -> None:
    for sid in url_permission_statements(lambda_client, function, qualifier):
        lambda_client.remove_permission(FunctionName=function, StatementId=sid, **qualified(qualifier))
{%- endif %}


def deploy(stage: Stage) -> None:
    step(f"Checking the AWS credentials for {stage.name}")
    session = aws_session(stage)
    cloudformation = session.client("cloudformation")
    step(f"Deploying the stack {stage.bucket_stack_name} (deploy/deployment-bucket.yaml)")
    deploy_stack(cloudformation, stage.bucket_stack_name, {"BucketName": stage.get("s3_bucket")}, BUCKET_TEMPLATE)
    step(f"Deploying the stack {stage.stack_name} (deploy/stack.yaml)")
    outputs = deploy_stack(cloudformation, stage.stack_name, stack_parameters(session, stage))
    environment = {name: outputs[output] for output, name in OUTPUT_VARIABLES.items()}
{%- if tasks %}
    environment["DJANGO_TASKS_FUNCTION"] = stage.serving_target
{%- endif %}
{%- if new_vpc %}
    # The stack made the VPC: its subnets and the function's security group are outputs, not settings.
    network = {"SubnetIds": outputs["SubnetIds"].split(","), "SecurityGroupIds": [outputs["SecurityGroupId"]]}
    settings_file = stage.settings_with(environment, vpc_config=network)
{%- else %}
    settings_file = stage.settings_with(environment)
{%- endif %}
    exists = function_exists(session, stage)
{%- if url_database %}
    if not exists:  # checked once, by whoever deploys first: CI's role may not read the secret
        require_secret(session, outputs["SecretArn"], "DATABASE_URL", stage)
{%- endif %}
    step("Building the package")
    package = build(stage.name)
    lambda_client = session.client("lambda")
    step(f"{'Updating' if exists else 'Creating'} the function {stage.function_name}")
    if exists:
        match_architecture(lambda_client, stage, package)
    zappa("update" if exists else "deploy", stage.name, "--zip", str(package), "-s", str(settings_file))
    step("Setting the log format and where failed events go")
    if use_json_logs(lambda_client, stage) and stage.serving_alias:
        # The alias's version was published before the log format changed: publish one with it.
        zappa("update", stage.name, "--zip", str(package), "-s", str(settings_file))
    keep_failed_events(lambda_client, stage, outputs["DeadLetterQueueArn"])
{%- if cookiecutter.api_gateway == "function_url" %}
    step("Publishing the function URL")
    url = publish_function_url(lambda_client, stage, stage.serving_alias)
    print(f"    {url}")
{%- endif %}
{%- if cookiecutter.database == "postgresql" %}
    step("Migrating the database")
    zappa("manage", stage.name, "migrate --noinput", "-s", str(settings_file))
{%- endif %}
{%- if cookiecutter.storage == "s3" %}
    step(f"Uploading the static files to {outputs['AssetsBucket']}")
    collectstatic(stage, outputs["AssetsBucket"])
{%- endif %}
    step(f"{stage.name} is deployed. `zappa status {stage.name}` shows it; `zappa tail {stage.name}` its log.")


def match_architecture(lambda_client, stage: Stage, package: Path) -> None:
    """Zappa's update keeps the function's instruction set: a changed "architecture" is set here, with the
    package built for it, before Zappa publishes that package."""
    wanted = stage.get("architecture", "x86_64")
    current = lambda_client.get_function_configuration(FunctionName=stage.function_name)["Architectures"]
    if current != [wanted]:
        print(f"    architecture {current[0]} -> {wanted}", flush=True)
        lambda_client.update_function_code(
            FunctionName=stage.function_name, ZipFile=package.read_bytes(), Architectures=[wanted]
        )
        lambda_client.get_waiter("function_updated_v2").wait(FunctionName=stage.function_name)


def use_json_logs(lambda_client, stage: Stage) -> bool:
    """Lambda's JSON log format, at the stage's log_level; whether it had to be set (a version holds its own)."""
    wanted = {
        "LogFormat": "JSON",
        "ApplicationLogLevel": LAMBDA_LOG_LEVELS.get(str(stage.get("log_level", "INFO")).upper(), "INFO"),
        "SystemLogLevel": "INFO",  # START, END and REPORT: each invocation's duration and memory
    }
    current = lambda_client.get_function_configuration(FunctionName=stage.function_name).get("LoggingConfig", {})
    if all(current.get(key) == value for key, value in wanted.items()):
        return False
    lambda_client.update_function_configuration(FunctionName=stage.function_name, LoggingConfig=wanted)
    lambda_client.get_waiter("function_updated_v2").wait(FunctionName=stage.function_name)
    return True


def keep_failed_events(lambda_client, stage: Stage, queue_arn: str) -> None:
    """Retries, then the dead-letter queue, for the asynchronous events of what requests invoke."""
    lambda_client.put_function_event_invoke_config(
        FunctionName=stage.function_name,
        Qualifier=stage.serving_alias or "$LATEST",
        MaximumRetryAttempts=ASYNC_RETRIES,
        MaximumEventAgeInSeconds=ASYNC_MAX_EVENT_AGE_SECONDS,
        DestinationConfig={"OnFailure": {"Destination": queue_arn}},
    )
{%- if url_database %}


def require_secret(session: boto3.Session, secret_arn: str, name: str, stage: Stage) -> None:
    value = session.client("secretsmanager").get_secret_value(SecretId=secret_arn)["SecretString"]
    if not json.loads(value).get(name):
        raise DeployError(
            f"The stage's secret has no {name} yet. Store it first:\n"
            f"    uv run scripts/deploy.py {stage.name} --set-secret {name}"
        )
{%- endif %}
{%- if cookiecutter.storage == "s3" %}


def collectstatic(stage: Stage, bucket: str) -> None:
    environment = {**os.environ, "DJANGO_S3_BUCKET": bucket, "AWS_REGION": stage.region}
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "--settings=config.settings.collectstatic"]
    if subprocess.run(command, cwd=PROJECT_DIR, env=environment).returncode != 0:
        raise DeployError("collectstatic failed (its output is above)")
{%- endif %}


def set_secret(stage: Stage, name: str) -> None:
    """Store one value in the stage's secret; read from the terminal without echo, or from stdin."""
    if name not in SECRET_NAMES:
        raise DeployError(f"--set-secret takes one of: {', '.join(SECRET_NAMES)}")
    step(f"Checking the AWS credentials for {stage.name}")
    session = aws_session(stage)
    step(f"Deploying the stack {stage.stack_name}, which holds the secret")
    outputs = deploy_stack(session.client("cloudformation"), stage.stack_name, stack_parameters(session, stage))
    value = getpass.getpass(f"{name} for {stage.name}: ") if sys.stdin.isatty() else sys.stdin.readline()
    value = value.strip()
    check_secret_value(name, value)
    secrets = session.client("secretsmanager")
    stored = json.loads(secrets.get_secret_value(SecretId=outputs["SecretArn"])["SecretString"])
    secrets.put_secret_value(SecretId=outputs["SecretArn"], SecretString=json.dumps({**stored, name: value}))
    step(f"{name} is stored. New instances read it; deploy again to replace the running ones.")


def check_secret_value(name: str, value: str) -> None:
    """Refuse an empty or malformed value, without repeating it (it is a secret)."""
    if not value:
        raise DeployError(f"no value given for {name}")
{%- if url_database %}
    if name == "DATABASE_URL":
        from config.env import database_from_url

        try:
            database_from_url(value)
        except Exception as error:
            raise DeployError(f"DATABASE_URL: {error}") from None
{%- endif %}


def destroy(stage: Stage, confirmed: bool) -> None:
    if not confirmed:
        also = "its log{% if cookiecutter.storage == "s3" %}, the assets bucket with every uploaded file{% endif %} and its secret"
{%- if rds %}
        also += "; the database goes too, and RDS keeps a final snapshot of it"
{%- endif %}
        print(f"This deletes the function {stage.function_name}, its API, {also}.")
        if input(f"Type the stage name ({stage.name}) to go on: ").strip() != stage.name:
            raise DeployError("nothing deleted")
    step(f"Checking the AWS credentials for {stage.name}")
    session = aws_session(stage)
    if function_exists(session, stage):
        step(f"Removing the function {stage.function_name} and what Zappa made for it")
        zappa("undeploy", stage.name, "--yes")
    cloudformation = session.client("cloudformation")
{%- if cookiecutter.storage == "s3" %}
    if stack_status(cloudformation, stage.stack_name):
        bucket = stack_outputs(cloudformation, stage.stack_name).get("AssetsBucket")
        if bucket:
            step(f"Emptying the assets bucket {bucket}")
            empty_bucket(session.resource("s3").Bucket(bucket))
{%- endif %}
    step(f"Deleting the stack {stage.stack_name}")
    delete_stack(cloudformation, stage.stack_name)
{%- if cookiecutter.ci_tool != "none" %}
{%- if cookiecutter.ci_tool == "github_actions" %}
    step(f"Deleting the stack {stage.ci_stack_name}, GitHub Actions' access (if scripts/ci_access.py made it)")
{%- else %}
    step(f"Deleting the stack {stage.ci_stack_name}, GitLab CI/CD's access (if scripts/ci_access.py made it)")
{%- endif %}
    delete_stack(cloudformation, stage.ci_stack_name)
{%- endif %}
    remove_deployment_bucket(session, stage)
    step(f"{stage.name} is gone.")


def empty_bucket(bucket) -> None:
    bucket.object_versions.delete()
    bucket.objects.all().delete()


def remove_deployment_bucket(session: boto3.Session, stage: Stage) -> None:
    """The deployment bucket's stack goes with the last stage deployed; the bucket holds nothing between deploys."""
    deployed = [other.name for other in stage.other_stages() if function_exists(session, other)]
    if deployed:
        print(f"    keeping the deployment bucket: {', '.join(deployed)} still use it")
        return
    step(f"Deleting the stack {stage.bucket_stack_name}, the deployment bucket {stage.get('s3_bucket')}")
    try:
        empty_bucket(session.resource("s3").Bucket(stage.get("s3_bucket")))
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("NoSuchBucket", "404"):
            raise
    delete_stack(session.client("cloudformation"), stage.bucket_stack_name)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", help="a stage of zappa_settings.json: production or dev")
    action = parser.add_mutually_exclusive_group()
    secret_help = f"store a value in the stage's secret: {', '.join(SECRET_NAMES)}"
    action.add_argument("--set-secret", metavar="NAME", help=secret_help)
    action.add_argument("--destroy", action="store_true", help="delete the stage and everything made for it")
    parser.add_argument("--yes", action="store_true", help="with --destroy: don't ask")
    args = parser.parse_args()
    try:
        stage = Stage.load(args.stage)
        if args.set_secret:
            set_secret(stage, args.set_secret)
        elif args.destroy:
            destroy(stage, args.yes)
        else:
            deploy(stage)
    except (DeployError, StackError, BuildError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"ERROR: {error.cmd[2:4]} failed with exit status {error.returncode}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
