"""Option combinations the tests bake: every pair of option values at least once, and every region.

:data:`PAIRWISE` is a covering array over :data:`DIMENSIONS`: for any two options, every pair of
their values that :func:`conflict` allows appears in at least one row. A bug that needs two option
values together (``database=none`` with SnapStart, say) is baked by some row. :data:`REGIONAL`
bakes each region once. tests/template/test_combinations.py checks both claims, and that
:func:`conflict`, written here from AWS's documentation and the README, agrees with the template's
rules (option_rules/).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from helpers import REPO_DIR

SUBNETS = "subnet-0123456789abcdef0, subnet-89abcdef"
SECURITY_GROUPS = "sg-0123456789abcdef0"

# The values each option is tried with: every choice (but the region: REGIONAL bakes each of those) and
# both booleans; numbers at their bounds and default. The first value of each is its default.
DIMENSIONS: dict[str, list[Any]] = {
    "api_gateway": ["http_api", "rest_api", "function_url"],
    "cold_start": ["snap_start", "provisioned_concurrency", "keep_warm", "none"],
    "database": ["postgresql", "none"],
    "use_vpc": [False, True],
    "use_rds_proxy": [False, True],
    "storage": ["s3", "none"],
    "use_admin": [False, True],
    "python_runtime": ["python3.13", "python3.12"],
    "architecture": ["x86_64", "arm64"],
    "django_version": ["5.2", "6.1"],
    "ci_tool": ["github_actions", "gitlab_ci", "none"],
    "api_framework": ["none", "ninja", "drf"],
    "memory_size": [1024, 128, 10240],
    "timeout_seconds": [29, 1, 900],
    "ephemeral_storage": [512, 10240],
    "tasks": ["auto", "lambda", "none"],
    "xray_tracing": [False, True],
}

# Where AWS lacks a feature: function URLs (https://docs.aws.amazon.com/lambda/latest/dg/lambda-urls.html),
# SnapStart (https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html), RDS Proxy (RDS's region table).
NO_FUNCTION_URLS = {
    "ap-south-2", "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ap-east-2",
    "ca-west-1", "eu-south-2", "eu-central-2", "il-central-1", "me-central-1",
}  # fmt: skip
NO_SNAPSTART = NO_RDS_PROXY = {"ap-east-2", "ap-southeast-6"}
# arm64 where AWS's Powertools publishes no arm64 layer: not confirmed (option_rules/aws.py says where from).
NO_ARM64 = {"ap-east-2", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "mx-central-1"}


def conflict(row: dict[str, Any]) -> str | None:
    """Why a (partial) combination can't deploy, judged only on the options it has; None if it can."""
    get = row.get
    # Without a database use_rds_proxy is ignored, as options that don't apply are (docs/options.md).
    if get("use_rds_proxy") is True and get("database") == "postgresql" and get("use_vpc") is False:
        return "RDS Proxy is reachable only inside a VPC"
    if get("use_admin") is True and (get("database") == "none" or get("storage") == "none"):
        return "the admin keeps users in the database and its CSS on S3"
    if get("cold_start") == "snap_start" and get("ephemeral_storage", 512) > 512:
        return "SnapStart works only with 512 MB of /tmp"
    limit = {"rest_api": 29, "http_api": 30}.get(get("api_gateway"))
    if limit and get("timeout_seconds", 0) > limit:
        return "API Gateway ends requests at 29-30 s"
    region = get("aws_region")
    if (get("api_gateway"), region in NO_FUNCTION_URLS) == ("function_url", True):
        return "no function URLs in the region"
    if region in NO_SNAPSTART and get("cold_start") == "snap_start":
        return "no SnapStart in the region"
    if region in NO_RDS_PROXY and get("use_rds_proxy") is True and get("database") == "postgresql":
        return "no RDS Proxy in the region"
    if region in NO_ARM64 and get("architecture") == "arm64":
        return "arm64 not confirmed in the region"
    return None


