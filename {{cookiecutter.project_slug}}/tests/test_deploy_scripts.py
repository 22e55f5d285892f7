"""What scripts/deploy.py says when a stack can't be deployed, and how it changes a function's architecture:
CloudFormation's and Lambda's answers stubbed with botocore's Stubber, the script's own code
(scripts/cloudformation.py, scripts/deploy.py) run against them."""

from datetime import UTC, datetime

import pytest
from cloudformation import StackError, deploy_stack

from deploy import Stage, match_architecture

STACK = "my-api-production-resources"
STACK_ID = f"arn:aws:cloudformation:us-east-1:123456789012:stack/{STACK}/1"
CHANGE_SET = "arn:aws:cloudformation:us-east-1:123456789012:changeSet/deploy-1/1"


@pytest.fixture
def cloudformation(stubbed_aws):
    return stubbed_aws("cloudformation")


def stack_in(status: str) -> dict:
    return {"Stacks": [{"StackName": STACK, "StackStatus": status, "CreationTime": datetime.now(UTC)}]}


def test_a_stack_left_broken_is_reported_with_cloudformations_reason(cloudformation):
    client, stubber = cloudformation
    stubber.add_response("describe_stacks", stack_in("ROLLBACK_COMPLETE"))
    event = {
        "StackId": STACK_ID,
        "EventId": "1",
        "StackName": STACK,
        "Timestamp": datetime.now(UTC),
        "LogicalResourceId": "AssetsBucket",
        "ResourceStatus": "CREATE_FAILED",
        "ResourceStatusReason": "my-api-production-assets already exists",
    }
    stubber.add_response("describe_stack_events", {"StackEvents": [event]})

    with pytest.raises(StackError) as raised:
        deploy_stack(client, STACK, {})

    message = str(raised.value)
    assert "is in ROLLBACK_COMPLETE: its first creation failed" in message
    assert "AssetsBucket: my-api-production-assets already exists" in message
    assert "--destroy" in message  # what to do about it


def test_a_changed_stack_under_the_ci_role_stops_with_the_change_set_to_review(cloudformation):
    """CI's deploy role may not change IAM (deploy/ci-access.yaml): executing a change set is refused."""
    client, stubber = cloudformation
    stubber.add_response("describe_stacks", stack_in("UPDATE_COMPLETE"))
    stubber.add_response("create_change_set", {"Id": CHANGE_SET, "StackId": STACK_ID})
    changes = [{"Type": "Resource", "ResourceChange": {"Action": "Modify", "LogicalResourceId": "ExecutionRole"}}]
    stubber.add_response("describe_change_set", {"Status": "CREATE_COMPLETE", "Changes": changes})
    stubber.add_client_error("execute_change_set", service_error_code="AccessDenied", http_status_code=403)

    with pytest.raises(StackError) as raised:
        deploy_stack(client, STACK, {"FunctionName": "my-api-production"})

    message = str(raised.value)
    assert f"may not change the stack {STACK}" in message
    assert CHANGE_SET in message and "deploy/stack.yaml" in message


@pytest.fixture
def lambda_client(stubbed_aws):
    return stubbed_aws("lambda")


def test_a_changed_architecture_is_set_with_the_new_package(lambda_client, tmp_path):
    """Zappa's update keeps the function's architecture; the script changes it, with the package built for it."""
    client, stubber = lambda_client
    stage = Stage.load("production")
    wanted = stage.get("architecture")
    package = tmp_path / "production.zip"
    package.write_bytes(b"the package for the wanted architecture")
    function = {"FunctionName": stage.function_name}
    other = "arm64" if wanted == "x86_64" else "x86_64"
    stubber.add_response("get_function_configuration", {"Architectures": [other]}, function)
    update = {**function, "ZipFile": package.read_bytes(), "Architectures": [wanted]}
    stubber.add_response("update_function_code", {"Architectures": [wanted]}, update)
    stubber.add_response("get_function", {"Configuration": {"LastUpdateStatus": "Successful"}}, function)

    match_architecture(client, stage, package)


def test_an_unchanged_architecture_leaves_the_code_to_zappa(lambda_client, tmp_path):
    client, stubber = lambda_client
    stage = Stage.load("production")
    stubber.add_response(
        "get_function_configuration",
        {"Architectures": [stage.get("architecture")]},
        {"FunctionName": stage.function_name},
    )

    match_architecture(client, stage, tmp_path / "never-read.zip")
