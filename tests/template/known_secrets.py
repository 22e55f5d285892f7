"""The known secrets the secrets tests plant, and the environment that carries them.

Each secret holds a random hex core that no escaping changes (URL, JSON, repr), so finding the core
in any form means that secret leaked, never a coincidence (:mod:`leak_search` looks for it).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import quote

# Whatever tries AWS anyway meets a closed local port, never a real endpoint.
NO_AWS = {"AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_EC2_METADATA_DISABLED": "true"}


@dataclass(frozen=True)
class Secret:
    name: str
    value: str
    core: str  # the random hex part of value


def make_secret(name: str, prefix: str, suffix: str = "") -> Secret:
    core = secrets.token_hex(16)
    return Secret(name, f"{prefix}{core}{suffix}", core)


@dataclass
class Secrets:
    """The secrets of one test module: the deploy job's environment and the function's."""

    django_secret_key: Secret
    secret_key: Secret
    database_password: Secret
    aws_secret_access_key: Secret
    aws_session_token: Secret

    def __iter__(self) -> Iterator[Secret]:
        return iter(vars(self).values())

    def database_url(self, user: str, host: str, port: int, name: str) -> str:
        # The password has characters a URL must percent-encode: the environment holds the
        # encoded form, Django the decoded one, and neither may show.
        password = quote(self.database_password.value, safe="")
        return f"postgres://{user}:{password}@{host}:{port}/{name}?sslmode=disable"

    def environment(self, database_url: str) -> dict[str, str]:
        return {
            "DJANGO_SECRET_KEY": self.django_secret_key.value,
            "SECRET_KEY": self.secret_key.value,
            "DATABASE_URL": database_url,
            "AWS_ACCESS_KEY_ID": "AKIA" + secrets.token_hex(8).upper(),  # an id, not a secret
            "AWS_SECRET_ACCESS_KEY": self.aws_secret_access_key.value,
            "AWS_SESSION_TOKEN": self.aws_session_token.value,
            **NO_AWS,
        }


def new_secrets() -> Secrets:
    """A fresh set of secrets, each shaped like the real thing."""
    return Secrets(
        # Over 50 characters, so `check --deploy` takes it for a real key.
        django_secret_key=make_secret("DJANGO_SECRET_KEY", "djk-", "-" + secrets.token_urlsafe(20)),
        secret_key=make_secret("SECRET_KEY", "sk-"),
        database_password=make_secret("database password", "pw-", "/@:%+ !?#"),
        aws_secret_access_key=make_secret("AWS_SECRET_ACCESS_KEY", "", "/Fake+Key"),
        aws_session_token=make_secret("AWS_SESSION_TOKEN", "IQoJb3JpZ2luX2Vj", secrets.token_urlsafe(90)),
    )