Pair = tuple[tuple[str, Any], tuple[str, Any]]


def pairs_in(row: dict[str, Any]) -> set[Pair]:
    names = [name for name in DIMENSIONS if name in row]
    return {((a, row[a]), (b, row[b])) for a, b in itertools.combinations(names, 2)}


def complete(row: dict[str, Any], wanted: set[Pair]) -> dict[str, Any] | None:
    """Fill in the missing options, each with the allowed value covering most wanted pairs."""
    row = dict(row)
    for name, values in DIMENSIONS.items():
        if name in row:
            continue
        allowed = [value for value in values if conflict({**row, name: value}) is None]
        if not allowed:
            return None
        row[name] = max(allowed, key=lambda value: len(pairs_in({**row, name: value}) & wanted))
    return row


def feasible_pairs() -> set[Pair]:
    """Every pair of values that some deployable combination contains."""
    everything = set()
    for a, b in itertools.combinations(DIMENSIONS, 2):
        for value_a, value_b in itertools.product(DIMENSIONS[a], DIMENSIONS[b]):
            if complete({a: value_a, b: value_b}, set()) is not None:
                everything.add(((a, value_a), (b, value_b)))
    return everything


# How many of the pairs still missing each row is tried from: the one that covers most is kept. Ten keep the
# array at 20 rows where starting from the first missing pair alone needs 22 (and a second to compute).
SEEDS_TRIED = 10


def covering_array() -> list[dict[str, Any]]:
    """Rows until every feasible pair is in one, each the best of those grown from the first missing pairs."""
    wanted, rows = feasible_pairs(), []
    while wanted:
        candidates = [complete(dict(seed), wanted) for seed in sorted(wanted, key=repr)[:SEEDS_TRIED]]
        row = max(candidates, key=lambda candidate: len(pairs_in(candidate) & wanted))
        rows.append(row)
        wanted -= pairs_in(row)
    return rows


def regions() -> list[str]:
    return json.loads((REPO_DIR / "cookiecutter.json").read_text())["aws_region"]


def project_name(index: int) -> str:
    """Names of the shortest and longest slugs the rules allow, in turn: generated code must stay ruff-formatted
    whatever the name's length (ruff joins or splits lines around it)."""
    return f"P{index:02d}" if index % 2 == 0 else f"Pairwise {index:02d} ".ljust(40, "x")


def bake_values(row: dict[str, Any], index: int) -> dict[str, Any]:
    """A row as extra_context: a project name of its own, a region that has its features, and for every
    other VPC row the IDs of an existing VPC."""
    usable = [region for region in regions() if conflict({**row, "aws_region": region}) is None]
    values = {"project_name": project_name(index), **row, "aws_region": usable[index * 7 % len(usable)]}
    if row["use_vpc"] and index % 2 == 1:  # the other VPC rows leave the IDs empty: the stack makes the VPC
        values.update(vpc_subnet_ids=SUBNETS, vpc_security_group_ids=SECURITY_GROUPS)
    if row["cold_start"] == "provisioned_concurrency":
        values["provisioned_concurrency"] = 3
    if index % 3 == 0:  # free text, not a dimension: a third of the rows subscribe an address to the alarms
        values["alarm_email"] = "ops+alarms@example.com"
    return values


