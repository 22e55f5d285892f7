"""The site on AWS Lambda: its package, run under AWS's runtime client, and its documented deploy, rehearsed
against the AWS stand-in on 127.0.0.1 (support/aws_stand_in) with the commands of docs/deploying-the-site.md
as written.

The stand-in runs the real deploy code (boto3, CloudFormation change sets) and the deployed zip under
awslambdaric. What it can't do, and how it is checked instead: it serves no execute-api endpoint, so the
requests the HTTP API would send go, as API Gateway would send them (payload 2.0), to the function its
integration targets; it evaluates no IAM policy at call time, so the function's role is compared with what the
site needs (writing its logs, nothing else); its stage ignores throttling, which cfn-lint checks in the template.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from documented_commands import section, shell_commands
from helpers import REPO_DIR, locked_packages, runtime_python

from deploy.lambda_package import PACKAGED
from generator_service.config import Settings
from support.aws_stand_in import StandIn
from support.events import api_gateway_event
from support.lambda_runtime import LambdaInstance, runtime_dir, unpack_code
from support.paths import CACHE_DIR

DOC = REPO_DIR / "docs" / "deploying-the-site.md"
PACKAGE = REPO_DIR / "build" / "site-lambda" / "site.zip"
SITE_TEMPLATE = REPO_DIR / "deploy" / "site.yaml"
HANDLER = "generator_service.aws_lambda.handler"
TEMPLATE_URL = Settings().template_url
HEAD = subprocess.run(["git", "rev-parse", "HEAD"], cwd=REPO_DIR, capture_output=True, text=True).stdout.strip()
# Both build into build/site-lambda/: one worker runs them, one after the other.
pytestmark = pytest.mark.xdist_group("site-lambda")


def documented_commands() -> list[str]:
    return shell_commands(section(DOC.read_text(encoding="utf-8"), "## On AWS Lambda"))


class CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (!Ref, !Sub, !GetAtt) read as {"Ref": ...} and the like."""


CloudFormationLoader.add_multi_constructor(
    "!",
    lambda loader, tag, node: {
        "Ref" if tag == "Ref" else f"Fn::{tag}": (
            loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node)
        )
    },
)


def function_environment(parameters: dict[str, str]) -> dict[str, str]:
    """The function's variables as deploy/site.yaml sets them, its !Ref parameters given."""
    template = yaml.load(SITE_TEMPLATE.read_text(encoding="utf-8"), Loader=CloudFormationLoader)  # noqa: S506
    variables = template["Resources"]["Function"]["Properties"]["Environment"]["Variables"]
    return {name: parameters[value["Ref"]] if isinstance(value, dict) else value for name, value in variables.items()}


def test_every_documented_command_is_one_these_tests_run():
    """The package build (the package fixture), the deploy and the teardown (the rehearsal): nothing else."""
    commands = documented_commands()

    run_here = re.compile(r"\.venv/bin/python -m deploy\.lambda_(package|deploy)\b")
    assert len(commands) == 3 and all(run_here.match(command) for command in commands)


