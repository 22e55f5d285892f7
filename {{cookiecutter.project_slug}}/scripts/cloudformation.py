"""Create, update and delete the stage's CloudFormation stacks (deploy/*.yaml) for scripts/deploy.py.

Change sets, as ``aws cloudformation deploy`` uses them: a stack is created or updated in one
call, a template without changes is not an error, and a stack left broken by an earlier run is
reported with the reason CloudFormation gave, instead of being retried blindly.
"""

import time
from pathlib import Path

from botocore.exceptions import ClientError, WaiterError

TEMPLATE = Path(__file__).resolve().parent.parent / "deploy" / "stack.yaml"
# States a change set can't start from: the run that left them needs a person.
BROKEN_STATES = {
    "ROLLBACK_COMPLETE": "its first creation failed and was rolled back",
    "ROLLBACK_FAILED": "its first creation failed and could not be rolled back",
    "DELETE_FAILED": "an earlier deletion failed",
    "UPDATE_ROLLBACK_FAILED": "an update failed and could not be rolled back",
}


NO_CHANGES = "No updates are to be performed"
# Up to an hour: creating an RDS instance and its proxy takes AWS 10-30 minutes.
STACK_WAIT = {"Delay": 5, "MaxAttempts": 720}


class StackError(Exception):
    """A stack that can't be deployed now; the message says why and what to do."""


def stack_status(cloudformation, name: str) -> str | None:
    try:
        return cloudformation.describe_stacks(StackName=name)["Stacks"][0]["StackStatus"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None
        raise


def failure_reasons(cloudformation, name: str) -> str:
    """The reasons CloudFormation gave for the failed resources of a stack's last run."""
    events = cloudformation.describe_stack_events(StackName=name)["StackEvents"]
    reasons = [
        f"  {event['LogicalResourceId']}: {event['ResourceStatusReason']}"
        for event in events
        if event.get("ResourceStatus", "").endswith("FAILED") and event.get("ResourceStatusReason")
    ]
    return "\n".join(reasons[:5]) or "  (no reason recorded)"


def check_deployable(cloudformation, name: str, status: str | None) -> None:
    if status in BROKEN_STATES:
        raise StackError(
            f"The stack {name} is in {status}: {BROKEN_STATES[status]}.\n{failure_reasons(cloudformation, name)}\n"
            "Fix the cause, delete the stack (uv run scripts/deploy.py <stage> --destroy), and run again."
        )
    if status and status.endswith("_IN_PROGRESS") and status != "REVIEW_IN_PROGRESS":
        raise StackError(f"The stack {name} is busy ({status}); run again once it has finished.")


def deploy_stack(cloudformation, name: str, parameters: dict[str, str], template: Path = TEMPLATE) -> dict[str, str]:
    """Create or update the stack from a template (deploy/stack.yaml by default); return its outputs."""
    status = stack_status(cloudformation, name)
    check_deployable(cloudformation, name, status)
    creating = status in (None, "REVIEW_IN_PROGRESS")  # REVIEW: a change set to create it was never run
    try:
        change_set = cloudformation.create_change_set(
            StackName=name,
            ChangeSetName=f"deploy-{int(time.time())}",
            ChangeSetType="CREATE" if creating else "UPDATE",
            TemplateBody=template.read_text(),
            Parameters=[{"ParameterKey": key, "ParameterValue": value} for key, value in parameters.items()],
            Capabilities=["CAPABILITY_NAMED_IAM"],  # the role has a fixed name, from zappa_settings.json
        )
    except ClientError as error:
        if NO_CHANGES not in str(error):
            raise
        change_set = None
    if change_set is None or not _wait_for_change_set(cloudformation, change_set["Id"]):
        print("  no changes")
        return stack_outputs(cloudformation, name)
    try:
        cloudformation.execute_change_set(ChangeSetName=change_set["Id"])
    except ClientError as error:
        if error.response["Error"]["Code"] not in ("AccessDenied", "AccessDeniedException"):
            raise
        raise StackError(  # CI's deploy role may release the app, not change IAM
            f"These credentials may not change the stack {name}. The change set {change_set['Id']} lists what "
            f"changed in {template.relative_to(template.parent.parent)}: review it, then run the same command "
            "with credentials that may change IAM."
        ) from None
    waiter = "stack_create_complete" if creating else "stack_update_complete"
    try:
        cloudformation.get_waiter(waiter).wait(StackName=name, WaiterConfig=STACK_WAIT)
    except WaiterError:
        raise StackError(f"The stack {name} did not deploy:\n{failure_reasons(cloudformation, name)}") from None
    return stack_outputs(cloudformation, name)


def _wait_for_change_set(cloudformation, change_set_id: str) -> bool:
    """True once the change set is ready to run, False when it holds no changes."""
    while True:
        described = cloudformation.describe_change_set(ChangeSetName=change_set_id)
        if described["Status"] == "CREATE_COMPLETE":
            return bool(described.get("Changes", True))
        if described["Status"] == "FAILED":
            reason = described.get("StatusReason", "")
            cloudformation.delete_change_set(ChangeSetName=change_set_id)
            if "didn't contain changes" in reason or NO_CHANGES in reason:
                return False
            raise StackError(f"CloudFormation refused the template: {reason}")
        time.sleep(2)


def stack_outputs(cloudformation, name: str) -> dict[str, str]:
    stack = cloudformation.describe_stacks(StackName=name)["Stacks"][0]
    return {output["OutputKey"]: output["OutputValue"] for output in stack.get("Outputs", [])}


def stack_resource_ids(cloudformation, name: str) -> set[str]:
    """The physical IDs of what the stack made (nothing when it doesn't exist)."""
    if stack_status(cloudformation, name) is None:
        return set()
    resources = cloudformation.describe_stack_resources(StackName=name)["StackResources"]
    return {resource.get("PhysicalResourceId", "") for resource in resources}


def delete_stack(cloudformation, name: str) -> None:
    if stack_status(cloudformation, name) is None:
        print("  already gone")
        return
    cloudformation.delete_stack(StackName=name)
    try:
        cloudformation.get_waiter("stack_delete_complete").wait(StackName=name, WaiterConfig=STACK_WAIT)
    except WaiterError:
        raise StackError(f"The stack {name} was not deleted:\n{failure_reasons(cloudformation, name)}") from None
