"""Deploy the generator site to AWS Lambda, and update it with the same command, from the repository's root:
``python -m deploy.lambda_deploy --stack generator-site``; ``--destroy`` deletes all of it.

Each step prints what it does, and each is safe to repeat:

1. check the AWS credentials and the region (``--region``, else the AWS configuration's);
2. build the package (deploy/lambda_package.py);
3. create or update the stack "<stack>-deployments" (deploy/site-deployments.yaml): the private bucket the
   package is uploaded to, under its SHA-256 (an unchanged package is not uploaded again);
4. create or update the stack "<stack>" (deploy/site.yaml): the function, its role and log group, and the
   HTTP API in front of it, with the package's template commit in the function's environment;
5. delete the packages in the bucket older than the one deployed before (a rollback of the stack reads it).

Change sets, as ``aws cloudformation deploy`` uses them: a stack without changes is not an error, and a stack
an earlier run left broken is reported with CloudFormation's reasons. Needs boto3 (requirements.txt) and, for
the bytecode, the runtime's Python (deploy/lambda_package.py says how it is found).
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError, WaiterError

from deploy.lambda_package import BuildError, Package, build
from generator_service.config import Settings

DEPLOY_DIR = Path(__file__).resolve().parent
SITE_TEMPLATE = DEPLOY_DIR / "site.yaml"
BUCKET_TEMPLATE = DEPLOY_DIR / "site-deployments.yaml"
# The function is named after the stack: Lambda's names are at most 64 characters.
STACK_NAME = re.compile(r"[A-Za-z][A-Za-z0-9-]{0,63}")
BROKEN_STATES = {
    "ROLLBACK_COMPLETE": "its first creation failed and was rolled back",
    "ROLLBACK_FAILED": "its first creation failed and could not be rolled back",
    "DELETE_FAILED": "an earlier deletion failed",
    "UPDATE_ROLLBACK_FAILED": "an update failed and could not be rolled back",
}
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")
STACK_WAIT = {"Delay": 5, "MaxAttempts": 120}


class DeployError(Exception):
    """Something the user must fix; the message says what."""


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def aws_session(region: str | None) -> boto3.Session:
    """A session in the region, once the credentials are known to work there."""
    session = boto3.Session(region_name=region)
    if not session.region_name:
        raise DeployError("no AWS region: pass --region, or set AWS_DEFAULT_REGION or a default region (aws configure)")
    try:
        identity = session.client("sts").get_caller_identity()
    except NoCredentialsError:
        raise DeployError("no AWS credentials: sign in (aws sso login, or aws configure) and run again") from None
    except (ClientError, BotoCoreError) as error:
        raise DeployError(f"the AWS credentials do not work: {error}") from None
    print(f"  account {identity['Account']}, region {session.region_name}, as {identity['Arn']}")
    return session


def stack_status(cloudformation: Any, name: str) -> str | None:
    try:
        return cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise


def failure_reasons(cloudformation: Any, name: str) -> str:
    events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
    reasons = [
        f"  {event['LogicalResourceId']}: {event['ResourceStatusReason']}"
        for event in events
        if event.get("ResourceStatus", "").endswith("FAILED") and event.get("ResourceStatusReason")
    ]
    return "\n".join(reasons[:5]) or "  (no reason recorded)"


def stack_outputs(cloudformation: Any, name: str) -> dict[str, str]:
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def stack_parameters(cloudformation: Any, name: str) -> dict[str, str]:
    """The parameters the stack was last deployed with; none when it doesn't exist."""
    if stack_status(cloudformation, name) in (None, "REVIEW_IN_PROGRESS"):
        return {}
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    return {parameter["ParameterKey"]: parameter["ParameterValue"] for parameter in stack.get("Parameters", [])}


def deploy_stack(cloudformation: Any, name: str, template: Path, parameters: dict[str, str]) -> dict[str, str]:
    """Create or update the stack from the template through a change set; return its outputs."""
    status = stack_status(cloudformation, name)
    if status in BROKEN_STATES:
        raise DeployError(
            f"The stack {name} is in {status}: {BROKEN_STATES[status]}.\n{failure_reasons(cloudformation, name)}\n"
            "Fix the cause, delete it (the same command with --destroy), and run again."
        )
    if status and status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
        raise DeployError(f"The stack {name} is busy ({status}); run again once it has finished.")
    creating = status in (None, "REVIEW_IN_PROGRESS")
    change_set = cloudformation.create_change_set(
        StackName=name,
        ChangeSetName=f"deploy-{int(time.time())}",
        ChangeSetType="CREATE" if creating else "UPDATE",
        TemplateBody=template.read_text(encoding="utf-8"),
        Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()],
        Capabilities=["CAPABILITY_IAM"],
    )
    if not change_set_has_changes(cloudformation, change_set["Id"]):
        print("  no changes")
        return stack_outputs(cloudformation, name)
    cloudformation.execute_change_set(ChangeSetName=change_set["Id"])
    waiter = "stack_create_complete" if creating else "stack_update_complete"
    try:
        cloudformation.get_waiter(waiter).wait(StackName=name, WaiterConfig=STACK_WAIT)
    except WaiterError:
        raise DeployError(f"The stack {name} did not deploy:\n{failure_reasons(cloudformation, name)}") from None
    return stack_outputs(cloudformation, name)