def row_id(values: dict[str, Any]) -> str:
    """'rest_api-keep_warm-pg+proxy-vpc-s3-admin-py312-dj6.1-arm64-drf-noci-tasks-auto-xray-m128-t1-tmp10240-eu-west-1'."""
    postgres = values["database"] == "postgresql"
    database = ("pg+proxy" if values["use_rds_proxy"] else "pg") if postgres else "nodb"  # proxy: ignored without
    parts = [values["api_gateway"], values["cold_start"], database]
    parts += [("vpc" if values.get("vpc_subnet_ids") else "newvpc")] if values["use_vpc"] else []
    parts += [values["storage"] if values["storage"] == "s3" else "nostorage"]
    parts += ["admin"] if values["use_admin"] else []
    parts += [values["python_runtime"].replace("python3.", "py3"), "dj" + values["django_version"]]
    parts += ["arm64"] if values["architecture"] == "arm64" else []
    parts += [] if values["api_framework"] == "none" else [values["api_framework"]]
    parts += [{"github_actions": "gha", "gitlab_ci": "gitlab", "none": "noci"}[values["ci_tool"]]]
    parts += [f"tasks-{values['tasks']}"] + (["xray"] if values["xray_tracing"] else [])
    parts += [f"m{values['memory_size']}", f"t{values['timeout_seconds']}", f"tmp{values['ephemeral_storage']}"]
    return "-".join([*parts, values["aws_region"]])


PAIRWISE_VALUES = [bake_values(row, index) for index, row in enumerate(covering_array())]
PAIRWISE = [pytest.param(values, id=row_id(values)) for values in PAIRWISE_VALUES]


def regional_values(region: str) -> dict[str, Any]:
    """The defaults in one region, minus what AWS lacks there."""
    values = {"project_name": f"Region {region}", "aws_region": region}
    if region in NO_SNAPSTART:
        values["cold_start"] = "none"
    return values


REGIONAL = [pytest.param(regional_values(region), id=region) for region in regions()]

# Option values that are fine alone but not together, or not at all: (extra_context, field the hook must name)
UNSUPPORTED_COMBINATIONS = [
    pytest.param({"use_rds_proxy": True}, "use_rds_proxy", id="rds_proxy-without-vpc"),
    pytest.param({"use_admin": True, "database": "none"}, "use_admin", id="admin-without-database"),
    pytest.param({"use_admin": True, "storage": "none"}, "use_admin", id="admin-without-s3"),
    pytest.param({"timeout_seconds": 60}, "timeout_seconds", id="http_api-timeout-over-30s"),
    pytest.param({"api_gateway": "rest_api", "timeout_seconds": 30}, "timeout_seconds", id="rest_api-timeout-over-29s"),
    pytest.param(
        {"use_vpc": True, "vpc_security_group_ids": SECURITY_GROUPS}, "vpc_subnet_ids", id="vpc-groups-without-subnets"
    ),
    pytest.param(
        {"use_vpc": True, "vpc_subnet_ids": "subnet-xyz", "vpc_security_group_ids": SECURITY_GROUPS},
        "vpc_subnet_ids",
        id="malformed-subnet",
    ),
    pytest.param(
        {"use_vpc": True, "vpc_subnet_ids": SUBNETS, "vpc_security_group_ids": "sg-123"},
        "vpc_security_group_ids",
        id="malformed-security-group",
    ),
    pytest.param({"project_slug": "json"}, "project_slug", id="slug-stdlib-module"),
    pytest.param({"project_slug": "class"}, "project_slug", id="slug-keyword"),
    pytest.param({"project_slug": "auth"}, "project_slug", id="slug-django-app-label"),
    pytest.param({"project_slug": "My-Api"}, "project_slug", id="slug-not-identifier"),
    pytest.param({"author_email": "not-an-email"}, "author_email", id="bad-email"),
    pytest.param({"memory_size": 64}, "memory_size", id="memory-too-small"),
    pytest.param({"deployment_bucket": "Bad_Bucket"}, "deployment_bucket", id="bad-bucket-name"),
    pytest.param({"cold_start": "snap_start", "ephemeral_storage": 1024}, "ephemeral_storage", id="snapstart-big-tmp"),
    pytest.param(
        {"cold_start": "provisioned_concurrency", "provisioned_concurrency": 0},
        "provisioned_concurrency",
        id="provisioned-zero",
    ),
    pytest.param({"aws_region": "il-central-1", "api_gateway": "function_url"}, "api_gateway", id="no-function-urls"),
    pytest.param({"aws_region": "ap-east-2"}, "cold_start", id="no-snapstart-in-taipei"),
]
