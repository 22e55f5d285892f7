"""The one rule set for the template's options.

cookiecutter.json says which options exist, their defaults, choices and
labels; this module says what a valid value is and which options only make
sense together. hooks/pre_gen_project.py (the CLI) and generator_service (the
web site) both call :func:`validate`, so they accept and reject the same
values.

Standard library only: the pre_gen hook runs in whatever interpreter runs
cookiecutter.
"""

from __future__ import annotations

import json
import keyword
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TEMPLATE_DIR = Path(__file__).resolve().parent.parent

# Free text ends up in Markdown, docstrings and TOML strings. Letters of any
# script, digits and plain punctuation only: no braces (Jinja), no quotes or
# backslashes (string escapes), no control or bidi characters.
FREE_TEXT = r"(?!\s)[\w .,:;!?'()&+/@-]*(?<!\s)"
FREE_TEXT_ALLOWED = "letters, digits, spaces and . , : ; ! ? ' ( ) & + / @ -"

# App labels of django.contrib: a project package with one of these names
# would clash with the app of the same label.
DJANGO_APP_LABELS = {
    "admin",
    "admindocs",
    "auth",
    "contenttypes",
    "flatpages",
    "gis",
    "humanize",
    "messages",
    "postgres",
    "redirects",
    "sessions",
    "sitemaps",
    "sites",
    "staticfiles",
    "syndication",
}
# Top-level names the generated project or its packages already use.
TAKEN_NAMES = {
    "asgiref",
    "boto3",
    "botocore",
    "config",
    "django",
    "django_zappa_app",
    "docs",
    "handler",
    "lambda_function",
    "manage",
    "mangum",
    "package_info",
    "psycopg",
    "requirements",
    "scripts",
    "sqlparse",
    "storages",
    "test",
    "tests",
    "zappa",
    "zappa_settings",
}

# How long API Gateway waits for the function: https://docs.aws.amazon.com/apigateway/latest/developerguide/
# http-api-quotas.html (HTTP API, 30 s, fixed) and api-gateway-execution-service-limits-table.html (REST
# API, 29 s; more only for Regional and private APIs on request, and Zappa deploys an edge-optimized one).
GATEWAY_TIMEOUT_SECONDS = {"http_api": 30, "rest_api": 29}

# Features missing from some of the regions in cookiecutter.json, as AWS lists them (read December 2026).
# (option, value): (regions without it, what it is, where AWS says so)
UNAVAILABLE_IN: dict[tuple[str, Any], tuple[frozenset[str], str, str]] = {
    ("api_gateway", "function_url"): (
        frozenset(
            {
                "ap-south-2",
                "ap-southeast-4",
                "ap-southeast-5",
                "ap-southeast-6",
                "ap-southeast-7",
                "ap-east-2",
                "ca-west-1",
                "eu-south-2",
                "eu-central-2",
                "il-central-1",
                "me-central-1",
            }
        ),
        "Lambda function URLs",
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-urls.html",
    ),
    ("cold_start", "snap_start"): (
        frozenset({"ap-east-2", "ap-southeast-6"}),
        "Lambda SnapStart",
        "https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html",
    ),
    # The RDS for PostgreSQL rows of this table were not readable when checked; the Aurora and RDS for
    # MariaDB rows mark both regions "not available", and refusing costs less than a failed deploy.
    ("use_rds_proxy", True): (
        frozenset({"ap-east-2", "ap-southeast-6"}),
        "RDS Proxy",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.RDS_Fea_Regions_DB-eng.Feature.RDSProxy.html",
    ),
}

# Both name an existing VPC's parts; neither means a new VPC (deploy/stack.yaml).
VPC_ID_OPTIONS = ("vpc_subnet_ids", "vpc_security_group_ids")

TRUE_WORDS = {"true", "yes", "y", "1", "on"}
FALSE_WORDS = {"false", "no", "n", "0", "off"}


@dataclass(frozen=True)
class Rule:
    """What a valid value of one option looks like, and how to explain it."""

    group: str
    help: str
    pattern: str | None = None
    allowed: str = ""
    min_length: int = 0
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    item_pattern: str | None = None
    max_items: int = 0
    depends_on: tuple[str, Any] | None = None
    check: Callable[[str], str | None] | None = None


