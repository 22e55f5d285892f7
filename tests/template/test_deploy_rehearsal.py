"""The deploy rehearsal: what a user and the CI pipeline run to deploy, run against an AWS stand-in.

For each bake, in this order, with Zappa's, boto3's and Django's real code:

1. the generated README's deploy commands, exactly as written (answering the prompts they ask);
2. the ``run:`` steps of the CI workflow's deploy job, read from the workflow file;
3. the README's deploy command once more: a release must be idempotent;
4. the README's teardown; afterwards nothing the deploy made may be left.

docs/deploy-rehearsal.md says what is checked after each step, what the stand-in
(support/aws_stand_in) adds to moto, and what is checked another way. Zappa's post-deploy "touch"
would leave this machine: it is off in the rehearsal's copy of zappa_settings.json only.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from deployed_state import (
    SERVING_ALIAS,
    Deployment,
    expected_role_actions,
    granted_actions,
    inventory,
    leftovers,
    resource_policy,
    unexplained_parliament_findings,
)
from documented_commands import readme_commands, workflow_job
from helpers import (
    CACHE_DIR,
    api_gateway_event,
    project_venv,
    reuse_lambda_requirements,
    runtime_python,
    share_lambda_requirements,
)
from iam_calls import allowed, change_set_stacks, needs

from support.aws_stand_in import StandIn

pytestmark = pytest.mark.slow

DEPLOY_HEADING, TEARDOWN_HEADING, PIPELINE_HEADING = "## Deploy", "### Tear it all down", "## The pipeline"
URL_WITH_PASSWORD = re.compile(r"://[^/@\s:]*:[^/@\s]+@")

# Every API type with every cold-start choice; VPC, database, proxy, storage, admin, CI, runtimes,
# Django versions and regions vary across them. VPC bakes get subnets the test makes in the stand-in,
# except those that leave the IDs empty: their stack makes the VPC.
NEW_VPC = {"use_vpc": True, "vpc_subnet_ids": "", "vpc_security_group_ids": ""}
REHEARSALS = [
    pytest.param({}, id="http_api-snap_start-defaults"),
    pytest.param(
        {"cold_start": "provisioned_concurrency", "use_vpc": True, "storage": "none", "python_runtime": "python3.12"},
        id="http_api-provisioned-vpc-db-py312",
    ),
    pytest.param(
        {"cold_start": "keep_warm", "database": "none", "aws_region": "eu-west-1"}, id="http_api-keep_warm-no_db"
    ),
    pytest.param(
        {"cold_start": "none", "use_vpc": True, "use_rds_proxy": True, "use_admin": True, "django_version": "6.1"},
        id="http_api-none-vpc-proxy-admin-dj61",
    ),
    pytest.param(
        {"api_gateway": "rest_api", "use_vpc": True, "python_runtime": "python3.12", "aws_region": "ap-southeast-2"},
        id="rest_api-snap_start-vpc-s3",
    ),
    pytest.param(
        {
            "api_gateway": "rest_api",
            "cold_start": "provisioned_concurrency",
            "storage": "none",
            "django_version": "6.1",
        },
        id="rest_api-provisioned-db",
    ),
    pytest.param(
        {
            "api_gateway": "rest_api",
            "cold_start": "keep_warm",
            "database": "none",
            "storage": "none",
            "ci_tool": "none",
        },
        id="rest_api-keep_warm-bare-no_ci",
    ),
    pytest.param(
        {"api_gateway": "rest_api", "cold_start": "none", **NEW_VPC, "use_rds_proxy": True, "use_admin": True},
        id="rest_api-none-newvpc-proxy-admin",
    ),
    pytest.param({"api_gateway": "function_url", "aws_region": "eu-central-1"}, id="function_url-snap_start-db-s3"),
    pytest.param(
        {"api_gateway": "function_url", "cold_start": "provisioned_concurrency", "database": "none", **NEW_VPC},
        id="function_url-provisioned-newvpc-no_db",
    ),
    pytest.param(
        {"api_gateway": "function_url", "cold_start": "keep_warm", "timeout_seconds": 300, "storage": "none"},
        id="function_url-keep_warm-db",
    ),
    pytest.param(
        {
            "api_gateway": "function_url",
            "cold_start": "none",
            "database": "none",
            "storage": "none",
            "ephemeral_storage": 2048,
            "memory_size": 512,
            "python_runtime": "python3.12",
        },
        id="function_url-none-bare",
    ),
]


class Rehearsal:
    """A baked project, its virtualenv and the stand-in its commands talk to."""

    def __init__(self, project: Path, context: dict, aws: StandIn, database_url: str | None) -> None:
        self.project, self.context, self.aws = project, context, aws
        self.database_url = database_url
        venv = project_venv(project, runtime_python(context["python_runtime"]))
        self.env = {**aws.env(os.environ), "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}:{os.environ['PATH']}"}
        self.deployment = Deployment(
            aws, context["aws_region"], f"{context['project_slug'].replace('_', '-')}-production"
        )
        self.transcript: list[str] = []

    def answer(self, command: str) -> str | None:
        """What a user types at the prompts a documented command asks."""
        if "--set-secret DATABASE_URL" in command:
            return f"{self.database_url}\n"
        if "--destroy" in command:
            return "production\n"
        return None

    def run(self, command: str, credentials: dict[str, str] | None = None) -> str:
        started = time.monotonic()
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=self.project,
            env={**self.env, **(credentials or {})},
            input=self.answer(command),
            capture_output=True,
            text=True,
            timeout=900,
        )
        self.transcript.append(f"$ {command}  -> {result.returncode} in {time.monotonic() - started:.0f} s")
        output = result.stdout + result.stderr
        assert result.returncode == 0, "\n".join([*self.transcript, output[-6000:]])
        return output


def make_network(aws: StandIn, region: str) -> dict[str, str]:
    """A VPC with two private subnets in two AZs (one with its own route table) and a security group."""
    ec2 = aws.client("ec2", region)
    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.20.{index}.0/24", AvailabilityZone=f"{region}{zone}")["Subnet"]
        for index, zone in enumerate("ab")
    ]
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[0]["SubnetId"])
    group = ec2.create_security_group(GroupName="api-function", Description="The function", VpcId=vpc)["GroupId"]
    return {"vpc_subnet_ids": ",".join(subnet["SubnetId"] for subnet in subnets), "vpc_security_group_ids": group}


@pytest.fixture
def aws(tmp_path) -> StandIn:
    interpreters = {runtime: runtime_python(runtime) for runtime in ("python3.12", "python3.13")}
    with StandIn(tmp_path / "aws", CACHE_DIR, interpreters) as stand_in:
        yield stand_in


@pytest.mark.parametrize("values", REHEARSALS)
def test_deploy_rehearsal(values, aws, cookies_session, request):
    region = values.get("aws_region", "us-east-1")
    stack_makes_the_vpc = NEW_VPC.items() <= values.items()
    network = make_network(aws, region) if values.get("use_vpc") and not stack_makes_the_vpc else {}
    result = cookies_session.bake(
        extra_context={"project_name": f"Rehearsal {uuid.uuid4().hex[:6]}", **values, **network}
    )
    assert result.exit_code == 0, result.exception
    project, context = Path(result.project_path), result.context
    database_url = None
    if context["database"] == "postgresql" and not context["use_vpc"]:  # with a VPC, the stack makes the database
        # trust auth ignores the password; it is there to be looked for
        database_url = request.getfixturevalue("postgres_database").replace(
            "postgres@", f"postgres:{uuid.uuid4().hex}@"
        )
    turn_off_touch(project)
    rehearsal = Rehearsal(project, context, aws, database_url)
    before = inventory(aws, region)

    first_deploy = readme_commands(project, DEPLOY_HEADING, before=TEARDOWN_HEADING)
    reuse_lambda_requirements(project, context["python_runtime"])
    for command in first_deploy:
        rehearsal.run(command)
    share_lambda_requirements(project, context["python_runtime"])
    first = check_deployed(rehearsal, network)
    check_login_rotation(rehearsal, first)
    ci_role_arn, ci_credentials = grant_ci_access(rehearsal)
    calls_before_ci = len(aws.calls())
    for command in ci_deploy_commands(project, context):
        rehearsal.run(command, ci_credentials)
    if ci_role_arn:
        check_ci_role(rehearsal, ci_role_arn, aws.calls()[calls_before_ci:], ci_credentials["AWS_ACCESS_KEY_ID"])
    rehearsal.run(first_deploy[-1])
    second = check_deployed(rehearsal, network)
    assert second == first, "a release must keep the API, the URL and every setting"
    check_templates(rehearsal)

    for command in readme_commands(project, TEARDOWN_HEADING):
        rehearsal.run(command)
    print("\n".join(rehearsal.transcript))  # -rA shows what ran, in how many seconds
    assert leftovers(aws, region, before) == {}


def turn_off_touch(project: Path) -> None:
    """Zappa's touch GETs the API's public URL: off in this copy only (see the module docstring)."""
    path = project / "zappa_settings.json"
    settings = json.loads(path.read_text())
    for stage in settings.values():
        stage["touch"] = False
    path.write_text(json.dumps(settings, indent=2))


# The deploy job's actions set up GitHub's runner; here the rehearsal's environment does their work.
RUNNER_ACTIONS = {
    "actions/checkout@v4": "the baked project is the checkout",
    "actions/setup-python@v5": "the project's venv runs the runtime's Python",
    "aws-actions/configure-aws-credentials@v4": "the deploy role's session, from AssumeRoleWithWebIdentity",
}


def ci_deploy_commands(project: Path, context: dict) -> list[str]:
    if context["ci_tool"] == "none":
        assert not (project / ".github").exists()
        return []
    job = workflow_job(project, "deploy")
    assert set(job.uses) == set(RUNNER_ACTIONS), "explain each new action in RUNNER_ACTIONS"
    assert any("scripts/deploy.py production" in command for command in job.run)
    return job.run


# A GitHub repository the baked project is pushed to, as the README's pipeline section expects.
GITHUB_REMOTE = "https://github.com/acme/{}.git"


def grant_ci_access(rehearsal: Rehearsal) -> tuple[str | None, dict[str, str] | None]:
    """The README's pipeline commands; returns the deploy role's ARN they printed and its credentials as
    GitHub's configure-aws-credentials action gets them (AssumeRoleWithWebIdentity). (None, None) without CI."""
    project, context = rehearsal.project, rehearsal.context
    if context["ci_tool"] == "none":
        return None, None
    repository = GITHUB_REMOTE.format(context["project_slug"])
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "remote", "add", "origin", repository], cwd=project, check=True)
    commands = readme_commands(project, PIPELINE_HEADING)
    assert commands == ["python scripts/ci_access.py production"]
    output = rehearsal.run(commands[0])
    role_arn = re.search(r"AWS_DEPLOY_ROLE_ARN to\n\s+(arn:aws:iam::\d+:role/\S+)", output).group(1)
    check_trust(rehearsal, role_arn, repository.removeprefix("https://github.com/").removesuffix(".git"))
    sts = rehearsal.aws.client("sts", context["aws_region"])
    session = sts.assume_role_with_web_identity(
        RoleArn=role_arn, RoleSessionName="GitHubActions", WebIdentityToken="a GitHub OIDC token"
    )["Credentials"]
    return role_arn, {
        "AWS_ACCESS_KEY_ID": session["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": session["SecretAccessKey"],
        "AWS_SESSION_TOKEN": session["SessionToken"],
    }


def check_trust(rehearsal: Rehearsal, role_arn: str, repository: str) -> None:
    """Only this repository's production environment may assume the role, through GitHub's provider
    (https://docs.github.com/en/actions/security-for-github-actions/security-hardening-your-deployments/configuring-openid-connect-in-amazon-web-services)."""
    iam = rehearsal.aws.client("iam", "us-east-1")
    trust = iam.get_role(RoleName=role_arn.rsplit("/", 1)[1])["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    [statement] = trust["Statement"]
    provider = statement["Principal"]["Federated"]
    assert provider.endswith(":oidc-provider/token.actions.githubusercontent.com")
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider)["ClientIDList"] == ["sts.amazonaws.com"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": f"repo:{repository}:environment:production",
        }
    }


