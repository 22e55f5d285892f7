"""Shared test set-up. Tests use config.settings.test (see pyproject.toml)."""

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.stub import Stubber


@pytest.fixture
def stubbed_aws():
    """``stubbed_aws("iam")``: an AWS client and its botocore Stubber, which holds the answers the test gives it;
    the test fails if one of them is left unused."""
    stubbers = []

    def client_and_stubber(service: str) -> tuple:
        client = boto3.client(service, region_name="us-east-1", config=Config(signature_version=UNSIGNED))
        stubber = Stubber(client)
        stubber.activate()
        stubbers.append(stubber)
        return client, stubber

    yield client_and_stubber
    for stubber in stubbers:
        stubber.deactivate()
        stubber.assert_no_pending_responses()
