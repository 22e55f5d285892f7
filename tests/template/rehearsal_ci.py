"""The CI step of the rehearsal: the deploy role the README's pipeline command makes, and the deploy job as it.

GitHub Actions: the README's pipeline command makes the role; :func:`grant_ci_access` runs it and signs
in as the role the way GitHub's configure-aws-credentials action does (AssumeRoleWithWebIdentity).
:func:`ci_deploy_commands` reads the deploy job's ``run:`` steps from the workflow file.

GitLab CI/CD (:func:`rehearse_gitlab`): the README's pipeline command makes the role, then the deploy
job's ``script`` from .gitlab-ci.yml runs in one shell, as GitLab's runner runs it, with what the runner
gives it: the ID token its ``id_tokens`` asks for (:func:`gitlab_token`: GitLab's claims for a push to
main), the protected CI/CD variable ``AWS_DEPLOY_ROLE_ARN``, GitLab's predefined variables and the
pipeline's, and no AWS keys. boto3 and Zappa assume the role themselves from the token file.
moto 5.2.5 lets any token assume any role: it checks neither the token nor the role's trust policy.
So :func:`trust_allows` evaluates the trust policy as STS does for an OIDC token (signature aside),
against the token the job sent (read back from the recorded AssumeRoleWithWebIdentity calls) and
against the tokens GitLab gives other pipelines, which it must refuse; and STS's GetCallerIdentity
tells which access keys were the role's sessions.

Either way, :func:`check_ci_role` holds the role to the calls the job made: each allowed on its
resource, and nothing granted that the job didn't need.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import time
import uuid
from pathlib import Path

import boto3
from deployed_state import policy_document, unexplained_parliament_findings
from documented_commands import gitlab_job, readme_commands, workflow_job
from iam_calls import allowed, change_set_stacks, granted_actions, needs
from rehearsal import PIPELINE_HEADING, Rehearsal

from support.aws_stand_in import ACCOUNT_ID, DUMMY_CREDENTIALS

# The deploy job's actions set up GitHub's runner; here the rehearsal's environment does their work.
RUNNER_ACTIONS = {
    "actions/checkout@v4": "the baked project is the checkout",
    "actions/setup-python@v5": "the project's venv runs the runtime's Python",
    "astral-sh/setup-uv@v6": "the suite's uv (the version the lock names) is on the rehearsal's PATH",
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
        assert not (project / ".github").exists() and not (project / ".gitlab-ci.yml").exists()
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
    assert commands == ["uv run scripts/ci_access.py production"]
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


def check_ci_role(rehearsal: Rehearsal, role_arn: str, calls: list[dict], access_keys: set[str]) -> None:
    """The deploy job made every call as the deploy role (one of its sessions' keys), the role allows each
    one on what it acted on, and it allows no action the job didn't need."""
    function_calls = {"secretsmanager:GetSecretValue"}  # the deployed function's own, while Zappa invokes it
    strangers = {f"{c['service']}:{c['operation']}" for c in calls if c["access_key"] not in access_keys}
    assert strangers <= function_calls, strangers
    calls = [call for call in calls if call["access_key"] in access_keys]
    stacks = change_set_stacks(calls)
    needed = [need for call in calls for need in needs(call, stacks)]
    policies = rehearsal.deployment.role_policies(role_arn)
    refused = sorted({str(need) for need in needed if not allowed(need, policies)})
    assert refused == [], "the deploy role refuses:\n" + "\n".join(refused)
    assert granted_actions(policies) - {need.action for need in needed} <= set(NOT_ALWAYS_CALLED)
    assert unexplained_parliament_findings(policies) == []


def rehearse_ci(rehearsal: Rehearsal) -> None:
    """The README's pipeline command, then the deploy job's steps as the deploy role, held to the calls they made."""
    if rehearsal.context["ci_tool"] == "gitlab_ci":
        rehearse_gitlab(rehearsal)
        return
    role_arn, credentials = grant_ci_access(rehearsal)
    calls_before = len(rehearsal.aws.calls())
    for command in ci_deploy_commands(rehearsal.project, rehearsal.context):
        rehearsal.run(command, credentials)
    if role_arn:
        check_ci_role(rehearsal, role_arn, rehearsal.aws.calls()[calls_before:], {credentials["AWS_ACCESS_KEY_ID"]})


# GitLab CI/CD.

# Where the GitLab rehearsals push the project: (origin remote, the instance's URL, project path), by API
# type. GitLab.com with a project in a subgroup, over SSH; a self-managed instance, over HTTPS.
GITLAB_PROJECTS = {
    "rest_api": ("git@gitlab.com:acme/platform/{}.git", "https://gitlab.com", "acme/platform/{}"),
    "function_url": ("https://gitlab.example.com/acme/{}.git", "https://gitlab.example.com", "acme/{}"),
}
# The deploy job's keywords, and what the rehearsal does for each.
GITLAB_JOB_KEYWORDS = {
    "stage": "the job runs after the first deploy, as the pipeline runs it after lint and tests",
    "rules": "a push to main, as GITLAB_RUNNER has it (test_bake.py checks the rule)",
    "environment": "production, in the token's claims",
    "resource_group": "one deploy at a time: the rehearsal runs one",
    "id_tokens": "the token, from gitlab_token",
    "script": "run in one bash session with set -eo pipefail, as GitLab's runner does",
}
# GitLab's predefined variables of a job of a push to main (https://docs.gitlab.com/ci/variables/predefined_variables/).
GITLAB_RUNNER = {
    "CI_PIPELINE_SOURCE": "push",
    "CI_COMMIT_BRANCH": "main",
    "CI_DEFAULT_BRANCH": "main",
    "CI_PROJECT_ID": "4242",
    "CI_PIPELINE_ID": "900100",
    "CI_JOB_ID": "7001",
}
SESSION_NAME = "gitlab-4242-7001"  # AWS_ROLE_SESSION_NAME in .gitlab-ci.yml, from the variables above


def gitlab_token(
    issuer: str, project_path: str, *, aud: str = "sts.amazonaws.com", ref: str = "main", ref_type: str = "branch"
) -> str:
    """An ID token with the claims GitLab gives a job (https://docs.gitlab.com/ci/secrets/id_token_authentication/).
    Not signed: neither moto nor :func:`trust_allows` checks a signature."""
    now = int(time.time())
    claims = {
        "iss": issuer,
        "aud": aud,
        "sub": f"project_path:{project_path}:ref_type:{ref_type}:ref:{ref}",
        "iat": now,
        "nbf": now,
        "exp": now + 3600,
        "jti": str(uuid.uuid4()),
        "namespace_path": project_path.rsplit("/", 1)[0],
        "project_path": project_path,
        "project_id": GITLAB_RUNNER["CI_PROJECT_ID"],
        "pipeline_id": GITLAB_RUNNER["CI_PIPELINE_ID"],
        "pipeline_source": "push",
        "job_id": GITLAB_RUNNER["CI_JOB_ID"],
        "ref": ref,
        "ref_type": ref_type,
        "ref_path": f"refs/{'heads' if ref_type == 'branch' else 'tags'}/{ref}",
        "ref_protected": "true",
        "environment": "production",
        "environment_protected": "false",
        "user_login": "maintainer",
    }

    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return ".".join([part({"alg": "RS256", "typ": "JWT", "kid": "rehearsal"}), part(claims), part("unsigned")])


def token_claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def other_pipelines(issuer: str, project_path: str) -> dict[str, str]:
    """Tokens GitLab gives jobs that must not deploy."""
    name = project_path.rsplit("/", 1)[1]
    return {
        "a merge request's pipeline (its source branch)": gitlab_token(issuer, project_path, ref="add-feature"),
        "another branch": gitlab_token(issuer, project_path, ref="develop"),
        "a tag named main": gitlab_token(issuer, project_path, ref_type="tag"),
        "a fork's main": gitlab_token(issuer, f"someone/{name}", ref="main"),
        "another project of the group": gitlab_token(issuer, f"{project_path}-staging"),
        "another GitLab instance": gitlab_token("https://gitlab.other.example", project_path),
        "a token meant for another service": gitlab_token(issuer, project_path, aud=issuer),
    }


def trust_allows(trust: dict, iam, token: str) -> bool:
    """Whether STS would let an OIDC ID token assume the role (AssumeRoleWithWebIdentity,
    https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html), its signature
    aside: an Allow statement for the action whose Federated principal is the provider of the token's
    issuer, the token's audience among that provider's client IDs, and each condition met. Conditions
    other than StringEquals fail the test: none may go unevaluated."""
    claims = token_claims(token)
    issuer = claims["iss"].removeprefix("https://")
    for statement in trust["Statement"]:
        if statement["Effect"] != "Allow" or statement["Action"] != "sts:AssumeRoleWithWebIdentity":
            continue
        provider = statement["Principal"]["Federated"]
        if not provider.endswith(f":oidc-provider/{issuer}"):
            continue
        if claims["aud"] not in iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider)["ClientIDList"]:
            continue
        conditions = statement.get("Condition", {})
        assert set(conditions) <= {"StringEquals"}, f"not evaluated here: {conditions}"
        equals = conditions.get("StringEquals", {})
        # A key names the provider, then the claim ("gitlab.com:sub"); a key of another provider is absent.
        if all(
            key.startswith(f"{issuer}:") and claims.get(key.removeprefix(f"{issuer}:")) in wanted_values(value)
            for key, value in equals.items()
        ):
            return True
    return False