# What the deploy role may do though a rehearsal may not call it, and why.
NOT_ALWAYS_CALLED = {
    # AWS creates a change set even when nothing changed, reports it FAILED, and the script reads and
    # deletes it; moto 5.2.5 refuses some unchanged templates at once.
    "cloudformation:DescribeChangeSet": "an unchanged stack",
    "cloudformation:DeleteChangeSet": "an unchanged stack",
    # collectstatic touches the assets bucket only when the project has static files (the admin's).
    "s3:ListBucket": "static files",
    "s3:GetObject": "static files",
    "s3:PutObject": "static files",
}


def check_ci_role(rehearsal: Rehearsal, role_arn: str, calls: list[dict], access_key: str) -> None:
    """The deploy job made every call as the deploy role, the role allows each one on what it acted on,
    and it allows no action the job didn't need."""
    function_calls = {"secretsmanager:GetSecretValue"}  # the deployed function's own, while Zappa invokes it
    strangers = {f"{c['service']}:{c['operation']}" for c in calls if c["access_key"] != access_key}
    assert strangers <= function_calls, strangers
    calls = [call for call in calls if call["access_key"] == access_key]
    stacks = change_set_stacks(calls)
    needed = [need for call in calls for need in needs(call, stacks)]
    policies = rehearsal.deployment.role_policies(role_arn)
    refused = sorted({str(need) for need in needed if not allowed(need, policies)})
    assert refused == [], "the deploy role refuses:\n" + "\n".join(refused)
    assert granted_actions(policies) - {need.action for need in needed} <= set(NOT_ALWAYS_CALLED)
    assert unexplained_parliament_findings(policies) == []


