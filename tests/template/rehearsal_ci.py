"""The CI step of the rehearsal: the deploy role the README's pipeline command makes, and the deploy job as it.

The README's pipeline command makes the role; :func:`grant_ci_access` runs it and signs in as the
role the way GitHub's configure-aws-credentials action does (AssumeRoleWithWebIdentity).
:func:`ci_deploy_commands` reads the deploy job's ``run:`` steps from the workflow file, and
:func:`check_ci_role` holds the role to the calls they made: each allowed on its resource, and
nothing granted that the job didn't need.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from deployed_state import policy_document, unexplained_parliament_findings
from documented_commands import readme_commands, workflow_job
from iam_calls import allowed, change_set_stacks, granted_actions, needs
from rehearsal import PIPELINE_HEADING, Rehearsal

# The deploy job's actions set up GitHub's runner; here the rehearsal's environment does their work.
RUNNER_ACTIONS = {
    "actions/checkout@v4": "the baked project is the checkout",
    "actions/setup-python@v5": "the project's venv runs the runtime's Python",
    "aws-actions/configure-aws-credentials@v4": "the deploy role's session, from AssumeRoleWithWebIdentity",
}
# A GitHub repository the baked project is pushed to, as the README's pipeline section expects.
GITHUB_REMOTE = "https://github.com/acme/{}.git"
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


def ci_deploy_commands(project: Path, context: dict) -> list[str]:
    if context["ci_tool"] == "none":
        assert not (project / ".github").exists()
        return []
    job = workflow_job(project, "deploy")
    assert set(job.uses) == set(RUNNER_ACTIONS), "explain each new action in RUNNER_ACTIONS"
    assert any("scripts/deploy.py production" in command for command in job.run)
    return job.run


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
    trust = policy_document(iam.get_role(RoleName=role_arn.rsplit("/", 1)[1])["Role"]["AssumeRolePolicyDocument"])
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


def rehearse_ci(rehearsal: Rehearsal) -> None:
    """The README's pipeline command, then the deploy job's steps as the deploy role, held to the calls they made."""
    role_arn, credentials = grant_ci_access(rehearsal)
    calls_before = len(rehearsal.aws.calls())
    for command in ci_deploy_commands(rehearsal.project, rehearsal.context):
        rehearsal.run(command, credentials)
    if role_arn:
        check_ci_role(rehearsal, role_arn, rehearsal.aws.calls()[calls_before:], credentials["AWS_ACCESS_KEY_ID"])
