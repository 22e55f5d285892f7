"""What scripts/ci_access.py reads from the origin remote, and what it does with a GitLab OIDC provider the
account has already: git's answer faked, IAM's stubbed with botocore's Stubber."""

import subprocess

import ci_access
import pytest

from deploy import DeployError

ACCOUNT_PROVIDERS = "arn:aws:iam::123456789012:oidc-provider/"
GITLAB_COM = ACCOUNT_PROVIDERS + "gitlab.com"


@pytest.fixture
def origin(monkeypatch):
    """Set what `git remote get-url origin` answers."""

    def set_remote(remote: str) -> None:
        answer = subprocess.CompletedProcess(["git"], 0 if remote else 2, stdout=f"{remote}\n" if remote else "")
        monkeypatch.setattr(ci_access.shutil, "which", lambda name: "/usr/bin/git")
        monkeypatch.setattr(ci_access.subprocess, "run", lambda *args, **kwargs: answer)

    return set_remote


@pytest.mark.parametrize(
    ("remote", "expected"),
    [
        ("git@gitlab.com:acme/api.git", ("https://gitlab.com", "acme/api")),
        ("https://gitlab.com/acme/platform/api.git", ("https://gitlab.com", "acme/platform/api")),
        ("https://oauth2:token@gitlab.example.com/acme/api", ("https://gitlab.example.com", "acme/api")),
        (
            "ssh://git@gitlab.example.com:2222/acme/platform/my.api.git/",
            ("https://gitlab.example.com", "acme/platform/my.api"),
        ),
    ],
)
def test_the_project_and_the_instance_come_from_the_origin_remote(origin, remote, expected):
    origin(remote)
    assert ci_access.origin_project() == expected


@pytest.mark.parametrize("remote", ["git@github.com:acme/api.git", "https://gitlab.com/api", ""])
def test_an_origin_that_is_no_gitlab_project_is_refused_with_what_to_do(origin, remote):
    origin(remote)
    with pytest.raises(DeployError) as raised:
        ci_access.origin_project()
    assert "--project GROUP/PROJECT" in str(raised.value)


@pytest.fixture
def iam(stubbed_aws):
    return stubbed_aws("iam")


def providers(*hosts: str) -> dict:
    return {"OpenIDConnectProviderList": [{"Arn": ACCOUNT_PROVIDERS + host} for host in hosts]}


def test_a_provider_made_as_gitlabs_guide_says_gets_the_deploy_jobs_audience(iam):
    """GitLab's guide has the instance's URL as the audience; AWS would refuse a token for sts.amazonaws.com."""
    client, stubber = iam
    stubber.add_response(
        "list_open_id_connect_providers", providers("token.actions.githubusercontent.com", "gitlab.com")
    )
    stubber.add_response(
        "get_open_id_connect_provider",
        {"ClientIDList": ["https://gitlab.com"]},
        {"OpenIDConnectProviderArn": GITLAB_COM},
    )
    stubber.add_response(
        "add_client_id_to_open_id_connect_provider",
        {},
        {"OpenIDConnectProviderArn": GITLAB_COM, "ClientID": "sts.amazonaws.com"},
    )
    assert ci_access.existing_oidc_provider(client, "https://gitlab.com") == GITLAB_COM


def test_a_provider_with_the_audience_is_used_as_it_is(iam):
    client, stubber = iam
    stubber.add_response("list_open_id_connect_providers", providers("gitlab.com"))
    stubber.add_response("get_open_id_connect_provider", {"ClientIDList": ["sts.amazonaws.com"]})
    assert ci_access.existing_oidc_provider(client, "https://gitlab.com") == GITLAB_COM


def test_another_instances_provider_is_not_this_ones(iam):
    client, stubber = iam
    stubber.add_response("list_open_id_connect_providers", providers("gitlab.example.com", "my-gitlab.com"))
    assert ci_access.existing_oidc_provider(client, "https://gitlab.com") == ""  # the stack makes one