def check_deployed(rehearsal: Rehearsal, network: dict) -> dict:
    """The production stage matches the options; returns what a later release must keep the same."""
    deployment, context = rehearsal.deployment, rehearsal.context
    outputs = deployment.stack_outputs()
    config = deployment.configuration()
    check_function_settings(config, context, network or stack_network(outputs))
    environment = config["Environment"]["Variables"]
    assert environment["DJANGO_SECRETS_ARN"] == outputs["SecretArn"]
    check_no_secret_in(
        environment, stored_secrets(rehearsal, outputs["SecretArn"]) + stack_database(rehearsal, outputs, environment)
    )
    assert config["Role"] == outputs["RoleArn"]
    check_deployment_bucket(rehearsal)
    policies = deployment.role_policies(config["Role"])
    assert granted_actions(policies) == expected_role_actions(context)
    assert unexplained_parliament_findings(policies) == []
    alias = SERVING_ALIAS.get(context["cold_start"])
    target, host = check_invoke_path(rehearsal, alias)
    check_cold_start(deployment, context, alias)
    check_requests(rehearsal, target, host, alias)
    return {"target": target, "host": host, "environment": environment, "role": config["Role"]}


def check_deployment_bucket(rehearsal: Rehearsal) -> None:
    """Zappa's bucket is the one deploy/deployment-bucket.yaml made: private and encrypted."""
    settings = json.loads((rehearsal.project / "zappa_settings.json").read_text())["production"]
    stack = f"{settings['project_name']}-deployments"
    resources = rehearsal.deployment.client("cloudformation").describe_stack_resources(StackName=stack)
    assert settings["s3_bucket"] in {resource["PhysicalResourceId"] for resource in resources["StackResources"]}
    s3 = rehearsal.aws.client("s3", rehearsal.context["aws_region"])
    assert all(s3.get_public_access_block(Bucket=settings["s3_bucket"])["PublicAccessBlockConfiguration"].values())
    encryption = s3.get_bucket_encryption(Bucket=settings["s3_bucket"])["ServerSideEncryptionConfiguration"]
    assert encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def stack_network(outputs: dict[str, str]) -> dict[str, str]:
    """The subnets and security group of the VPC the stack made, as the options would name them."""
    if "SubnetIds" not in outputs:
        return {}
    return {"vpc_subnet_ids": outputs["SubnetIds"], "vpc_security_group_ids": outputs["SecurityGroupId"]}


