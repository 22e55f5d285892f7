#!/usr/bin/env python
"""Let this repository's GitHub Actions deploy a stage: ``python scripts/ci_access.py production``.

Creates or updates the stack ``<function name>-ci-access`` (deploy/ci-access.yaml): GitHub's OIDC
provider in the account (unless one exists already) and the deploy role, which only a workflow job of
this repository running in its ``production`` environment can assume. The role may release the app
(package, function, API, migrations, static files) and nothing more; changes to deploy/stack.yaml
still need someone allowed to change IAM (see the README, "The pipeline").

The repository is read from the ``origin`` remote (``--repository OWNER/NAME`` to name another).
At the end it prints the role's ARN, for the repository variable ``AWS_DEPLOY_ROLE_ARN``.
``python scripts/deploy.py <stage> --destroy`` deletes this stack with the rest.
"""

import argparse
import re
import shutil
import subprocess
import sys

from cloudformation import StackError, deploy_stack

from deploy import PROJECT_DIR, DeployError, Stage, aws_session, step

TEMPLATE = PROJECT_DIR / "deploy" / "ci-access.yaml"
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


{%- if cookiecutter.cold_start == "keep_warm" %}


def keep_warm_rule(function_name: str) -> str:
    """The keep-warm schedule's rule, named by Zappa's own code as `zappa update` names it (zappa/cli.py)."""
    from zappa.core import Zappa

    event = {"name": "zappa-keep-warm", "function": "handler.keep_warm_callback"}
    return Zappa(load_credentials=False).get_scheduled_event_name(event, event["function"], function_name)
{%- endif %}


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
{%- if cookiecutter.cold_start == "keep_warm" %}
        parameters["KeepWarmRuleName"] = keep_warm_rule(stage.function_name)
{%- endif %}
        outputs = deploy_stack(session.client("cloudformation"), stage.ci_stack_name, parameters, TEMPLATE)
    except (DeployError, StackError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    step(
        "Give the workflow the role: in the repository's Settings, Secrets and variables, Actions, Variables, "
        f"set AWS_DEPLOY_ROLE_ARN to\n    {outputs['DeployRoleArn']}\n"
        f"    (or: gh variable set AWS_DEPLOY_ROLE_ARN --body {outputs['DeployRoleArn']})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