def wanted_values(value: str | list[str]) -> list[str]:
    return value if isinstance(value, list) else [value]


def check_gitlab_trust(rehearsal: Rehearsal, role_arn: str, gitlab_url: str, project_path: str) -> dict:
    """GitLab's provider (audience sts.amazonaws.com), and only this project's main branch
    (https://docs.gitlab.com/ci/cloud_services/aws/); returns the trust policy."""
    iam = rehearsal.aws.client("iam", "us-east-1")
    trust = policy_document(iam.get_role(RoleName=role_arn.rsplit("/", 1)[1])["Role"]["AssumeRolePolicyDocument"])
    [statement] = trust["Statement"]
    issuer = gitlab_url.removeprefix("https://")
    provider = statement["Principal"]["Federated"]
    assert provider == f"arn:aws:iam::{ACCOUNT_ID}:oidc-provider/{issuer}"
    assert iam.get_open_id_connect_provider(OpenIDConnectProviderArn=provider)["ClientIDList"] == ["sts.amazonaws.com"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert statement["Condition"] == {
        "StringEquals": {
            f"{issuer}:aud": "sts.amazonaws.com",
            f"{issuer}:sub": f"project_path:{project_path}:ref_type:branch:ref:main",
        }
    }
    return trust


def role_sessions(rehearsal: Rehearsal, role_arn: str, calls: list[dict]) -> set[str]:
    """The access keys of the calls that were the role's sessions named as the job names them, as STS's
    GetCallerIdentity answers for each key (moto keeps whose each key is; it checks no signature)."""
    session = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_arn.rsplit('/', 1)[1]}/{SESSION_NAME}"
    keys = set()
    for key in {call["access_key"] for call in calls if call["access_key"]}:
        sts = boto3.client(
            "sts",
            region_name="us-east-1",
            endpoint_url=rehearsal.aws.url,
            aws_access_key_id=key,
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
        )
        if sts.get_caller_identity()["Arn"] == session:
            keys.add(key)
    return keys