def check_function_settings(config: dict, context: dict, network: dict) -> None:
    assert config["Runtime"] == context["python_runtime"]
    assert config["MemorySize"] == int(context["memory_size"])
    assert config["Timeout"] == int(context["timeout_seconds"])
    assert config["EphemeralStorage"]["Size"] == int(context["ephemeral_storage"])
    vpc = config.get("VpcConfig") or {}
    assert sorted(vpc.get("SubnetIds") or []) == sorted(network["vpc_subnet_ids"].split(",") if network else [])
    assert (vpc.get("SecurityGroupIds") or []) == ([network["vpc_security_group_ids"]] if network else [])
    assert config["Handler"] == "lambda_function.lambda_handler"


def stored_secrets(rehearsal: Rehearsal, secret_arn: str) -> list[str]:
    """The values in the stage's secret, and the database password on its own."""
    secret = rehearsal.aws.client("secretsmanager", rehearsal.context["aws_region"]).get_secret_value(
        SecretId=secret_arn
    )
    values = json.loads(secret["SecretString"])
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert ("DATABASE_URL" in values) is (rehearsal.database_url is not None)
    found = list(values.values())
    if rehearsal.database_url:
        assert values["DATABASE_URL"] == rehearsal.database_url
        found.append(rehearsal.database_url.split("//")[1].split("@")[0].split(":")[1])
    return found


