"""What a valid value of each option looks like, how the site groups the options, and which matter when.

cookiecutter.json says which options exist, their defaults, choices and labels; each has a
:class:`Rule` here. A rule names its :class:`Group` object, so a misspelt group fails at import
instead of dropping the option from the site's form.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from option_rules import aws
from option_rules.names import (
    EMAIL_ADDRESS,
    EMAIL_ADDRESS_ALLOWED,
    FREE_TEXT,
    FREE_TEXT_ALLOWED,
    check_bucket,
    check_slug,
)
from option_rules.values import as_bool

TEMPLATE_DIR = Path(__file__).resolve().parent.parent
# Where the template is published: the site's default GENERATOR_TEMPLATE_URL, and the generated README's link.
TEMPLATE_URL = "https://github.com/cookiecutter-django-lambda/cookiecutter-django-lambda"
# How users install cruft, on the site's page and in both READMEs. typer 0.29 breaks `cruft update`'s
# question (a click.Choice prompt fails an assertion), so it is held below that.
CRUFT_INSTALL = "pip install cruft 'typer<0.29'   # typer 0.29 breaks cruft update's question"


@dataclass(frozen=True)
class Group:
    """A section of the site's form and of docs/options.md."""

    key: str
    title: str


PROJECT = Group("project", "Project")
AWS = Group("aws", "AWS")
API = Group("api", "API")
NETWORK = Group("network", "Network")
DATA = Group("data", "Data")
DELIVERY = Group("delivery", "Delivery")
OPERATIONS = Group("operations", "Operations")
GROUPS = (PROJECT, AWS, API, NETWORK, DATA, DELIVERY, OPERATIONS)  # in the order the form and the docs show them


@dataclass(frozen=True)
class Rule:
    """What a valid value of one option looks like, and how to explain it."""

    group: Group
    help: str
    pattern: str | None = None
    allowed: str = ""
    min_length: int = 0
    max_length: int = 200
    minimum: int | None = None
    maximum: int | None = None
    unit: str = ""  # of minimum and maximum, for the docs
    item_pattern: str | None = None
    max_items: int = 0
    depends_on: tuple[str, Any] | None = None
    check: Callable[[str], str | None] | None = None  # its docstring says what it refuses, for the docs


def _free_text(help: str, min_length: int, max_length: int) -> Rule:
    return Rule(PROJECT, help, FREE_TEXT, FREE_TEXT_ALLOWED, min_length=min_length, max_length=max_length)


