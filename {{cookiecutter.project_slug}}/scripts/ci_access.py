#!/usr/bin/env python
{%- if cookiecutter.ci_tool == "github_actions" %}
"""Let this repository's GitHub Actions deploy a stage: ``uv run scripts/ci_access.py production``.

Creates or updates the stack ``<function name>-ci-access`` (deploy/ci-access.yaml): GitHub's OIDC
provider in the account (unless one exists already) and the deploy role, which only a workflow job of
this repository running in its ``production`` environment can assume. The role may release the app
(package, function, API, migrations, static files) and nothing more; changes to deploy/stack.yaml
still need someone allowed to change IAM (see the README, "The pipeline").

The repository is read from the ``origin`` remote (``--repository OWNER/NAME`` to name another).
At the end it prints the role's ARN, for the repository variable ``AWS_DEPLOY_ROLE_ARN``.
``uv run scripts/deploy.py <stage> --destroy`` deletes this stack with the rest.
"""
{%- else %}
"""Let this project's GitLab CI/CD deploy a stage: ``uv run scripts/ci_access.py production``.

Creates or updates the stack ``<function name>-ci-access`` (deploy/ci-access.yaml): the GitLab instance's
OIDC provider in the account (unless one exists already) and the deploy role, which only a job of this
project's ``main`` branch can assume, with an ID token for ``sts.amazonaws.com`` (.gitlab-ci.yml). Keep
``main`` protected: whoever can push to it can deploy. The role may release the app (package, function,
API, migrations, static files) and nothing more; changes to deploy/stack.yaml still need someone allowed
to change IAM (see the README, "The pipeline").

The project and the instance are read from the ``origin`` remote (``--project GROUP/PROJECT`` to name
another, on GitLab.com unless ``--gitlab-url`` names a self-managed instance). At the end it prints the
role's ARN, for the protected CI/CD variable ``AWS_DEPLOY_ROLE_ARN``.
``uv run scripts/deploy.py <stage> --destroy`` deletes this stack with the rest.
"""
{%- endif %}

import argparse
import re
import shutil
import subprocess
import sys

from cloudformation import StackError, deploy_stack

from deploy import PROJECT_DIR, DeployError, Stage, aws_session, step

TEMPLATE = PROJECT_DIR / "deploy" / "ci-access.yaml"
{%- if cookiecutter.ci_tool == "github_actions" %}
GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
# OWNER/NAME from https://github.com/OWNER/NAME(.git) or git@github.com:OWNER/NAME(.git).
GITHUB_REMOTE = re.compile(r"github\.com[:/]([A-Za-z0-9-]+/[A-Za-z0-9._-]+?)(?:\.git)?/?$")
REPOSITORY = re.compile(r"[A-Za-z0-9-]+/[A-Za-z0-9._-]+")


def origin_repository() -> str:
    """OWNER/NAME of the origin remote on GitHub."""
    git = shutil.which("git")
    if git is None:
        raise DeployError("git is not installed: name the repository with --repository OWNER/NAME")
    remote = subprocess.run([git, "remote", "get-url", "origin"], cwd=PROJECT_DIR, capture_output=True, text=True)
    remote = remote.stdout.strip()
    match = GITHUB_REMOTE.search(remote)
    if not match:
        raise DeployError(
            f"the origin remote ({remote or 'none'}) is not a GitHub repository: push the project to GitHub "
            "first, or name it with --repository OWNER/NAME"
        )
    return match.group(1)


def existing_oidc_provider(iam) -> str:
    """The ARN of the account's GitHub OIDC provider, or "" (an account has at most one per URL)."""
    host = GITHUB_OIDC_URL.removeprefix("https://")
    for provider in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        if provider["Arn"].endswith(f"oidc-provider/{host}"):
            return provider["Arn"]
    return ""
{%- else %}
GITLAB_COM = "https://gitlab.com"
AUDIENCE = "sts.amazonaws.com"  # the aud of the deploy job's ID token (id_tokens in .gitlab-ci.yml)
# https://HOST/GROUP/PROJECT(.git), git@HOST:GROUP/PROJECT(.git) or ssh://git@HOST[:PORT]/GROUP/PROJECT(.git);
# GitLab's projects may sit in subgroups (GROUP/SUBGROUP/PROJECT).
GITLAB_REMOTE = re.compile(
    r"(?:https://(?:[^@/]+@)?|ssh://(?:[^@/]+@)?|[^@/:]+@)(?P<host>[A-Za-z0-9.-]+)(?::\d+)?[:/]"
    r"(?P<project>[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+?)/?"
)
PROJECT = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)+")
GITLAB_URL = re.compile(r"https://[A-Za-z0-9.-]+(?:/[A-Za-z0-9._~-]+)*")  # the issuer of its ID tokens


def origin_project() -> tuple[str, str]:
    """The GitLab instance's URL and GROUP/PROJECT of the origin remote."""
    git = shutil.which("git")
    if git is None:
        raise DeployError("git is not installed: name the project with --project GROUP/PROJECT")
    remote = subprocess.run([git, "remote", "get-url", "origin"], cwd=PROJECT_DIR, capture_output=True, text=True)
    remote = remote.stdout.strip()
    match = GITLAB_REMOTE.fullmatch(remote)
    if not match or match["host"] == "github.com":
        raise DeployError(
            f"the origin remote ({remote or 'none'}) is not a GitLab project: push the project to GitLab first, "
            "or name it with --project GROUP/PROJECT"
        )
    return f"https://{match['host']}", match["project"].removesuffix(".git")