def change_set_has_changes(cloudformation: Any, change_set_id: str) -> bool:
    """True once the change set is ready to run, False when it holds no changes (it is then deleted)."""
    while True:
        described = cloudformation.describe_change_set(ChangeSetName=change_set_id)
        if described["Status"] == "CREATE_COMPLETE":
            if described.get("Changes", True):
                return True
            cloudformation.delete_change_set(ChangeSetName=change_set_id)
            return False
        if described["Status"] == "FAILED":
            reason = described.get("StatusReason", "")
            cloudformation.delete_change_set(ChangeSetName=change_set_id)
            if any(text in reason for text in NO_CHANGES):
                return False
            raise DeployError(f"CloudFormation refused the template: {reason}")
        time.sleep(2)


def delete_stack(cloudformation: Any, name: str) -> None:
    if stack_status(cloudformation, name) is None:
        print("  already gone")
        return
    cloudformation.delete_stack(StackName=name)
    try:
        cloudformation.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=STACK_WAIT)
    except WaiterError:
        raise DeployError(f"The stack {name} was not deleted:\n{failure_reasons(cloudformation, name)}") from None


def upload(s3: Any, bucket: str, key: str, package: Package) -> None:
    try:
        s3.head_object(Bucket=bucket, Key=key)
        print(f"  s3://{bucket}/{key} is already there")
        return
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("404", "NoSuchKey", "NotFound"):
            raise
    s3.upload_file(str(package.path), bucket, key, ExtraArgs={"ChecksumAlgorithm": "SHA256"})
    print(f"  s3://{bucket}/{key}")


def package_keys(s3: Any, bucket: str, stack: str) -> list[str]:
    pages = s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=f"{stack}/")
    return [item["Key"] for page in pages for item in page.get("Contents", [])]


def deploy(session: boto3.Session, stack: str, python: str | None, template_url: str) -> str:
    cloudformation, s3 = session.client("cloudformation"), session.client("s3")
    step("Building the package (deploy/lambda_package.py)")
    package = build(python)
    print(f"  {package.describe()}")
    step(f"Deployment bucket: stack {stack}-deployments (deploy/site-deployments.yaml)")
    bucket = deploy_stack(cloudformation, f"{stack}-deployments", BUCKET_TEMPLATE, {})["BucketName"]
    step("Uploading the package")
    key = f"{stack}/{package.sha256}.zip"
    upload(s3, bucket, key, package)
    previous = stack_parameters(cloudformation, stack).get("CodeKey")
    step(f"The site: stack {stack} (deploy/site.yaml)")
    parameters = {"CodeBucket": bucket, "CodeKey": key, "TemplateCommit": package.commit, "TemplateUrl": template_url}
    outputs = deploy_stack(cloudformation, stack, SITE_TEMPLATE, parameters)
    step("Deleting older packages")
    old = [name for name in package_keys(s3, bucket, stack) if name not in (key, previous)]
    for name in old:
        s3.delete_object(Bucket=bucket, Key=name)
    print(f"  {len(old)} deleted")
    return outputs["Url"]


def destroy(session: boto3.Session, stack: str) -> None:
    cloudformation, s3 = session.client("cloudformation"), session.client("s3")
    step(f"Deleting the site: stack {stack}")
    delete_stack(cloudformation, stack)
    bucket_stack = f"{stack}-deployments"
    step(f"Deleting the deployment bucket: stack {bucket_stack}")
    if stack_status(cloudformation, bucket_stack) is not None:
        bucket = stack_outputs(cloudformation, bucket_stack).get("BucketName")
        if bucket:  # CloudFormation deletes only an empty bucket
            for name in package_keys(s3, bucket, stack):
                s3.delete_object(Bucket=bucket, Key=name)
    delete_stack(cloudformation, bucket_stack)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True, help="the stack's name, which the function and the API take too")
    parser.add_argument("--region", help="the AWS region (default: the AWS configuration's)")
    parser.add_argument("--python", help="the python3.13 interpreter that compiles the bytecode")
    parser.add_argument("--destroy", action="store_true", help="delete the site, its bucket and its logs")
    arguments = parser.parse_args()
    if not STACK_NAME.fullmatch(arguments.stack):
        parser.error("--stack: a letter, then up to 63 letters, digits and hyphens")
    try:
        session = aws_session(arguments.region)
        if arguments.destroy:
            typed = input(f"This deletes the site {arguments.stack} and everything it holds. Type its name: ")
            if typed.strip() != arguments.stack:
                print("Nothing deleted.")
                return 1
            destroy(session, arguments.stack)
            print("Deleted.")
            return 0
        # Where users get the template: the site's own setting (GENERATOR_TEMPLATE_URL, else its default).
        url = deploy(session, arguments.stack, arguments.python, Settings().template_url)
    except (DeployError, BuildError) as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    except (ClientError, BotoCoreError) as error:
        print(f"ERROR: AWS refused a call: {error}", file=sys.stderr)
        return 1
    print(f"The site: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
