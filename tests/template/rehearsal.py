"""A bake under rehearsal: where its commands run, against which stand-in, and the transcript they leave.

:class:`Rehearsal` runs a documented command as a user would (in the project, with its virtualenv,
answering the prompts it asks) and fails with the transcript so far when one exits non-zero. The
rest prepares a bake for it: the network an existing-VPC bake names, and Zappa's touch turned off.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path

from deployed_state import SERVING_ALIAS, Deployment
from helpers import project_environment, project_venv, runtime_python

from support.aws_stand_in import StandIn

# The sections of the generated README that hold the commands the rehearsal runs.
DEPLOY_HEADING, TEARDOWN_HEADING, PIPELINE_HEADING = "## Deploy", "### Tear it all down", "## The pipeline"


class Rehearsal:
    """A baked project, its virtualenv and the stand-in its commands talk to."""

    def __init__(self, project: Path, context: dict, aws: StandIn, database_url: str | None) -> None:
        self.project, self.context, self.aws = project, context, aws
        self.database_url = database_url
        venv = project_venv(project, runtime_python(context["python_runtime"]))
        self.env = project_environment(venv, aws.env(os.environ))
        self.deployment = Deployment(
            aws, context["aws_region"], f"{context['project_slug'].replace('_', '-')}-production"
        )
        # Zappa's alias every way in must target; None where requests go to $LATEST.
        self.alias = SERVING_ALIAS.get(context["cold_start"])
        self.transcript: list[str] = []

    def answer(self, command: str) -> str | None:
        """What a user types at the prompts a documented command asks."""
        if "--set-secret DATABASE_URL" in command:
            return f"{self.database_url}\n"
        if "--destroy" in command:
            return "production\n"
        return None

    def run(self, command: str, credentials: dict[str, str | None] | None = None) -> str:
        """Run a command as a user would; ``credentials`` adds to its environment (None removes a variable)."""
        started = time.monotonic()
        env = {key: value for key, value in {**self.env, **(credentials or {})}.items() if value is not None}
        result = subprocess.run(
            ["bash", "-c", command],
            cwd=self.project,
            env=env,
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


def turn_off_touch(project: Path) -> None:
    """Zappa's touch GETs the API's public URL, which would leave this machine: off in this copy only."""
    path = project / "zappa_settings.json"
    settings = json.loads(path.read_text())
    for stage in settings.values():
        stage["touch"] = False
    path.write_text(json.dumps(settings, indent=2))