# What the function's environment holds of the stack's database: the stack's outputs, passed on as they are.
DATABASE_OUTPUTS = {
    "DatabaseHost": "DJANGO_DATABASE_HOST",
    "DatabasePort": "DJANGO_DATABASE_PORT",
    "DatabaseName": "DJANGO_DATABASE_NAME",
    "DatabaseSecretArn": "DJANGO_DATABASE_SECRET_ARN",
}


def stack_database(rehearsal: Rehearsal, outputs: dict[str, str], environment: dict[str, str]) -> list[str]:
    """With a VPC the stack makes the database: the environment names it by the stack's outputs, and the
    login RDS keeps is a secret of its own. Returns that login's password."""
    context = rehearsal.context
    if context["database"] != "postgresql" or not context["use_vpc"]:
        assert not set(DATABASE_OUTPUTS) & set(outputs)
        return []
    assert {name: environment[name] for name in DATABASE_OUTPUTS.values()} == {
        name: outputs[output] for output, name in DATABASE_OUTPUTS.items()
    }
    rds = rehearsal.aws.client("rds", context["aws_region"])
    [instance] = rds.describe_db_instances()["DBInstances"]
    assert instance["MasterUserSecret"]["SecretArn"] == outputs["DatabaseSecretArn"]
    assert instance["StorageEncrypted"] and not instance["PubliclyAccessible"]
    if context["use_rds_proxy"]:
        [proxy] = rds.describe_db_proxies()["DBProxies"]
        assert proxy["RequireTLS"] and proxy["Auth"][0]["SecretArn"] == outputs["DatabaseSecretArn"]
        proxy_policies = rehearsal.deployment.role_policies(proxy["RoleArn"])  # it reads the login, nothing else
        assert granted_actions(proxy_policies) == {"secretsmanager:GetSecretValue"}
        assert unexplained_parliament_findings(proxy_policies) == []
    login = rehearsal.aws.client("secretsmanager", context["aws_region"]).get_secret_value(
        SecretId=outputs["DatabaseSecretArn"]
    )
    return [json.loads(login["SecretString"])["password"]]