RULES: dict[str, Rule] = {
    "project_name": _free_text("Human-readable name, used in the README and page titles.", 1, 80),
    "project_slug": Rule(
        group=PROJECT,
        help="Folder and Python package name. Derived from the project name if left empty.",
        pattern=r"[a-z][a-z0-9_]*",
        allowed="a lowercase letter, then lowercase letters, digits and _",
        min_length=2,
        max_length=40,
        check=check_slug,
    ),
    "description": _free_text("One line for the README and pyproject.toml.", 0, 200),
    "author_name": _free_text("Goes into pyproject.toml.", 1, 100),
    "author_email": Rule(
        group=PROJECT,
        help="Goes into pyproject.toml.",
        pattern=EMAIL_ADDRESS,
        allowed=EMAIL_ADDRESS_ALLOWED,
        min_length=3,
        max_length=254,
    ),
    "aws_region": Rule(group=AWS, help="Region of the function, its API and the S3 buckets."),
    "python_runtime": Rule(group=AWS, help="Lambda runtime; CI and the build use the same Python version."),
    "architecture": Rule(
        group=AWS,
        help="arm64 (AWS Graviton) is billed 20% less per GB-second; x86_64 runs in every region and is what "
        "the template's tests run the package on.",
    ),
    "django_version": Rule(group=AWS, help="5.2 is the long-term support release (security fixes until April 2028)."),
    "api_framework": Rule(
        group=API,
        help="Plain Django views, Django Ninja (typed, OpenAPI built in) or Django REST framework with "
        "drf-spectacular; both frameworks serve their OpenAPI schema and docs page.",
    ),
    "api_gateway": Rule(
        group=AWS,
        help="HTTP API is cheaper and faster than REST API; a function URL skips API Gateway and its limit of "
        f"{aws.gateway_limits()}.",
    ),
    "memory_size": Rule(
        group=AWS,
        help="Lambda gives CPU in proportion to memory: 1024 MB starts Django about twice as fast as 512 MB.",
        minimum=aws.MEMORY_MB[0],
        maximum=aws.MEMORY_MB[1],
        unit="MB",
    ),
    "timeout_seconds": Rule(
        group=AWS,
        help=f"API Gateway ends a request after {aws.gateway_limits()}, so a longer Lambda timeout only helps "
        "with a function URL.",
        minimum=aws.TIMEOUT_SECONDS[0],
        maximum=aws.TIMEOUT_SECONDS[1],
        unit="s",
    ),
    "use_vpc": Rule(group=NETWORK, help="Needed to reach a private RDS instance or RDS Proxy."),
    "vpc_subnet_ids": Rule(
        group=NETWORK,
        help="Private subnets in at least two availability zones. Leave both ID lists empty and the stack "
        "creates a VPC with two private subnets and the function's security group.",
        item_pattern=r"subnet-(?:[0-9a-f]{8}|[0-9a-f]{17})",
        allowed="comma-separated IDs such as subnet-0123456789abcdef0",
        max_length=400,
        max_items=16,
        depends_on=("use_vpc", True),
    ),
    "vpc_security_group_ids": Rule(
        group=NETWORK,
        help="Security groups for the function, with the subnets above (or neither, for a new VPC).",
        item_pattern=r"sg-(?:[0-9a-f]{8}|[0-9a-f]{17})",
        allowed="comma-separated IDs such as sg-0123456789abcdef0",
        max_length=200,
        max_items=5,
        depends_on=("use_vpc", True),
    ),
    "database": Rule(group=DATA, help="PostgreSQL through psycopg 3, or no database at all."),
    "use_rds_proxy": Rule(
        group=DATA,
        help="Pools connections so many concurrent Lambdas don't exhaust the database.",
        depends_on=("database", "postgresql"),
    ),
    "storage": Rule(group=DATA, help="Static and uploaded files on S3 through django-storages."),
    "use_admin": Rule(group=DATA, help="Adds auth, sessions and the admin: more to load at every cold start."),
    "cold_start": Rule(
        group=DELIVERY,
        help="SnapStart restores a snapshot taken after init (billed per cache and restore); provisioned "
        "concurrency keeps instances initialised (billed while idle); keep-warm pings one instance.",
    ),
    "provisioned_concurrency": Rule(
        group=DELIVERY,
        help="Instances kept initialised in production, each billed all the time.",
        minimum=1,
        maximum=100,  # ours, not AWS's: a guard against a typo that bills hundreds of idle instances
        depends_on=("cold_start", "provisioned_concurrency"),
    ),
    "ephemeral_storage": Rule(
        group=AWS,
        help=f"Size of /tmp. SnapStart only works with the default {aws.SNAPSTART_EPHEMERAL_STORAGE_MB} MB.",
        minimum=aws.EPHEMERAL_STORAGE_MB[0],
        maximum=aws.EPHEMERAL_STORAGE_MB[1],
        unit="MB",
    ),
    "deployment_bucket": Rule(
        group=DELIVERY,
        help="S3 bucket for Zappa's deployment packages (created by Zappa if missing).",
        pattern=r"[a-z0-9][a-z0-9-]*[a-z0-9]",
        allowed="lowercase letters, digits and -, starting and ending with a letter or digit",
        min_length=3,
        max_length=63,
        check=check_bucket,
    ),
    "ci_tool": Rule(
        group=DELIVERY,
        help="A GitHub Actions or GitLab CI/CD pipeline that lints, tests and deploys through an OIDC role.",
    ),
    "tasks": Rule(
        group=OPERATIONS,
        help="Work after the response (Django's Tasks API), run in the function itself by an asynchronous "
        "invocation, with retries and a dead-letter queue.",
    ),
    "xray_tracing": Rule(group=OPERATIONS, help="Active tracing: each request's time in Lambda, per invocation."),
    "alarm_email": Rule(
        group=OPERATIONS,
        help="Subscribed to the stack's alarm topic (AWS e-mails a confirmation link first).",
        pattern=EMAIL_ADDRESS,
        allowed=EMAIL_ADDRESS_ALLOWED,
        max_length=254,
    ),
}


def load_template_options(template_dir: Path = TEMPLATE_DIR) -> dict[str, Any]:
    """The public options of cookiecutter.json with their defaults, in order."""
    context = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    return {key: value for key, value in context.items() if not key.startswith("_")}


def is_active(name: str, values: Mapping[str, Any]) -> bool:
    """Whether an option matters, given the options it depends on."""
    dependency = RULES[name].depends_on
    if dependency is None:
        return True
    field, wanted = dependency
    actual = as_bool(values.get(field)) if isinstance(wanted, bool) else values.get(field)
    return actual == wanted
