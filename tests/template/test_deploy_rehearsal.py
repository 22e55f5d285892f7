"""The deploy rehearsal: what a user and the CI pipeline run to deploy, run against an AWS stand-in.

For each bake, in this order, with Zappa's, boto3's and Django's real code:

1. the generated README's deploy commands, exactly as written (answering the prompts they ask);
2. the CI deploy job's commands, read from the GitHub workflow or .gitlab-ci.yml (two bakes use GitLab);
3. the README's deploy command once more: a release must be idempotent;
4. the README's teardown; afterwards nothing the deploy made may be left.

Between 1 and 2, what the stage does after the response and on its own (rehearsal_day_two.py): tasks,
failed events and the README's "Operating it" commands, schedules, the request log.

docs/deploy-rehearsal.md says what is checked after each step, what the stand-in
(support/aws_stand_in) adds to moto, and what is checked another way. Zappa's post-deploy "touch"
would leave this machine: it is off in the rehearsal's copy of zappa_settings.json only.

This module holds the bakes and the order of the steps. rehearsal.py runs the commands;
rehearsal_checks.py, rehearsal_secrets.py, rehearsal_day_two.py and rehearsal_ci.py hold the checks; deployed_state.py
and iam_calls.py read back what the deploy left and what its calls needed.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from deployed_state import expected_role_actions, inventory, leftovers, unexplained_parliament_findings
from documented_commands import readme_commands
from helpers import CACHE_DIR, reuse_lambda_requirements, runtime_python, share_lambda_requirements
from iam_calls import granted_actions
from rehearsal import DEPLOY_HEADING, TEARDOWN_HEADING, Rehearsal, make_network, turn_off_touch
from rehearsal_checks import (
    Api,
    check_architecture_switch,
    check_cold_start,
    check_deployment_bucket,
    check_function_settings,
    check_invoke_path,
    check_requests,
    check_templates,
    stack_network,
)
from rehearsal_ci import rehearse_ci
from rehearsal_day_two import (
    check_alarms,
    check_function_configuration,
    check_request_log,
    check_schedules,
    check_tasks,
    send_webhooks_to,
    tasks_on,
)
from rehearsal_secrets import check_login_rotation, check_no_secret_in, stack_database, stored_secrets

from support.aws_stand_in import StandIn
from support.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.slow

# Every API type with every cold-start choice; VPC, database, proxy, storage, admin, CI, runtimes,
# Django versions and regions vary across them. VPC bakes get subnets the test makes in the stand-in,
# except those that leave the IDs empty: their stack makes the VPC.
NEW_VPC = {"use_vpc": True, "vpc_subnet_ids": "", "vpc_security_group_ids": ""}
REHEARSALS = [
    pytest.param({}, id="http_api-snap_start-defaults"),
    pytest.param(  # tasks=auto: none in a VPC, where they would need a Lambda endpoint billed by the hour
        {"cold_start": "provisioned_concurrency", "use_vpc": True, "storage": "none", "python_runtime": "python3.12"},
        id="http_api-provisioned-vpc-db-py312-no_tasks",
    ),
    pytest.param(  # arm64 runs here because nothing in its package is machine code (support/machine_code.py)
        {"cold_start": "keep_warm", "database": "none", "aws_region": "eu-west-1", "architecture": "arm64"},
        id="http_api-keep_warm-no_db-arm64",
    ),
    pytest.param(
        {
            "cold_start": "none",
            "use_vpc": True,
            "use_rds_proxy": True,
            "use_admin": True,
            "django_version": "6.1",
            "tasks": "lambda",
            "xray_tracing": True,
        },
        id="http_api-none-vpc-proxy-admin-dj61-tasks-xray",
    ),
    pytest.param(
        {
            "api_gateway": "rest_api",
            "use_vpc": True,
            "python_runtime": "python3.12",
            "aws_region": "ap-southeast-2",
            "ci_tool": "gitlab_ci",
            "tasks": "lambda",
        },
        id="rest_api-snap_start-vpc-s3-gitlab-tasks",
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
            "tasks": "none",
        },
        id="rest_api-keep_warm-bare-no_ci-no_tasks",
    ),
    pytest.param(
        {
            "api_gateway": "rest_api",
            "cold_start": "none",
            **NEW_VPC,
            "use_rds_proxy": True,
            "use_admin": True,
            "tasks": "lambda",
            "alarm_email": "ops@example.com",
        },
        id="rest_api-none-newvpc-proxy-admin-tasks-email",
    ),
    pytest.param(
        {"api_gateway": "function_url", "aws_region": "eu-central-1", "xray_tracing": True, "alarm_email": "a@b.io"},
        id="function_url-snap_start-db-s3-xray-email",
    ),
    pytest.param(
        {
            "api_gateway": "function_url",
            "cold_start": "provisioned_concurrency",
            "database": "none",
            **NEW_VPC,
            "tasks": "lambda",
        },
        id="function_url-provisioned-newvpc-no_db-tasks",
    ),
    pytest.param(
        {
            "api_gateway": "function_url",
            "cold_start": "keep_warm",
            "timeout_seconds": 300,
            "storage": "none",
            "ci_tool": "gitlab_ci",
        },
        id="function_url-keep_warm-db-gitlab",
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


@pytest.fixture
def aws(tmp_path) -> StandIn:
    interpreters = {runtime: runtime_python(runtime) for runtime in ("python3.12", "python3.13")}
    with StandIn(tmp_path / "aws", CACHE_DIR, interpreters) as stand_in:
        yield stand_in


@pytest.fixture
def webhook_receiver() -> WebhookReceiver:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


@pytest.mark.parametrize("values", REHEARSALS)
def test_deploy_rehearsal(values, aws, webhook_receiver, cookies_session, request):
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
    if tasks_on(context):
        send_webhooks_to(project, webhook_receiver.url)
    rehearsal = Rehearsal(project, context, aws, database_url)
    before = inventory(aws, region)

    first_deploy = readme_commands(project, DEPLOY_HEADING, before=TEARDOWN_HEADING)
    reuse_lambda_requirements(project, context)
    for command in first_deploy:
        rehearsal.run(command)
    share_lambda_requirements(project, context)
    first = check_deployed(rehearsal, network)
    check_login_rotation(rehearsal, first)
    check_day_two(rehearsal, first, webhook_receiver)
    rehearse_ci(rehearsal)
    rehearsal.run(first_deploy[-1])
    second = check_deployed(rehearsal, network)
    assert second == first, "a release must keep the API, the URL and every setting"
    check_templates(rehearsal)
    if context["architecture"] == "arm64":
        check_architecture_switch(rehearsal, first_deploy[-1], "x86_64")

    for command in readme_commands(project, TEARDOWN_HEADING):
        rehearsal.run(command)
    print("\n".join(rehearsal.transcript))  # -rA shows what ran, in how many seconds
    assert leftovers(aws, region, before) == {}


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
    target, host = check_invoke_path(rehearsal)
    check_cold_start(deployment, context, rehearsal.alias)
    check_requests(rehearsal, target, host)
    check_function_configuration(rehearsal, outputs)
    check_alarms(rehearsal, outputs)
    return {"target": target, "host": host, "environment": environment, "role": config["Role"], "outputs": outputs}


def check_day_two(rehearsal: Rehearsal, deployed: dict, receiver: WebhookReceiver) -> None:
    """After the first deploy: the request log, the schedules, tasks and their failures (rehearsal_day_two.py)."""
    api = Api(rehearsal, deployed["target"], deployed["host"])
    check_request_log(api)
    check_schedules(rehearsal)
    check_tasks(rehearsal, api, receiver, deployed["outputs"])
