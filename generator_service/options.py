"""The template's options as the site sees them: metadata, parsing and validation.

Nothing here names an option: names, defaults, choices and labels come from
cookiecutter.json, and every rule from option_rules/, the rule set the
pre_gen hook applies. So the site accepts exactly what the CLI accepts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment

import option_rules
from generator_service.config import get_settings

# Keys a user can never set: cookiecutter's own inputs choose the template and where it comes from.
FORBIDDEN_KEYS = {"template", "checkout", "directory", "output_dir", "replay", "config_file"}
MAX_VALUE_LENGTH = 1000  # before any rule: nothing longer is worth reading


class Repeated(list):
    """The values of a key a request gave more than once (query, form or JSON object)."""


@dataclass(frozen=True)
class Option:
    name: str
    label: str
    type: str  # "string", "choice", "boolean", "integer", "id_list"
    group: str
    help: str
    default: Any
    derived: str | None = None  # the Jinja expression of a derived default, e.g. project_slug
    choices: list[dict[str, str]] = field(default_factory=list)
    pattern: str | None = None
    allowed: str = ""
    min_length: int = 0
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    depends_on: dict[str, Any] | None = None

    def as_json(self) -> dict[str, Any]:
        data = {key: value for key, value in self.__dict__.items() if value not in (None, [], "")}
        data["default"] = self.default
        return data


@dataclass(frozen=True)
class OptionSet:
    """All options in cookiecutter.json order, with the rules to validate them."""

    options: dict[str, Option]
    raw_defaults: dict[str, Any]
    rules: Any

    def groups(self) -> list[tuple[str, str, list[Option]]]:
        return [
            (group.key, group.title, [option for option in self.options.values() if option.group == group.key])
            for group in option_rules.GROUPS
        ]


def _option_type(default: Any, rule: Any) -> str:
    if isinstance(default, list):
        return "choice"
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, int):
        return "integer"
    return "id_list" if rule.item_pattern else "string"


def _build_option(name: str, default: Any, prompt: Any, rule: Any) -> Option:
    label = prompt.get("__prompt__", name) if isinstance(prompt, dict) else (prompt or name)
    kind = _option_type(default, rule)
    derived = default if isinstance(default, str) and "{{" in default else None
    choices = []
    if kind == "choice":
        labels = prompt if isinstance(prompt, dict) else {}
        choices = [{"value": value, "label": labels.get(value, value)} for value in default]
    depends_on = dict([rule.depends_on]) if rule.depends_on else None
    return Option(
        name=name,
        label=label,
        type=kind,
        group=rule.group.key,
        help=rule.help,
        default=default[0] if kind == "choice" else (None if derived else default),
        derived=derived,
        choices=choices,
        pattern=rule.item_pattern or rule.pattern,
        allowed=rule.allowed,
        min_length=rule.min_length,
        max_length=rule.max_length if kind in ("string", "id_list") else None,
        minimum=rule.minimum,
        maximum=rule.maximum,
        depends_on=depends_on,
    )


@cache
def load_options(template_dir: Path | None = None) -> OptionSet:
    template_dir = template_dir or get_settings().template_dir
    rules = option_rules
    context = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    prompts = context.get("__prompts__", {})
    raw_defaults = rules.load_template_options(template_dir)
    options = {
        name: _build_option(name, default, prompts.get(name), rules.RULES[name])
        for name, default in raw_defaults.items()
    }
    return OptionSet(options=options, raw_defaults=raw_defaults, rules=rules)


class OptionErrors(Exception):
    """Invalid input: {option: what is wrong}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _normalise(option: Option, value: Any, rules: Any) -> Any:
    """Typed value of an option from a form, query string or JSON value (validated later)."""
    if option.type == "boolean":
        parsed = rules.as_bool(value)
        return value if parsed is None else parsed
    if option.type == "integer":
        parsed = rules.as_int(value)
        return value if parsed is None else parsed
    if option.type == "id_list" and isinstance(value, str):
        return ",".join(rules.split_ids(value))
    return value