def rehearse_gitlab(rehearsal: Rehearsal) -> None:
    """The README's pipeline command, then the deploy job of .gitlab-ci.yml as GitLab's runner runs it."""
    project, context = rehearsal.project, rehearsal.context
    where = GITLAB_PROJECTS.get(context["api_gateway"], GITLAB_PROJECTS["rest_api"])
    remote, gitlab_url, project_path = (part.format(context["project_slug"]) for part in where)
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "remote", "add", "origin", remote], cwd=project, check=True)
    commands = readme_commands(project, PIPELINE_HEADING)
    assert commands == ["uv run scripts/ci_access.py production"]
    output = rehearsal.run(commands[0])
    assert f"for {project_path} on {gitlab_url}" in output, output  # read from the origin remote
    role_arn = re.search(r"AWS_DEPLOY_ROLE_ARN, set to\n\s+(arn:aws:iam::\d+:role/\S+)", output).group(1)
    trust = check_gitlab_trust(rehearsal, role_arn, gitlab_url, project_path)

    job = gitlab_job(project, "deploy")
    assert set(job.spec) == set(GITLAB_JOB_KEYWORDS), "explain each new keyword in GITLAB_JOB_KEYWORDS"
    [(token_variable, token_request)] = job.spec["id_tokens"].items()
    token = gitlab_token(gitlab_url, project_path, aud=token_request["aud"])
    assert all('"' not in value for value in job.variables.values())
    script = "\n".join(
        ["set -eo pipefail", *(f'export {name}="{value}"' for name, value in job.variables.items()), *job.script]
    )
    runner = {
        **GITLAB_RUNNER,
        "CI_PROJECT_DIR": str(project),
        "AWS_DEPLOY_ROLE_ARN": role_arn,  # the protected CI/CD variable the README has you add
        token_variable: token,
        **dict.fromkeys(DUMMY_CREDENTIALS),  # no AWS keys in a GitLab job
    }
    calls_before = len(rehearsal.aws.calls())
    output = rehearsal.run(script, runner)
    calls = rehearsal.aws.calls()[calls_before:]

    # The deploy command says whom it runs as.
    assert f"as arn:aws:sts::{ACCOUNT_ID}:assumed-role/{role_arn.rsplit('/', 1)[1]}/{SESSION_NAME}" in output
    # Every role session came from the job's token, unsigned (the token is the proof), for this role.
    assumed = [call for call in calls if call["operation"] == "AssumeRoleWithWebIdentity"]
    assert assumed, "the job assumed no role"
    for call in assumed:
        assert call["access_key"] == ""
        assert call["body"]["RoleArn"] == role_arn and call["body"]["RoleSessionName"] == SESSION_NAME
        assert call["body"]["WebIdentityToken"] == token
    # What moto doesn't do: STS's decision on that token, and on the tokens of pipelines that must not deploy.
    iam = rehearsal.aws.client("iam", "us-east-1")
    assert trust_allows(trust, iam, token)
    others = other_pipelines(gitlab_url, project_path)
    let_in = [name for name, other in others.items() if trust_allows(trust, iam, other)]
    assert let_in == [], f"the role trusts {let_in}"
    keys = role_sessions(rehearsal, role_arn, calls)
    assert keys, "no call was made as the role"
    check_ci_role(rehearsal, role_arn, [call for call in calls if call not in assumed], keys)