def test_the_templates_pass_cfn_lint_in_every_region():
    """No error, warning or note, in every region the template offers (cfn-lint knows each one's runtimes)."""
    regions = json.loads((REPO_DIR / "cookiecutter.json").read_text())["aws_region"]
    templates = sorted((REPO_DIR / "deploy").glob("*.yaml"))
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([cfn_lint, "--regions", *regions, "--", *templates], capture_output=True, text=True)

    assert [template.name for template in templates] == ["site-deployments.yaml", "site.yaml"]
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def package() -> Path:
    """The package, built by the documented build command."""
    (command,) = [command for command in documented_commands() if "deploy.lambda_package" in command]
    done = subprocess.run(["bash", "-c", command], cwd=REPO_DIR, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return PACKAGE


@pytest.mark.slow
def test_the_package_holds_the_site_the_template_and_bytecode_lambda_uses(package):
    python = runtime_python("python3.13")
    magic = subprocess.run(
        [python, "-c", "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        pyc = archive.read("generator_service/__pycache__/aws_lambda.cpython-313.pyc")
        manage = archive.getinfo("{{cookiecutter.project_slug}}/manage.py")

    for packaged in PACKAGED:
        assert packaged in names or any(name.startswith(f"{packaged}/") for name in names), packaged
    for requirement in ("fastapi/", "mangum/", "cookiecutter/", "pydantic_core/", "multipart/"):
        assert any(name.startswith(requirement) for name in names), requirement
    for unwanted in ("tests/", "support/", "benchmarks/", "deploy/", ".git/", "bin/", "boto3/", "pytest/", "moto/"):
        assert not any(name.startswith(unwanted) for name in names), unwanted
    assert not any(name.endswith(".pyc") and "{{cookiecutter" in name for name in names)
    assert (pyc[:4].hex(), int.from_bytes(pyc[4:8], "little")) == (magic, 0b01)  # Python 3.13's, never re-checked
    assert manage.external_attr >> 16 & 0o777 == 0o755  # generated projects keep their executables


def distribution(name: str) -> str:
    """A distribution's name as PEP 503 compares them: python_dateutil and python-dateutil are one."""
    return re.sub(r"[-_.]+", "-", name).lower()


@pytest.mark.slow
def test_the_package_holds_exactly_the_sites_lock(package):
    """The versions generator_service/requirements.txt pins, every one, and no other: two builds of one commit
    hold the same packages."""
    with zipfile.ZipFile(package) as archive:
        dist_infos = {name.split("/")[0] for name in archive.namelist() if ".dist-info/" in name}
    packaged = dict(folder.removesuffix(".dist-info").rsplit("-", 1) for folder in dist_infos)

    locked = locked_packages("generator_service/requirements.txt")
    assert {distribution(name): version for name, version in packaged.items()} == {
        distribution(name): version for name, (version, _) in locked.items()
    }


def invoke_event(path: str, query: str = "", host: str = "abc123.execute-api.eu-west-1.amazonaws.com") -> bytes:
    """What the HTTP API sends the function for a browser's GET (payload 2.0, stage $default)."""
    event = api_gateway_event("v2", "GET", path, host)
    event["rawQueryString"] = query
    event["headers"]["user-agent"] = "Mozilla/5.0"
    return json.dumps(event).encode()


def response_body(response: dict[str, Any]) -> bytes:
    body = response.get("body") or ""
    return base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()


def downloaded_project(response: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """A generate answer's .cruft.json and the mode of its manage.py."""
    assert response["statusCode"] == 200, response
    with zipfile.ZipFile(io.BytesIO(response_body(response))) as archive:
        (cruft,) = [name for name in archive.namelist() if name.endswith("/.cruft.json")]
        (manage,) = [info for info in archive.infolist() if info.filename.endswith("/manage.py")]
        return json.loads(archive.read(cruft)), manage.external_attr >> 16 & 0o777


@pytest.mark.slow
def test_the_package_answers_under_awslambdaric(package, tmp_path):
    """AWS's runtime client runs the zip, unpacked read-only as Lambda does, with the function's environment,
    in Python 3.13 with nothing else: the page, the health check, a download and a refusal."""
    python = runtime_python("python3.13")
    environment = function_environment({"TemplateCommit": HEAD, "TemplateUrl": TEMPLATE_URL})
    code_dir = tmp_path / "var-task"
    with zipfile.ZipFile(package) as archive:
        unpack_code(archive, code_dir)
    instance = LambdaInstance(python, code_dir, HANDLER, environment, runtime_dir(python), timeout_seconds=60)
    try:
        answers = [
            instance.invoke(invoke_event(*request))
            for request in (
                ("/",),
                ("/healthz",),
                ("/api/generate", "format=zip&project_name=From+The+Package"),
                ("/api/generate", "aws_region=nowhere"),
            )
        ]
        log = "".join(instance.log_lines)
    finally:
        instance.close()

    assert [invocation.error_type for invocation, _ in answers] == [None] * 4, log
    page, health, download, refused = (json.loads(invocation.payload) for invocation, _ in answers)
    assert page["statusCode"] == 200 and b"<form" in response_body(page)
    assert (health["statusCode"], json.loads(response_body(health))) == (200, {"status": "ok"})
    cruft, manage_mode = downloaded_project(download)
    assert (cruft["commit"], cruft["template"]) == (HEAD, TEMPLATE_URL)  # from the environment: no .git in /var/task
    assert manage_mode == 0o755
    assert refused["statusCode"] == 422


class Site:
    """The deployed site as boto3 reads it back from the stand-in."""

    def __init__(self, aws: StandIn, region: str, stack: str) -> None:
        self.aws, self.region, self.stack = aws, region, stack

    def client(self, service: str) -> Any:
        return self.aws.client(service, self.region)

    def outputs(self) -> dict[str, str]:
        stack = self.client("cloudformation").describe_stacks(StackName=self.stack)["Stacks"][0]
        return {output["OutputKey"]: output["OutputValue"] for output in stack["Outputs"]}

    def function(self) -> dict[str, Any]:
        return self.client("lambda").get_function_configuration(FunctionName=self.stack)

    def api(self) -> dict[str, Any]:
        (api,) = [api for api in self.client("apigatewayv2").get_apis()["Items"] if api["Name"] == self.stack]
        return api

    def target(self) -> str:
        """The function the API's one route invokes, checked on the way: the integration, route and stage."""
        v2, api_id = self.client("apigatewayv2"), self.api()["ApiId"]
        (route,) = v2.get_routes(ApiId=api_id)["Items"]
        assert route["RouteKey"] == "$default"
        integration = v2.get_integration(ApiId=api_id, IntegrationId=route["Target"].removeprefix("integrations/"))
        assert (integration["IntegrationType"], integration["PayloadFormatVersion"]) == ("AWS_PROXY", "2.0")
        (stage,) = v2.get_stages(ApiId=api_id)["Items"]
        assert (stage["StageName"], stage["AutoDeploy"]) == ("$default", True)
        return integration["IntegrationUri"]

    def request(self, path: str, query: str = "") -> dict[str, Any]:
        """A GET as the HTTP API sends it to the function it targets."""
        host = self.api()["ApiEndpoint"].removeprefix("https://")
        answer = self.client("lambda").invoke(FunctionName=self.target(), Payload=invoke_event(path, query, host))
        assert "FunctionError" not in answer, answer["Payload"].read()
        return json.loads(answer["Payload"].read())

    def role_policies(self) -> tuple[dict[str, Any], list[dict[str, Any]], list[Any]]:
        """The function's role: its trust policy, its inline policies' statements, its attached policies."""
        iam = self.client("iam")
        name = self.function()["Role"].rsplit("/", 1)[1]
        role = iam.get_role(RoleName=name)["Role"]
        statements = [
            statement
            for policy in iam.list_role_policies(RoleName=name)["PolicyNames"]
            for statement in iam.get_role_policy(RoleName=name, PolicyName=policy)["PolicyDocument"]["Statement"]
        ]
        return (
            role["AssumeRolePolicyDocument"],
            statements,
            iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"],
        )

    def leftovers(self) -> dict[str, list[str]]:
        """What is left in the region that the deploy made: stacks, functions, APIs, buckets, logs, roles."""
        stacks = self.client("cloudformation").list_stacks()["StackSummaries"]
        return {
            "stacks": [item["StackName"] for item in stacks if item["StackStatus"] != "DELETE_COMPLETE"],
            "functions": [item["FunctionName"] for item in self.client("lambda").list_functions()["Functions"]],
            "apis": [item["Name"] for item in self.client("apigatewayv2").get_apis()["Items"]],
            "buckets": [item["Name"] for item in self.client("s3").list_buckets()["Buckets"]],
            "log groups": [item["logGroupName"] for item in self.client("logs").describe_log_groups()["logGroups"]],
            "roles": [item["RoleName"] for item in self.client("iam").list_roles()["Roles"]],
        }


def run_command(command: str, aws: StandIn, answer: str | None = None, **variables: str) -> str:
    environment = {**aws.env(os.environ), **variables}
    done = subprocess.run(
        ["bash", "-c", command],
        cwd=REPO_DIR,
        env=environment,
        input=answer,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, f"$ {command}\n{done.stdout}{done.stderr}"
    return done.stdout


def operations(calls: list[dict[str, Any]]) -> set[str]:
    return {f"{call['service']}:{call['operation']}" for call in calls}


@pytest.mark.slow
def test_the_documented_deploy_release_and_teardown(tmp_path):
    (deploy,) = [
        command for command in documented_commands() if "lambda_deploy" in command and "--destroy" not in command
    ]
    (destroy,) = [command for command in documented_commands() if "--destroy" in command]
    stack = re.search(r"--stack (\S+)", deploy)[1]
    region = re.search(r"--region (\S+)", deploy)[1]
    with StandIn(tmp_path / "aws", CACHE_DIR, {"python3.13": runtime_python("python3.13")}) as aws:
        site = Site(aws, region, stack)
        output = run_command(deploy, aws)

        url = site.outputs()["Url"]
        assert output.rstrip().endswith(f"The site: {url}") and url == site.api()["ApiEndpoint"]
        function = site.function()
        assert (function["Runtime"], function["Handler"], function["Timeout"]) == ("python3.13", HANDLER, 29)
        assert function["Environment"]["Variables"] == function_environment(
            {"TemplateCommit": HEAD, "TemplateUrl": TEMPLATE_URL}
        )
        assert function["Environment"]["Variables"]["GENERATOR_TEMPLATE_COMMIT"] == HEAD
        assert site.target() == function["FunctionArn"]
        trust, statements, attached = site.role_policies()
        assert [statement["Principal"] for statement in trust["Statement"]] == [{"Service": "lambda.amazonaws.com"}]
        (log_group,) = site.client("logs").describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{stack}")["logGroups"]
        assert log_group["retentionInDays"] == 30
        assert attached == [] and [
            (sorted(statement["Action"]), statement["Resource"]) for statement in statements
        ] == [(["logs:CreateLogStream", "logs:PutLogEvents"], log_group["arn"].removesuffix(":*"))]
        policy = json.loads(site.client("lambda").get_policy(FunctionName=stack)["Policy"])
        assert [(item["Principal"], item["Action"]) for item in policy["Statement"]] == [
            ({"Service": "apigateway.amazonaws.com"}, "lambda:InvokeFunction")
        ]
        assert policy["Statement"][0]["Condition"]["ArnLike"]["AWS:SourceArn"].endswith(f":{site.api()['ApiId']}/*")
        (bucket,) = [name for name in site.leftovers()["buckets"] if name.startswith(f"{stack}-deployments")]
        block = site.client("s3").get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
        assert all(block.values()) and len(block) == 4

        page, health = site.request("/"), site.request("/healthz")
        assert page["statusCode"] == 200 and b"<form" in response_body(page)
        assert json.loads(response_body(health)) == {"status": "ok"}
        cruft, manage_mode = downloaded_project(site.request("/api/generate", "format=zip&project_name=Deployed"))
        assert (cruft["commit"], cruft["template"], manage_mode) == (HEAD, TEMPLATE_URL, 0o755)

        # The same command again: the same package, so nothing is uploaded or changed.
        before = len(aws.calls())
        output = run_command(deploy, aws)
        again = operations(aws.calls()[before:])
        assert output.count("  no changes") == 2 and "is already there" in output
        assert not again & {"s3:PutObject", "cloudformation:ExecuteChangeSet", "lambda:UpdateFunctionConfiguration"}
        assert site.function()["CodeSha256"] == function["CodeSha256"]

        # A release of another commit (set as a build outside git sets it): downloads name it.
        other = "c0ffee" + HEAD[6:]  # any full commit id: the site names it, it checks out nothing
        run_command(deploy, aws, GENERATOR_TEMPLATE_COMMIT=other)
        assert site.function()["Environment"]["Variables"]["GENERATOR_TEMPLATE_COMMIT"] == other
        cruft, _ = downloaded_project(site.request("/api/generate", "format=zip&project_name=Released"))
        assert cruft["commit"] == other

        refused = subprocess.run(
            ["bash", "-c", destroy], cwd=REPO_DIR, env=aws.env(os.environ), input="no\n", capture_output=True, text=True
        )
        assert refused.returncode == 1 and site.function()["FunctionName"] == stack  # not confirmed: all kept
        run_command(destroy, aws, answer=f"{stack}\n")
        assert site.leftovers() == {name: [] for name in site.leftovers()}