def check_login_rotation(rehearsal: Rehearsal, deployed: dict) -> None:
    """RDS rotates the stack's database login (RotateSecret rotates an RDS-managed secret at once, and the
    stand-in's server then refuses the old password): requests keep succeeding. Without the proxy, each
    request opens a connection, which finds the password changed and reads the secret again."""
    context = rehearsal.context
    outputs = rehearsal.deployment.stack_outputs()
    if "DatabaseSecretArn" not in outputs:
        return
    login = outputs["DatabaseSecretArn"]
    secretsmanager = rehearsal.aws.client("secretsmanager", context["aws_region"])
    old = json.loads(secretsmanager.get_secret_value(SecretId=login)["SecretString"])["password"]
    secretsmanager.rotate_secret(SecretId=login)
    assert json.loads(secretsmanager.get_secret_value(SecretId=login)["SecretString"])["password"] != old
    calls_before = len(rehearsal.aws.calls())
    check_requests(rehearsal, deployed["target"], deployed["host"], SERVING_ALIAS.get(context["cold_start"]))
    reads = [
        call
        for call in rehearsal.aws.calls()[calls_before:]
        if (call["service"], call["operation"]) == ("secretsmanager", "GetSecretValue")
        and (call["body"] or {}).get("SecretId") == login
    ]
    if not context["use_rds_proxy"]:
        assert reads, "the function never read the rotated login"


def check_no_secret_in(environment: dict[str, str], secrets: list[str]) -> None:
    for name, value in environment.items():
        assert not any(secret in value for secret in secrets), f"{name} holds a secret"
        assert not URL_WITH_PASSWORD.search(value), f"{name} holds a URL with a password"


def check_invoke_path(rehearsal: Rehearsal, alias: str | None) -> tuple[str, str]:
    """Every way in targets the alias with SnapStart or provisioned concurrency, else the function.
    Returns (the ARN requests invoke, the host they name)."""
    deployment, context = rehearsal.deployment, rehearsal.context
    region, name = context["aws_region"], deployment.function_name
    expected = deployment.arn(alias)
    if context["api_gateway"] != "function_url":
        targets = deployment.api_targets(context["api_gateway"])
        assert targets and set(targets) == {expected}, targets
        assert deployment.url_configs() == []
        return expected, f"a1b2c3d4e5.execute-api.{region}.amazonaws.com"
    configs = deployment.url_configs()
    assert [config["FunctionArn"] for config in configs] == [expected]
    assert configs[0]["AuthType"] == "NONE"
    check_url_permissions(resource_policy(rehearsal.aws.calls(), name), alias)
    return expected, configs[0]["FunctionUrl"].split("/")[2]


def check_url_permissions(policy: dict[tuple[str | None, str], dict], alias: str | None) -> None:
    """Public through the URL only: lambda:InvokeFunction for everyone must carry InvokedViaFunctionUrl
    (https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html), or any AWS account could invoke it."""
    public = {key: statement for key, statement in policy.items() if statement.get("Principal") == "*"}
    actions = {(qualifier, statement["Action"]) for (qualifier, _), statement in public.items()}
    assert actions == {(alias, "lambda:InvokeFunctionUrl"), (alias, "lambda:InvokeFunction")}, public
    for statement in public.values():
        if statement["Action"] == "lambda:InvokeFunction":
            assert statement.get("InvokedViaFunctionUrl") is True, statement
        else:
            assert statement.get("FunctionUrlAuthType") == "NONE", statement


