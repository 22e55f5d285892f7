"""Options that are valid alone but only fit some of the others, and the facts several options decide.

Each :class:`Constraint` says once which option it is reported on, when it is broken (with the
message the user reads) and, for docs/options.md, what it asks for.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from option_rules import aws
from option_rules.catalogue import is_active
from option_rules.values import as_bool, as_int, split_ids

# Both name an existing VPC's parts; neither means a new VPC (deploy/stack.yaml).
VPC_ID_OPTIONS = ("vpc_subnet_ids", "vpc_security_group_ids")

Values = Mapping[str, Any]


@dataclass(frozen=True)
class Constraint:
    option: str  # the option the error is reported on
    summary: str  # what it asks for, in the docs' "Allowed" column
    broken: Callable[[Values], str | None]  # the error message when the values break it


def _postgres(values: Values) -> bool:
    return values.get("database") == "postgresql"


def _python_version(values: Values) -> tuple[int, ...]:
    runtime = str(values.get("python_runtime", "python3.12")).removeprefix("python")
    return tuple(int(part) for part in runtime.split(".") if part.isdigit())


def _missing_vpc_ids(option: str) -> Callable[[Values], str | None]:
    """Subnets and security groups come together (your VPC), or not at all (the stack makes one)."""

    def broken(values: Values) -> str | None:
        if not as_bool(values.get("use_vpc")) or split_ids(str(values.get(option) or "")):
            return None
        if any(split_ids(str(values.get(other) or "")) for other in VPC_ID_OPTIONS):
            return "is required with the other ID list: give both for your VPC, or neither for a new one"
        return None

    return broken


def _regional(option: str, wanted: Any) -> Constraint:
    """An option whose feature AWS doesn't offer in some regions (aws.UNAVAILABLE_IN)."""
    regions, feature, source = aws.UNAVAILABLE_IN[option, wanted]

    def broken(values: Values) -> str | None:
        actual = as_bool(values.get(option)) if isinstance(wanted, bool) else values.get(option)
        region = values.get("aws_region")
        if actual == wanted and region in regions and is_active(option, values):
            return f"{region} has no {feature} ({source}): choose another {option} or aws_region"
        return None

    shown = "true" if wanted is True else wanted
    return Constraint(option, f"`{shown}` not in {len(regions)} regions without {feature} ([AWS]({source}))", broken)


def _gateway_timeout(values: Values) -> str | None:
    limit = aws.GATEWAY_TIMEOUT_SECONDS.get(values.get("api_gateway"))
    timeout = as_int(values.get("timeout_seconds"))
    if limit and timeout and timeout > limit:
        return (
            f"{values['api_gateway']} ends every request after {limit} s: "
            f"choose at most {limit}, or api_gateway=function_url"
        )
    return None


def _snapstart_runtime(values: Values) -> str | None:
    if values.get("cold_start") == "snap_start" and _python_version(values) < aws.SNAPSTART_MIN_PYTHON:
        return "Lambda offers SnapStart for Python 3.12 and later"
    return None


def _snapstart_storage(values: Values) -> str | None:
    storage = as_int(values.get("ephemeral_storage"))
    if values.get("cold_start") == "snap_start" and storage and storage > aws.SNAPSTART_EPHEMERAL_STORAGE_MB:
        return "SnapStart works only with 512 MB of /tmp: choose 512, or another cold_start"
    return None


def _proxy_outside_vpc(values: Values) -> str | None:
    if as_bool(values.get("use_rds_proxy")) and _postgres(values) and not as_bool(values.get("use_vpc")):
        return "RDS Proxy is only reachable inside a VPC: set use_vpc to true"
    return None


def _admin_without_database(values: Values) -> str | None:
    if as_bool(values.get("use_admin")) and not _postgres(values):
        return "the admin keeps users and sessions in a database: choose database=postgresql"
    return None


def _admin_without_s3(values: Values) -> str | None:
    if as_bool(values.get("use_admin")) and values.get("storage") != "s3":
        return "the admin's CSS and JavaScript are served from S3: choose storage=s3"
    return None


_GATEWAY_LIMITS = ", ".join(f"{seconds} with `{api}`" for api, seconds in aws.GATEWAY_TIMEOUT_SECONDS.items())

# When one option breaks several, the first listed is reported.
CONSTRAINTS = [
    *(
        Constraint(option, f"given together with `{other}`", _missing_vpc_ids(option))
        for option, other in (VPC_ID_OPTIONS, VPC_ID_OPTIONS[::-1])
    ),
    *(_regional(option, wanted) for option, wanted in aws.UNAVAILABLE_IN),
    Constraint("use_rds_proxy", "needs `use_vpc=true` (RDS Proxy is only reachable inside a VPC)", _proxy_outside_vpc),
    Constraint("use_admin", "needs `database=postgresql`", _admin_without_database),
    Constraint("use_admin", "needs `storage=s3` (its CSS and JavaScript are served from S3)", _admin_without_s3),
    Constraint("cold_start", "`snap_start` needs Python 3.12 or later", _snapstart_runtime),
    Constraint("ephemeral_storage", "512 with `cold_start=snap_start`", _snapstart_storage),
    Constraint("timeout_seconds", f"at most {_GATEWAY_LIMITS}", _gateway_timeout),
]


def combination_errors(values: Values) -> dict[str, str]:
    """{option: what is wrong} for the constraints the values break, the first one per option."""
    errors: dict[str, str] = {}
    for constraint in CONSTRAINTS:
        if constraint.option not in errors and (error := constraint.broken(values)):
            errors[constraint.option] = error
    return errors


def derived_facts(values: Values) -> dict[str, bool | str]:
    """What the templates decide from more than one option, decided here once (the ``derived`` filter)."""
    vpc = bool(as_bool(values.get("use_vpc")))
    new_vpc = vpc and not split_ids(str(values.get("vpc_subnet_ids") or ""))
    postgres = _postgres(values)
    region, function_url = values.get("aws_region"), values.get("api_gateway") == "function_url"
    tasks = values.get("tasks")
    return {
        "new_vpc": new_vpc,  # no IDs given: the stack makes the VPC
        "existing_vpc": vpc and not new_vpc,
        # A database the stack owns is private, so it needs the VPC; without one, DATABASE_URL names yours.
        "stack_database": vpc and postgres,
        "url_database": postgres and not vpc,
        # The one host name suffix requests arrive under (DJANGO_ALLOWED_HOSTS), by the way in.
        "allowed_hosts": f".lambda-url.{region}.on.aws" if function_url else f".execute-api.{region}.amazonaws.com",
        # In a VPC, enqueueing needs a Lambda interface endpoint, billed per hour: `auto` leaves tasks out there.
        "tasks": tasks == "lambda" or (tasks == "auto" and not vpc),
        # Django 6 has the Tasks API built in; on 5.2 the django-tasks backport gives the same API.
        "tasks_api": "django_tasks" if str(values.get("django_version")).startswith("5.") else "django.tasks",
        # Where the README may suggest moving to arm64 (the rules accept it in the region).
        "arm64_here": region not in aws.UNAVAILABLE_IN["architecture", "arm64"][0],
        # Only the admin brings django.contrib.sessions, and with it the clearsessions schedule.
        "sessions": bool(as_bool(values.get("use_admin"))),
    }
