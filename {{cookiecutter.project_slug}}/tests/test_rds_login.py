"""config/rds: the database login comes from the RDS-managed secret, and its rotation fails no request.

The server here is a stand-in that accepts only the secret's current password; the deploy rehearsal
of cookiecutter-django-lambda runs the same code against PgBouncer checking real passwords.
"""

import pytest
from django.db import connections
from django.db.backends.postgresql import base as postgresql

from config.rds import base as rds

LOGIN_ARN = "arn:aws:secretsmanager:{{ cookiecutter.aws_region }}:123456789012:secret:rds!db-0123-abcdef"


class Server:
    """A PostgreSQL server whose login RDS keeps in a secret: connection attempts and secret reads."""

    def __init__(self) -> None:
        self.password = "first"  # noqa: S105
        self.attempts: list[str] = []
        self.secret_reads = 0

    def read_secret(self, secret_id: str, region: str) -> dict[str, str]:
        assert (secret_id, region) == (LOGIN_ARN, "{{ cookiecutter.aws_region }}")
        self.secret_reads += 1
        return {"username": "app", "password": self.password}

    def connect(self, params: dict):  # set on the class as a bound method: no wrapper argument
        self.attempts.append(params["password"])
        if (params["user"], params["password"]) != ("app", self.password):
            raise postgresql.Database.OperationalError('password authentication failed for user "app"')
        return object()


@pytest.fixture
def server(monkeypatch) -> Server:
    server = Server()
    monkeypatch.setattr(rds, "read_secret", server.read_secret)
    monkeypatch.setattr(rds, "_logins", {})
    monkeypatch.setattr(postgresql.DatabaseWrapper, "get_new_connection", server.connect)
    return server


def connect() -> None:
    """A new connection, as Django opens one: parameters from the settings, then the connection."""
    settings = {**connections["default"].settings_dict, "NAME": "app", "HOST": "db.internal", "PORT": "5432"}
    settings.update(USER="", PASSWORD="", OPTIONS={}, LOGIN_SECRET_ARN=LOGIN_ARN)
    wrapper = rds.DatabaseWrapper(settings)
    wrapper.get_new_connection(wrapper.get_connection_params())


def test_the_login_is_read_once_per_instance(server):
    connect()
    connect()

    assert server.secret_reads == 1
    assert server.attempts == ["first", "first"]


def test_a_rotated_password_is_read_again_and_the_connection_succeeds(server):
    connect()
    server.password = "second"  # noqa: S105 - RDS rotated the secret

    connect()

    assert server.attempts == ["first", "first", "second"]
    assert server.secret_reads == 2


def test_a_refusal_that_is_not_a_rotation_is_raised(server, monkeypatch):
    connect()

    def refuse(wrapper, params):
        raise postgresql.Database.OperationalError("the database system is starting up")

    monkeypatch.setattr(postgresql.DatabaseWrapper, "get_new_connection", refuse)
    with pytest.raises(postgresql.Database.OperationalError, match="starting up"):
        connect()
    assert server.secret_reads == 2  # read once more to find out; the password is unchanged, so it re-raises