def existing_oidc_provider(iam, gitlab_url: str) -> str:
    """The ARN of the account's OIDC provider for this GitLab instance, or "" (an account has at most one per URL).

    One made as GitLab's guide has it accepts the instance's URL as audience, not the deploy job's: that one is
    added, or AWS would refuse the job's token (https://docs.gitlab.com/ci/cloud_services/aws/).
    """
    issuer = gitlab_url.removeprefix("https://")
    for provider in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        arn = provider["Arn"]
        if arn.endswith(f":oidc-provider/{issuer}"):
            if AUDIENCE not in iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)["ClientIDList"]:
                step(f"Adding the audience {AUDIENCE} to the account's OIDC provider for {issuer}")
                iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID=AUDIENCE)
            return arn
    return ""
{%- endif %}

{%- if cookiecutter.cold_start == "keep_warm" %}


def keep_warm_rule(function_name: str) -> str:
    """The keep-warm schedule's rule, named by Zappa's own code as `zappa update` names it (zappa/cli.py)."""
    from zappa.core import Zappa

    event = {"name": "zappa-keep-warm", "function": "handler.keep_warm_callback"}
    return Zappa(load_credentials=False).get_scheduled_event_name(event, event["function"], function_name)
{%- endif %}


def deploy_role(stage: Stage, session, parameters: dict[str, str]) -> str:
    """Create or update the stage's CI access stack with these parameters; the deploy role's ARN."""
{%- if cookiecutter.cold_start == "keep_warm" %}
    parameters = {**parameters, "KeepWarmRuleName": keep_warm_rule(stage.function_name)}
{%- endif %}
    outputs = deploy_stack(session.client("cloudformation"), stage.ci_stack_name, parameters, TEMPLATE)
    return outputs["DeployRoleArn"]
{%- if cookiecutter.ci_tool == "github_actions" %}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", help="the stage CI deploys: production")
    parser.add_argument("--repository", metavar="OWNER/NAME", help="the GitHub repository (default: origin's)")
    args = parser.parse_args()
    try:
        stage = Stage.load(args.stage)
        repository = args.repository or origin_repository()
        if not REPOSITORY.fullmatch(repository):
            raise DeployError(f"--repository must be OWNER/NAME, not {repository!r}")
        step(f"Checking the AWS credentials for {stage.name}")
        session = aws_session(stage)
        step(f"Deploying the stack {stage.ci_stack_name} (deploy/ci-access.yaml) for {repository}")
        parameters = {
            "GitHubRepository": repository,
            "GitHubEnvironment": stage.name,
            "OidcProviderArn": existing_oidc_provider(session.client("iam")),
            **stage.release_resources(),
        }
        role_arn = deploy_role(stage, session, parameters)
    except (DeployError, StackError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    step(
        "Give the workflow the role: in the repository's Settings, Secrets and variables, Actions, Variables, "
        f"set AWS_DEPLOY_ROLE_ARN to\n    {role_arn}\n"
        f"    (or: gh variable set AWS_DEPLOY_ROLE_ARN --body {role_arn})"
    )
    return 0
{%- else %}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", help="the stage CI deploys: production")
    parser.add_argument("--project", metavar="GROUP/PROJECT", help="the GitLab project (default: origin's)")
    gitlab_url_help = f"the GitLab instance (default: origin's host; with --project, {GITLAB_COM})"
    parser.add_argument("--gitlab-url", metavar="URL", help=gitlab_url_help)
    args = parser.parse_args()
    try:
        stage = Stage.load(args.stage)
        if args.project:
            gitlab_url, project = GITLAB_COM, args.project
        else:
            gitlab_url, project = origin_project()
        gitlab_url = (args.gitlab_url or gitlab_url).rstrip("/")
        if not PROJECT.fullmatch(project):
            raise DeployError(f"--project must be GROUP/PROJECT, not {project!r}")
        if not GITLAB_URL.fullmatch(gitlab_url):
            raise DeployError(f"--gitlab-url must be the instance's https:// URL, not {gitlab_url!r}")
        step(f"Checking the AWS credentials for {stage.name}")
        session = aws_session(stage)
        provider = existing_oidc_provider(session.client("iam"), gitlab_url)
        step(f"Deploying the stack {stage.ci_stack_name} (deploy/ci-access.yaml) for {project} on {gitlab_url}")
        parameters = {
            "GitLabProjectPath": project,
            "GitLabUrl": gitlab_url,
            "OidcProviderArn": provider,
            **stage.release_resources(),
        }
        role_arn = deploy_role(stage, session, parameters)
    except (DeployError, StackError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    step(
        "Give the pipeline the role: in the project's Settings, CI/CD, Variables, add the protected variable "
        f"AWS_DEPLOY_ROLE_ARN, set to\n    {role_arn}\n"
        f"    (or: glab variable set AWS_DEPLOY_ROLE_ARN {role_arn} --protected)\n"
        "    and keep main protected (Settings, Repository, Protected branches): whoever can push to main can deploy."
    )
    return 0
{%- endif %}


if __name__ == "__main__":
    sys.exit(main())