def _check_slug(slug: str) -> str | None:
    if keyword.iskeyword(slug):
        return f"'{slug}' is a Python keyword"
    if slug in sys.stdlib_module_names:
        return f"'{slug}' is a Python standard library module"
    if slug in DJANGO_APP_LABELS or slug.startswith("django"):
        return f"'{slug}' clashes with a Django module or app label"
    if slug in TAKEN_NAMES:
        return f"'{slug}' is already used by the generated project or its packages"
    return None


def _check_bucket(name: str) -> str | None:
    if name.startswith(("xn--", "sthree-")) or name.endswith(("-s3alias", "--ol-s3")):
        return "uses a prefix or suffix that S3 reserves"
    if "--" in name:
        return "must not contain two hyphens in a row"
    return None


def _free_text(help: str, min_length: int, max_length: int) -> Rule:
    return Rule("project", help, FREE_TEXT, FREE_TEXT_ALLOWED, min_length=min_length, max_length=max_length)


RULES: dict[str, Rule] = {
    "project_name": _free_text("Human-readable name, used in the README and page titles.", 1, 80),
    "project_slug": Rule(
        group="project",
        help="Folder and Python package name. Derived from the project name if left empty.",
        pattern=r"[a-z][a-z0-9_]*",
        allowed="a lowercase letter, then lowercase letters, digits and _",
        min_length=2,
        max_length=40,
        check=_check_slug,
    ),
    "description": _free_text("One line for the README and pyproject.toml.", 0, 200),
    "author_name": _free_text("Goes into pyproject.toml.", 1, 100),
    "author_email": Rule(
        group="project",
        help="Goes into pyproject.toml.",
        pattern=r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
        allowed="an address such as you@example.com",
        min_length=3,
        max_length=254,
    ),
    "aws_region": Rule(group="aws", help="Region of the function, its API and the S3 buckets."),
    "python_runtime": Rule(group="aws", help="Lambda runtime; CI and the build use the same Python version."),
    "django_version": Rule(group="aws", help="5.2 is the long-term support release (security fixes until April 2028)."),
    "api_gateway": Rule(
        group="aws",
        help="HTTP API is cheaper and faster than REST API; a function URL skips API Gateway and its "
        f"{GATEWAY_TIMEOUT_SECONDS['rest_api']}-{GATEWAY_TIMEOUT_SECONDS['http_api']} s limit.",
    ),
    "memory_size": Rule(
        group="aws",
        help="Lambda gives CPU in proportion to memory: 1024 MB starts Django about twice as fast as 512 MB.",
        minimum=128,
        maximum=10240,
    ),
    "timeout_seconds": Rule(
        group="aws",
        help=f"API Gateway ends a request after {GATEWAY_TIMEOUT_SECONDS['rest_api']} s "
        f"(HTTP API: {GATEWAY_TIMEOUT_SECONDS['http_api']} s), so a longer Lambda timeout only helps "
        "with a function URL.",
        minimum=1,
        maximum=900,
    ),
    "use_vpc": Rule(
        group="network",
        help="Needed to reach a private RDS instance or RDS Proxy.",
    ),
    "vpc_subnet_ids": Rule(
        group="network",
        help="Private subnets in at least two availability zones. Leave both ID lists empty and the stack "
        "creates a VPC with two private subnets and the function's security group.",
        item_pattern=r"subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})",
        allowed="comma-separated IDs such as subnet-0123456789abcdef0",
        max_length=400,
        max_items=16,
        depends_on=("use_vpc", True),
    ),
    "vpc_security_group_ids": Rule(
        group="network",
        help="Security groups for the function, with the subnets above (or neither, for a new VPC).",
        item_pattern=r"sg-(?:[0-9a-f]{8}|[0-9a-f]{17})",
        allowed="comma-separated IDs such as sg-0123456789abcdef0",
        max_length=200,
        max_items=5,
        depends_on=("use_vpc", True),
    ),
    "database": Rule(group="data", help="PostgreSQL through psycopg 3, or no database at all."),
    "use_rds_proxy": Rule(
        group="data",
        help="Pools connections so many concurrent Lambdas don't exhaust the database.",
        depends_on=("database", "postgresql"),
    ),
    "storage": Rule(
        group="data",
        help="Static and uploaded files on S3 through django-storages.",
    ),
    "use_admin": Rule(
        group="data",
        help="Adds auth, sessions and the admin: more to load at every cold start.",
    ),
    "cold_start": Rule(
        group="delivery",
        help="SnapStart restores a snapshot taken after init (billed per cache and restore); provisioned "
        "concurrency keeps instances initialised (billed while idle); keep-warm pings one instance.",
    ),
    "provisioned_concurrency": Rule(
        group="delivery",
        help="Instances kept initialised in production, each billed all the time.",
        minimum=1,
        maximum=100,
        depends_on=("cold_start", "provisioned_concurrency"),
    ),
    "ephemeral_storage": Rule(
        group="aws",
        help="Size of /tmp. SnapStart only works with the default 512 MB.",
        minimum=512,
        maximum=10240,
    ),
    "deployment_bucket": Rule(
        group="delivery",
        help="S3 bucket for Zappa's deployment packages (created by Zappa if missing).",
        pattern=r"[a-z0-9][a-z0-9-]*[a-z0-9]",
        allowed="lowercase letters, digits and -, starting and ending with a letter or digit",
        min_length=3,
        max_length=63,
        check=_check_bucket,
    ),
    "ci_tool": Rule(group="delivery", help="A pipeline that lints, tests and deploys through an OIDC role."),
}


