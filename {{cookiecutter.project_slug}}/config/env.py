"""Read settings from environment variables and the stage's secret; fail with the name of what is missing."""

import functools
import os
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

DATABASE_ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}


def env_required(name: str) -> str:
    """The value of an environment variable that production cannot run without."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"The {name} environment variable is not set. Set it on the Lambda function "
            "(see the README, 'Configuration'), or in .env for local work."
        )
    return value


@functools.cache
def stage_secret() -> dict[str, str]:
    """The values in the Secrets Manager secret named by DJANGO_SECRETS_ARN, read once per instance."""
    from config.aws_secrets import SecretUnavailable, read_secret

    arn = env_required("DJANGO_SECRETS_ARN")
    try:
        return read_secret(arn, region=arn.split(":")[3])
    except SecretUnavailable as error:
        raise ImproperlyConfigured(str(error)) from None


def secret_required(name: str) -> str:
    """A secret production can't run without.

    On Lambda it comes from the stage's secret (DJANGO_SECRETS_ARN, set by scripts/deploy.py), so
    the function's environment holds no secret. Without DJANGO_SECRETS_ARN, as in local checks and
    tests, it is read from the environment variable of the same name.
    """
    if not os.environ.get("DJANGO_SECRETS_ARN"):
        return env_required(name)
    value = str(stage_secret().get(name) or "").strip()
    if not value:
        raise ImproperlyConfigured(
            f"{name} is not in the secret {os.environ['DJANGO_SECRETS_ARN']}. "
            f"Set it with: uv run scripts/deploy.py <stage> --set-secret {name}"
        )
    return value


{% if (cookiecutter | derived).tasks -%}
def env_url(name: str) -> str:
    """An optional http(s) URL from the environment; '' when the variable is unset or empty."""
    value = os.environ.get(name, "").strip()
    if value and urlsplit(value).scheme not in ("http", "https"):
        raise ImproperlyConfigured(f"{name} must be an http:// or https:// URL")
    return value


{% endif -%}
def env_list(name: str) -> list[str]:
    """A required comma-separated environment variable as a list: 'a, b' -> ['a', 'b']."""
    return [item.strip() for item in env_required(name).split(",") if item.strip()]


{% if (cookiecutter | derived).stack_database -%}
def stack_database() -> dict:
    """Django's DATABASES entry for the stack's database (deploy/stack.yaml).

    Where it is comes from the environment, which scripts/deploy.py fills from the stack's outputs;
    who logs in comes from the RDS-managed secret, read by config/rds at the first connection.
    """
    return {
        "ENGINE": "config.rds",
        "NAME": env_required("DJANGO_DATABASE_NAME"),
        "HOST": env_required("DJANGO_DATABASE_HOST"),
        "PORT": env_required("DJANGO_DATABASE_PORT"),
        "LOGIN_SECRET_ARN": env_required("DJANGO_DATABASE_SECRET_ARN"),
        "OPTIONS": {},
    }


{% endif -%}
def database_from_url(url: str) -> dict:
    """Django's DATABASES entry for a URL such as postgres://user:pass@host:5432/name?sslmode=require.

    Special characters in the user name or password must be percent-encoded.
    Errors never repeat the URL: it holds the password.
    """
    parts = urlsplit(url)
    engine = DATABASE_ENGINES.get(parts.scheme)
    if engine is None:
        raise ImproperlyConfigured(
            f"DATABASE_URL has the scheme {parts.scheme!r}; use one of: "
            + ", ".join(f"{scheme}://" for scheme in DATABASE_ENGINES)
        )
    if parts.scheme == "sqlite":
        return {"ENGINE": engine, "NAME": unquote(parts.path[1:])}
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured("DATABASE_URL has no database name (the part after the last /).")
    return {
        "ENGINE": engine,
        "NAME": name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "OPTIONS": dict(parse_qsl(parts.query)),
    }
