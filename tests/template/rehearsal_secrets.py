"""Where a deployed stage keeps its secrets, that none shows in the function's environment, and the login's rotation.

The stage's own secret holds the secret key (and, where the user brings the database, its URL);
where the stack makes the database, RDS keeps its login in a secret of its own and the function's
environment names the database by the stack's outputs. Their values are what must not show in the
environment. RDS rotating the login must not break requests.
"""

from __future__ import annotations

from deployed_state import unexplained_parliament_findings
from iam_calls import granted_actions
from leak_search import URL_WITH_PASSWORD
from rehearsal import Rehearsal
from rehearsal_checks import check_requests

# What the function's environment holds of the stack's database: the stack's outputs, passed on as they are.
DATABASE_OUTPUTS = {
    "DatabaseHost": "DJANGO_DATABASE_HOST",
    "DatabasePort": "DJANGO_DATABASE_PORT",
    "DatabaseName": "DJANGO_DATABASE_NAME",
    "DatabaseSecretArn": "DJANGO_DATABASE_SECRET_ARN",
}


def stored_secrets(rehearsal: Rehearsal, secret_arn: str) -> list[str]:
    """The values in the stage's secret, and the database password on its own."""
    values = rehearsal.deployment.secret(secret_arn)
    assert len(values["DJANGO_SECRET_KEY"]) >= 50
    assert ("DATABASE_URL" in values) is (rehearsal.database_url is not None)
    found = list(values.values())
    if rehearsal.database_url:
        assert values["DATABASE_URL"] == rehearsal.database_url
        found.append(rehearsal.database_url.split("//")[1].split("@")[0].split(":")[1])
    return found


def stack_database(rehearsal: Rehearsal, outputs: dict[str, str], environment: dict[str, str]) -> list[str]:
    """With a VPC the stack makes the database: the environment names it by the stack's outputs, and the
    login RDS keeps is a secret of its own. Returns that login's password."""
    context = rehearsal.context
    if context["database"] != "postgresql" or not context["use_vpc"]:
        assert not set(DATABASE_OUTPUTS) & set(outputs)
        return []
    assert {name: environment[name] for name in DATABASE_OUTPUTS.values()} == {
        name: outputs[output] for output, name in DATABASE_OUTPUTS.items()
    }
    rds = rehearsal.aws.client("rds", context["aws_region"])
    [instance] = rds.describe_db_instances()["DBInstances"]
    assert instance["MasterUserSecret"]["SecretArn"] == outputs["DatabaseSecretArn"]
    assert instance["StorageEncrypted"] and not instance["PubliclyAccessible"]
    if context["use_rds_proxy"]:
        [proxy] = rds.describe_db_proxies()["DBProxies"]
        assert proxy["RequireTLS"] and proxy["Auth"][0]["SecretArn"] == outputs["DatabaseSecretArn"]
        proxy_policies = rehearsal.deployment.role_policies(proxy["RoleArn"])  # it reads the login, nothing else
        assert granted_actions(proxy_policies) == {"secretsmanager:GetSecretValue"}
        assert unexplained_parliament_findings(proxy_policies) == []
    return [rehearsal.deployment.secret(outputs["DatabaseSecretArn"])["password"]]


def check_no_secret_in(environment: dict[str, str], secrets: list[str]) -> None:
    for name, value in environment.items():
        assert not any(secret in value for secret in secrets), f"{name} holds a secret"
        assert not URL_WITH_PASSWORD.search(value), f"{name} holds a URL with a password"


def check_login_rotation(rehearsal: Rehearsal, deployed: dict) -> None:
    """RDS rotates the stack's database login (RotateSecret rotates an RDS-managed secret at once, and the
    stand-in's server then refuses the old password): requests keep succeeding. Without the proxy, each
    request opens a connection, which finds the password changed and reads the secret again."""
    deployment = rehearsal.deployment
    outputs = deployment.stack_outputs()
    if "DatabaseSecretArn" not in outputs:
        return
    login = outputs["DatabaseSecretArn"]
    old = deployment.secret(login)["password"]
    deployment.client("secretsmanager").rotate_secret(SecretId=login)
    assert deployment.secret(login)["password"] != old
    calls_before = len(rehearsal.aws.calls())
    check_requests(rehearsal, deployed["target"], deployed["host"])
    reads = [
        call
        for call in rehearsal.aws.calls()[calls_before:]
        if (call["service"], call["operation"]) == ("secretsmanager", "GetSecretValue")
        and (call["body"] or {}).get("SecretId") == login
    ]
    if not rehearsal.context["use_rds_proxy"]:
        assert reads, "the function never read the rotated login"