def load_template_options(template_dir: Path = TEMPLATE_DIR) -> dict[str, Any]:
    """The public options of cookiecutter.json with their defaults, in order."""
    context = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    return {key: value for key, value in context.items() if not key.startswith("_")}


def as_bool(value: Any) -> bool | None:
    """True/False for a boolean or a yes/no word, None for anything else."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS:
        return value.strip().lower() in TRUE_WORDS
    return None


def as_int(value: Any) -> int | None:
    """An int for a whole number of up to six digits, as a number or as text; None for anything else.

    The same for both forms: the site gets JSON numbers, the hook gets the text cookiecutter renders.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value < 10**6 else None
    if isinstance(value, str) and re.fullmatch(r"[0-9]{1,6}", value.strip()):
        return int(value)
    return None


def split_ids(value: str) -> list[str]:
    """'a, b,c' -> ['a', 'b', 'c']"""
    return [item.strip() for item in value.split(",") if item.strip()]


def _text_error(rule: Rule, value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if len(value) < rule.min_length:
        return "is required" if rule.min_length == 1 else f"must be at least {rule.min_length} characters"
    if len(value) > rule.max_length:
        return f"must be at most {rule.max_length} characters"
    if rule.pattern and value and not re.fullmatch(rule.pattern, value):
        return f"may only contain {rule.allowed}"
    return rule.check(value) if rule.check and value else None


def _id_list_error(rule: Rule, value: Any) -> str | None:
    if not isinstance(value, str):
        return "must be a string"
    if len(value) > rule.max_length:
        return f"must be at most {rule.max_length} characters"
    items = split_ids(value)
    for item in items:
        if not re.fullmatch(rule.item_pattern or "", item):
            shown = item if re.fullmatch(r"[\w-]{1,40}", item) else "a value"
            return f"{shown} is not valid: expected {rule.allowed}"
    if len(set(items)) != len(items):
        return "lists the same ID twice"
    if len(items) > rule.max_items:
        return f"may list at most {rule.max_items} IDs"
    return None


def _value_error(rule: Rule, default: Any, value: Any) -> str | None:
    """Why one value is invalid for its option, or None."""
    if isinstance(default, list):
        if value not in default:
            return "must be one of: " + ", ".join(default)
        return None
    if isinstance(default, bool):
        return None if as_bool(value) is not None else "must be true or false"
    if isinstance(default, int):
        number = as_int(value)
        if number is None:
            return "must be a whole number"
        if not rule.minimum <= number <= rule.maximum:
            return f"must be between {rule.minimum} and {rule.maximum}"
        return None
    if rule.item_pattern:
        return _id_list_error(rule, value)
    return _text_error(rule, value)


def is_active(name: str, values: Mapping[str, Any]) -> bool:
    """Whether an option matters, given the options it depends on."""
    dependency = RULES[name].depends_on
    if dependency is None:
        return True
    field, wanted = dependency
    actual = as_bool(values.get(field)) if isinstance(wanted, bool) else values.get(field)
    return actual == wanted


def _combination_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Options that are valid alone but don't fit together."""
    errors = {}
    postgres = values.get("database") == "postgresql"
    if as_bool(values.get("use_rds_proxy")) and postgres and not as_bool(values.get("use_vpc")):
        errors["use_rds_proxy"] = "RDS Proxy is only reachable inside a VPC: set use_vpc to true"
    if as_bool(values.get("use_admin")):
        if not postgres:
            errors["use_admin"] = "the admin keeps users and sessions in a database: choose database=postgresql"
        elif values.get("storage") != "s3":
            errors["use_admin"] = "the admin's CSS and JavaScript are served from S3: choose storage=s3"
    if values.get("cold_start") == "snap_start":
        runtime = str(values.get("python_runtime", "python3.12")).removeprefix("python")
        if tuple(int(part) for part in runtime.split(".") if part.isdigit()) < (3, 12):
            errors["cold_start"] = "Lambda offers SnapStart for Python 3.12 and later"
        storage = as_int(values.get("ephemeral_storage"))
        if storage and storage > 512:
            errors["ephemeral_storage"] = "SnapStart works only with 512 MB of /tmp: choose 512, or another cold_start"
    errors.update(_vpc_errors(values))
    errors.update(_regional_errors(values))
    limit = GATEWAY_TIMEOUT_SECONDS.get(values.get("api_gateway"))
    timeout = as_int(values.get("timeout_seconds"))
    if limit and timeout and timeout > limit:
        errors["timeout_seconds"] = (
            f"{values['api_gateway']} ends every request after {limit} s: "
            f"choose at most {limit}, or api_gateway=function_url"
        )
    return errors


def derived_facts(values: Mapping[str, Any]) -> dict[str, bool]:
    """What the templates decide from more than one option, decided here once (the ``derived`` filter)."""
    vpc = bool(as_bool(values.get("use_vpc")))
    new_vpc = vpc and not split_ids(str(values.get("vpc_subnet_ids") or ""))
    postgres = values.get("database") == "postgresql"
    return {
        "new_vpc": new_vpc,  # no IDs given: the stack makes the VPC
        "existing_vpc": vpc and not new_vpc,
        # A database the stack owns is private, so it needs the VPC; without one, DATABASE_URL names yours.
        "stack_database": vpc and postgres,
        "url_database": postgres and not vpc,
    }


def _vpc_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Subnets and security groups come together (your VPC), or not at all (the stack makes one)."""
    if not as_bool(values.get("use_vpc")):
        return {}
    given = {name: bool(split_ids(str(values.get(name) or ""))) for name in VPC_ID_OPTIONS}
    if len(set(given.values())) == 1:
        return {}
    missing = next(name for name, present in given.items() if not present)
    return {missing: "is required with the other ID list: give both for your VPC, or neither for a new one"}


def _regional_errors(values: Mapping[str, Any]) -> dict[str, str]:
    """Options whose feature AWS doesn't offer in the chosen region."""
    errors = {}
    region = values.get("aws_region")
    for (name, wanted), (regions, feature, source) in UNAVAILABLE_IN.items():
        actual = as_bool(values.get(name)) if isinstance(wanted, bool) else values.get(name)
        if actual == wanted and region in regions and is_active(name, values):
            errors[name] = f"AWS doesn't offer {feature} in {region} ({source}): choose another {name} or aws_region"
    return errors


def validate(values: Mapping[str, Any], options: Mapping[str, Any] | None = None) -> dict[str, str]:
    """Check every option value; return {option: what is wrong} (empty when all is well).

    Options that don't matter for the other values (e.g. subnets without a VPC)
    are still checked for dangerous characters but not required.
    """
    options = load_template_options() if options is None else options
    errors: dict[str, str] = {}
    for name, default in options.items():
        if name not in values:
            continue
        value = values[name]
        rule = RULES[name]
        error = _value_error(rule, default, value) if is_active(name, values) else _inactive_error(default, value)
        if error:
            errors[name] = error
    # Combinations only among valid values: one bad value shouldn't raise a cascade of errors.
    valid = {name: value for name, value in values.items() if name not in errors}
    for name, error in _combination_errors(valid).items():
        errors.setdefault(name, error)
    return errors


def _inactive_error(default: Any, value: Any) -> str | None:
    """An unused value is ignored, as long as it has the option's type and, for text, is plain text."""
    if value in (None, ""):
        return None
    if isinstance(default, bool):
        return None if as_bool(value) is not None else "must be true or false"
    if isinstance(default, int):
        return None if as_int(value) is not None else "must be a whole number"
    if not isinstance(value, str) or not re.fullmatch(r"[\w ,.-]{0,400}", value):
        return "may only contain letters, digits, spaces and , . - _"
    return None