def parse_input(raw: Mapping[str, Any], option_set: OptionSet | None = None) -> dict[str, Any]:
    """The options a user gave, typed; raises OptionErrors for unknown, private or malformed keys.

    Empty strings mean "use the default", as an untouched form field does.
    """
    option_set = option_set or load_options()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        shown = key if re.fullmatch(r"[\w-]{1,40}", str(key)) else "(unreadable key)"
        if key in FORBIDDEN_KEYS or str(key).startswith("_"):
            errors[shown] = "cannot be set: the site renders its own template only"
        elif key not in option_set.options:
            errors[shown] = "is not an option; options are: " + ", ".join(option_set.options)
        elif isinstance(value, Repeated):
            errors[key] = "was given more than once"
        elif isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
            errors[key] = f"must be at most {MAX_VALUE_LENGTH} characters"
        elif not isinstance(value, (str, bool, int)) or value is None:
            errors[key] = "must be a string, number or boolean"
        elif value != "":
            values[key] = _normalise(option_set.options[key], value, option_set.rules)
    if errors:
        raise OptionErrors(errors)
    return values


@cache
def _derived_template(expression: str) -> Template:
    return SandboxedEnvironment().from_string(expression)


def _derive(option: Option, values: Mapping[str, Any]) -> str:
    """A derived default (e.g. project_slug from project_name): our own expression from
    cookiecutter.json, rendered in Jinja's sandbox. The values are data there, never template
    code, and the result is validated like any given value."""
    try:
        return _derived_template(option.derived).render(cookiecutter=values)
    except Exception:  # e.g. a project_name that is no string: the rules report that field
        return ""


def resolve(values: Mapping[str, Any], option_set: OptionSet | None = None) -> dict[str, Any]:
    """Every option's final value: the given ones, else the template's defaults.

    Raises OptionErrors with every rule the values break: the pre_gen hook's rules.
    """
    option_set = option_set or load_options()
    resolved: dict[str, Any] = {}
    for name, option in option_set.options.items():
        if name in values:
            resolved[name] = values[name]
        else:
            resolved[name] = _derive(option, resolved) if option.derived else option.default
    errors = option_set.rules.validate(resolved, option_set.raw_defaults)
    for name in errors.keys() - values.keys():
        if name in option_set.options and option_set.options[name].derived:
            errors[name] += _derivation_hint(option_set.options[name], resolved[name])
    if errors:
        raise OptionErrors(errors)
    return resolved


def _derivation_hint(option: Option, value: Any) -> str:
    """For a derived default that broke a rule: where it came from, so the user knows what to change."""
    sources = " and ".join(dict.fromkeys(re.findall(r"cookiecutter\.(\w+)", option.derived or "")))
    shown = str(value) if len(str(value)) <= 60 else str(value)[:57] + "..."
    return f" (made from {sources} as {shown!r}: set {option.name} yourself or change {sources})"


def non_default(resolved: Mapping[str, Any], option_set: OptionSet | None = None) -> dict[str, Any]:
    """The values that differ from what the template would pick by itself, for short commands."""
    option_set = option_set or load_options()
    changed = {}
    for name, option in option_set.options.items():
        default = _derive(option, resolved) if option.derived else option.default
        if resolved[name] != default:
            changed[name] = resolved[name]
    return changed


def allowed_values(name: str, option_set: OptionSet | None = None) -> list[Any] | str | None:
    """What a user may give for an option, for error messages."""
    option = (option_set or load_options()).options.get(name)
    if option is None:
        return None
    if option.type == "choice":
        return [choice["value"] for choice in option.choices]
    if option.type == "boolean":
        return [True, False]
    if option.type == "integer":
        return f"{option.minimum}-{option.maximum}"
    return option.allowed or None
