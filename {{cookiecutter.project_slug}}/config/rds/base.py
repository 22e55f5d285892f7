"""PostgreSQL as deploy/stack.yaml creates it: the user and password are the RDS-managed secret's.

RDS keeps the database's login in a Secrets Manager secret and rotates it every 7 days
(https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html). A rotation
changes the password on the server while a warm instance still holds the old one. So the login is
read at the first connection and kept for the next ones, and when the server refuses a connection
the secret is read again: if the password changed, the connection is retried with the new one. A
rotation costs one refused attempt and one GetSecretValue, never a failed request.

The login is not read at init, so a SnapStart snapshot holds no database password.
"""

from django.db.backends.postgresql import base

from config.aws_secrets import SecretUnavailable, read_secret

# The login each secret held when last read, by secret ARN: one read per instance and rotation.
_logins: dict[str, dict[str, str]] = {}


def login(secret_arn: str, *, fresh: bool = False) -> dict[str, str]:
    """psycopg's user and password from the secret; read again when ``fresh``."""
    if fresh or secret_arn not in _logins:
        try:
            values = read_secret(secret_arn, region=secret_arn.split(":")[3])
        except SecretUnavailable as error:
            raise base.Database.OperationalError(str(error)) from None
        _logins[secret_arn] = {"user": values["username"], "password": values["password"]}
    return _logins[secret_arn]


class DatabaseWrapper(base.DatabaseWrapper):
    """Django's PostgreSQL backend with the login of settings_dict["LOGIN_SECRET_ARN"]."""

    def get_connection_params(self) -> dict:
        return {**super().get_connection_params(), **login(self.settings_dict["LOGIN_SECRET_ARN"])}

    def get_new_connection(self, conn_params: dict):
        try:
            return super().get_new_connection(conn_params)
        except base.Database.OperationalError:
            current = login(self.settings_dict["LOGIN_SECRET_ARN"], fresh=True)
            if current["password"] == conn_params.get("password"):
                raise  # not a rotation: the server is down, unreachable, or refused for another reason
            return super().get_new_connection({**conn_params, **current})
