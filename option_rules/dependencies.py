"""The packages a generated project depends on: each pin written once, with the options that bring it in.

The template's pyproject.toml lists a bake's pins (the ``requirements`` filter of template_extensions.py);
``make lock`` resolves, for each runtime and Django version, every pin any option set can want into one
lock (``LOCKS_DIR``), and option_rules.uv_lock cuts each bake's uv.lock from it. A pin changed here
reaches the template, the locks and the site together.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from option_rules.catalogue import load_template_options
from option_rules.combinations import derived_facts

LOCKS_DIR = Path(__file__).resolve().parent / "locks"
# The uv that writes option_rules/locks/ (requirements.in pins the same), and that generated CI runs:
# a lock is read the same by the uv that wrote it.
UV_VERSION = "0.13.9"
# The development group's name in pyproject.toml: uv installs it with `uv sync` and leaves it out of the package.
DEVELOPMENT_GROUP = "dev"

Values = Mapping[str, Any]


@dataclass(frozen=True)
class Pin:
    requirement: str  # exactly as pyproject.toml lists it: "name[extras]==version"
    why: str  # the comment beside it in pyproject.toml
    wanted: Callable[[Values, Mapping[str, Any]], bool]  # (options, derived facts) -> in this bake?


def _always(values: Values, facts: Mapping[str, Any]) -> bool:
    return True


RUNTIME = [
    Pin("Django==5.2.19", "5.2 LTS", lambda values, facts: values["django_version"] == "5.2"),
    Pin("Django==6.1.3", "", lambda values, facts: values["django_version"] == "6.1"),
    Pin("mangum==0.22.0", "Lambda's HTTP events to ASGI (lambda_function.py)", _always),
    Pin("django-ninja==1.7.1", "", lambda values, facts: values["api_framework"] == "ninja"),
    Pin("djangorestframework==3.18.3", "", lambda values, facts: values["api_framework"] == "drf"),
    Pin("drf-spectacular==0.30.0", "the OpenAPI schema", lambda values, facts: values["api_framework"] == "drf"),
    Pin(
        "django-tasks==0.12.0",
        "Django 6's Tasks API for Django 5.2 (config/lambda_tasks.py)",
        lambda values, facts: bool(facts["tasks"]) and facts["tasks_api"] == "django_tasks",
    ),
    Pin(
        "snapshot-restore-py==1.0.0",
        "the runtime ships it too; here for local runs and tests of the SnapStart hooks",
        lambda values, facts: values["cold_start"] == "snap_start",
    ),
    Pin("psycopg[binary]==3.3.9", "", lambda values, facts: values["database"] == "postgresql"),
    Pin("django-storages[s3]==1.14.6", "", lambda values, facts: values["storage"] == "s3"),
]
# Tests, lint and deployment: installed by `uv sync`, never packaged.
DEVELOPMENT = [
    Pin("pytest==9.2.0", "", _always),
    Pin("pytest-django==4.14.0", "", _always),
    Pin("ruff==0.17.6", "", _always),
    Pin("zappa==0.63.0", "builds the package and deploys it (scripts/)", _always),
]
# Besides the runtime and Django version, which pick the lock, the options that decide a bake's pins.
DECIDING = ("api_framework", "tasks", "use_vpc", "cold_start", "database", "storage")


def project_pins(values: Values) -> dict[str, list[Pin]]:
    """The bake's pins: its runtime dependencies and the development group."""
    facts = derived_facts(values)
    return {
        "dependencies": [pin for pin in RUNTIME if pin.wanted(values, facts)],
        DEVELOPMENT_GROUP: [pin for pin in DEVELOPMENT if pin.wanted(values, facts)],
    }


def lock_path(runtime: str, django_version: str, directory: Path = LOCKS_DIR) -> Path:
    """Where the lock of every pin a runtime and Django version can want is kept."""
    return directory / f"{runtime}-django{django_version}.lock"


def lock_keys() -> Iterator[tuple[str, str]]:
    """Each (python_runtime, django_version) the template offers: one lock each."""
    choices = load_template_options()
    yield from itertools.product(choices["python_runtime"], choices["django_version"])


def superset_pins(runtime: str, django_version: str) -> dict[str, list[Pin]]:
    """Every pin some option set of this runtime and Django version wants, in the order of the lists above."""
    choices = load_template_options()
    defaults = {name: value[0] if isinstance(value, list) else value for name, value in choices.items()}
    options = [choices[name] if isinstance(choices[name], list) else [True, False] for name in DECIDING]
    wanted: dict[str, set[str]] = {"dependencies": set(), DEVELOPMENT_GROUP: set()}
    for combination in itertools.product(*options):
        values = {**defaults, **dict(zip(DECIDING, combination, strict=True)), "python_runtime": runtime}
        values["django_version"] = django_version
        for group, pins in project_pins(values).items():
            wanted[group].update(pin.requirement for pin in pins)
    return {
        "dependencies": [pin for pin in RUNTIME if pin.requirement in wanted["dependencies"]],
        DEVELOPMENT_GROUP: [pin for pin in DEVELOPMENT if pin.requirement in wanted[DEVELOPMENT_GROUP]],
    }
