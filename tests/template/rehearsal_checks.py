"""What a deploy made, checked against the options: the function, every way in, the cold start, requests, templates.

Each check reads the stand-in back with boto3 (through :class:`deployed_state.Deployment`) and
compares it with what the bake's options say; the test module runs them after each deploy.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from pathlib import Path

from deployed_state import Deployment, resource_policy
from helpers import api_gateway_event
from rehearsal import Rehearsal

from support.events import api_host


def check_function_settings(config: dict, context: dict, network: dict) -> None:
    assert config["Runtime"] == context["python_runtime"]
    assert config["Architectures"] == [context["architecture"]]
    assert config["MemorySize"] == int(context["memory_size"])
    assert config["Timeout"] == int(context["timeout_seconds"])
    assert config["EphemeralStorage"]["Size"] == int(context["ephemeral_storage"])
    vpc = config.get("VpcConfig") or {}
    assert sorted(vpc.get("SubnetIds") or []) == sorted(network["vpc_subnet_ids"].split(",") if network else [])
    assert (vpc.get("SecurityGroupIds") or []) == ([network["vpc_security_group_ids"]] if network else [])
    assert config["Handler"] == "lambda_function.lambda_handler"


def check_architecture_switch(rehearsal: Rehearsal, deploy_command: str, architecture: str) -> None:
    """A stage whose zappa_settings.json names another architecture: the deploy command moves the function to it
    (Zappa's update alone would keep the old one), and it still answers."""
    path = rehearsal.project / "zappa_settings.json"
    settings = json.loads(path.read_text())
    settings["production"]["architecture"] = architecture
    path.write_text(json.dumps(settings, indent=2))
    output = rehearsal.run(deploy_command)
    assert f"-> {architecture}" in output, output
    assert rehearsal.deployment.configuration()["Architectures"] == [architecture]
    check_invoke_path(rehearsal)


def stack_network(outputs: dict[str, str]) -> dict[str, str]:
    """The subnets and security group of the VPC the stack made, as the options would name them."""
    if "SubnetIds" not in outputs:
        return {}
    return {"vpc_subnet_ids": outputs["SubnetIds"], "vpc_security_group_ids": outputs["SecurityGroupId"]}


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


def check_invoke_path(rehearsal: Rehearsal) -> tuple[str, str]:
    """Every way in targets the alias with SnapStart or provisioned concurrency, else the function.
    Returns (the ARN requests invoke, the host they name)."""
    deployment, context = rehearsal.deployment, rehearsal.context
    region, name = context["aws_region"], deployment.function_name
    expected = deployment.arn(rehearsal.alias)
    if context["api_gateway"] != "function_url":
        targets = deployment.api_targets(context["api_gateway"])
        assert targets and set(targets) == {expected}, targets
        assert deployment.url_configs() == []
        return expected, api_host(region)
    configs = deployment.url_configs()
    assert [config["FunctionArn"] for config in configs] == [expected]
    assert configs[0]["AuthType"] == "NONE"
    check_url_permissions(resource_policy(rehearsal.aws.calls(), name), rehearsal.alias)
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


class Api:
    """Requests as the deployed API or function URL sends them to the function they target."""

    def __init__(self, rehearsal: Rehearsal, target: str, host: str) -> None:
        context = rehearsal.context
        self.target, self.host, self.version, self.stage = target, host, "v2", "$default"
        if context["api_gateway"] != "function_url":
            self.stage = rehearsal.deployment.api_stage(context["api_gateway"])
            self.version = "v2" if context["api_gateway"] == "http_api" else "v1"
        self.lambda_client = rehearsal.deployment.client("lambda")

    def request(self, method: str, path: str, body: str | None = None) -> tuple[dict, str]:
        """The function's answer and the log lines the invocation wrote (Lambda's LogType=Tail)."""
        event = api_gateway_event(self.version, method, path, self.host, body=body, stage=self.stage)
        answer = self.lambda_client.invoke(FunctionName=self.target, Payload=json.dumps(event), LogType="Tail")
        assert "FunctionError" not in answer, answer["Payload"].read()
        return json.loads(answer["Payload"].read()), base64.b64decode(answer["LogResult"]).decode()

    def get(self, path: str) -> dict:
        return self.request("GET", path)[0]


def check_requests(rehearsal: Rehearsal, target: str, host: str) -> None:
    """GET /health/ and /health as the deployed API or URL sends them, to the function they target."""
    context = rehearsal.context
    api = Api(rehearsal, target, host)
    health = api.get("/health/")
    assert health["statusCode"] == 200, health
    expected = {"status": "ok", "database": "ok"} if context["database"] == "postgresql" else {"status": "ok"}
    assert json.loads(health["body"]) == expected
    redirect = api.get("/health")
    prefix = "" if api.stage == "$default" else f"/{api.stage}"
    assert (redirect["statusCode"], redirect["headers"]["location"]) == (301, f"{prefix}/health/")
    last = rehearsal.aws.invocations()[-1]
    assert last["qualifier"] == (rehearsal.alias or "$LATEST")
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
