"""The container credentials endpoint Lambda gives a function restored from a SnapStart snapshot.

With SnapStart, Lambda doesn't put the execution role's keys in the environment (a snapshot would keep
them): the runtime gets ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` and ``AWS_CONTAINER_AUTHORIZATION_TOKEN``
instead, and the SDKs fetch the credentials from that URL when they need them
(https://docs.aws.amazon.com/lambda/latest/dg/snapstart-activate.html#snapstart-credentials).
:mod:`.invoke` issues a token per execution environment; ``GET`` on :data:`CREDENTIALS_PATH` answers the
stand-in's dummy credentials in the shape botocore's ``ContainerProvider`` reads, and only to a request
whose ``Authorization`` header is a token issued here.
"""

from __future__ import annotations

import secrets
import threading
from datetime import UTC, datetime, timedelta

from support.aws_stand_in.account import DUMMY_CREDENTIALS

CREDENTIALS_PATH = "/_stand_in/credentials"
# Far enough ahead that botocore never refreshes them during a test.
LIFETIME = timedelta(hours=6)


class ContainerCredentials:
    """Issues authorization tokens and answers the endpoint."""

    def __init__(self) -> None:
        self.tokens: set[str] = set()
        self.lock = threading.Lock()

    def issue(self) -> str:
        token = secrets.token_urlsafe(32)
        with self.lock:
            self.tokens.add(token)
        return token

    def answer(self, authorization: str) -> tuple[int, dict]:
        """(status, JSON body) for a GET with this Authorization header."""
        with self.lock:
            known = any(secrets.compare_digest(authorization, token) for token in self.tokens)
        if not known:
            return 401, {"message": "The authorization token is not one this endpoint issued"}
        expiration = (datetime.now(UTC) + LIFETIME).strftime("%Y-%m-%dT%H:%M:%SZ")
        return 200, {
            "AccessKeyId": DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            "SecretAccessKey": DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            "Token": DUMMY_CREDENTIALS["AWS_SESSION_TOKEN"],
            "Expiration": expiration,
        }