def check_cold_start(deployment: Deployment, context: dict, alias: str | None) -> None:
    cold_start = context["cold_start"]
    aliases = deployment.aliases()
    assert set(aliases) == ({alias} if alias else set())
    if cold_start == "snap_start":
        snapshot = deployment.configuration(aliases[alias])["SnapStart"]
        assert snapshot == {"ApplyOn": "PublishedVersions", "OptimizationStatus": "On"}
    else:
        assert deployment.configuration()["SnapStart"]["ApplyOn"] == "None"
    provisioned = [
        (config["FunctionArn"].rsplit(":", 1)[1], config["RequestedProvisionedConcurrentExecutions"])
        for config in deployment.provisioned()
    ]
    wanted = int(context["provisioned_concurrency"])
    assert provisioned == ([(aliases[alias], wanted)] if cold_start == "provisioned_concurrency" else [])
    rules = deployment.schedule_rules()
    assert len(rules) == (1 if cold_start == "keep_warm" else 0) and all("keep_warm_callback" in rule for rule in rules)


def check_requests(rehearsal: Rehearsal, target: str, host: str, alias: str | None) -> None:
    """GET /health/ and /health as the deployed API or URL sends them, to the function they target."""
    context = rehearsal.context
    version, stage = "v2", "$default"
    if context["api_gateway"] != "function_url":
        stage = rehearsal.deployment.api_stage(context["api_gateway"])
        version = "v2" if context["api_gateway"] == "http_api" else "v1"
    lambda_client = rehearsal.deployment.client("lambda")

    def get(path: str) -> dict:
        event = api_gateway_event(version, "GET", path, host, stage=stage)
        answer = lambda_client.invoke(FunctionName=target, Payload=json.dumps(event))
        assert "FunctionError" not in answer, answer["Payload"].read()
        return json.loads(answer["Payload"].read())

    health = get("/health/")
    assert health["statusCode"] == 200, health
    expected = {"status": "ok", "database": "ok"} if context["database"] == "postgresql" else {"status": "ok"}
    assert json.loads(health["body"]) == expected
    redirect = get("/health")
    prefix = "" if stage == "$default" else f"/{stage}"
    assert (redirect["statusCode"], redirect["headers"]["location"]) == (301, f"{prefix}/health/")
    last = rehearsal.aws.invocations()[-1]
    assert last["qualifier"] == (alias or "$LATEST")
    assert last["snap_start"] is (context["cold_start"] == "snap_start")


def check_templates(rehearsal: Rehearsal) -> None:
    """cfn-lint: no error or warning in ours; no error in the one Zappa deployed for its API."""
    region = rehearsal.context["aws_region"]
    for template in (rehearsal.project / "deploy").glob("*.yaml"):  # stack, deployment bucket, CI access
        lint(template, region, allowed_exit_codes={0})
    if rehearsal.context["api_gateway"] == "function_url":
        return
    cloudformation = rehearsal.deployment.client("cloudformation")
    body = cloudformation.get_template(StackName=rehearsal.deployment.function_name)["TemplateBody"]
    path = rehearsal.project / ".zappa-build" / "zappa-api-template.json"
    path.write_text(body if isinstance(body, str) else json.dumps(body))
    lint(path, region, allowed_exit_codes={0, 4, 8, 12})  # warnings and notes are Zappa's to fix


def lint(template: Path, region: str, allowed_exit_codes: set[int]) -> None:
    result = subprocess.run(
        [Path(sys.executable).with_name("cfn-lint"), "--regions", region, "--", template],
        capture_output=True,
        text=True,
    )
    assert result.returncode in allowed_exit_codes, f"cfn-lint {template.name}:\n{result.stdout}{result.stderr}"
