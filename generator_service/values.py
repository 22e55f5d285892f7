"""From the values a user gave to every option's final value: typed, completed with the defaults,
checked with the rules the pre_gen hook applies (option_rules.validate)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Any

from jinja2 import Template
from jinja2.sandbox import SandboxedEnvironment

import option_rules
from generator_service.options import MAX_VALUE_LENGTH, Option, OptionSet, load_options

# Keys a user can never set: cookiecutter's own inputs choose the template and where it comes from.
FORBIDDEN_KEYS = {"template", "checkout", "directory", "output_dir", "replay", "config_file"}


class Repeated(list):
    """The values of a key a request gave more than once (query, form or JSON object)."""


class OptionErrors(Exception):
    """Invalid input: {option: what is wrong}."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def _key_error(key: Any, value: Any, option_set: OptionSet) -> tuple[str, str] | None:
    """(the key as shown, what is wrong) for a key and value no option can take, else None."""
    shown = key if re.fullmatch(r"[\w-]{1,40}", str(key)) else "(unreadable key)"
    if key in FORBIDDEN_KEYS or str(key).startswith("_"):
        return shown, "cannot be set: the site renders its own template only"
    if key not in option_set.options:
        return shown, "is not an option; options are: " + ", ".join(option_set.options)
    if isinstance(value, Repeated):
        return key, "was given more than once"
    if isinstance(value, str) and len(value) > MAX_VALUE_LENGTH:
        return key, f"must be at most {MAX_VALUE_LENGTH} characters"
    if not isinstance(value, (str, bool, int)) or value is None:
        return key, "must be a string, number or boolean"
    return None


def parse_input(raw: Mapping[str, Any], option_set: OptionSet | None = None) -> dict[str, Any]:
    """The options a user gave, typed; raises OptionErrors for unknown, private or malformed keys.

    Empty strings mean "use the default", as an untouched form field does.
    """
    option_set = option_set or load_options()
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        error = _key_error(key, value, option_set)
        if error is not None:
            errors[error[0]] = error[1]
        elif value != "":
            values[key] = option_set.options[key].typed(value)
    if errors:
        raise OptionErrors(errors)
    return values


@cache
def _derived_template(expression: str) -> Template:
    return SandboxedEnvironment().from_string(expression)


def _default(option: Option, values: Mapping[str, Any]) -> Any:
    """The value the template picks by itself: the default, or one derived from the values so far
    (e.g. project_slug from project_name). A derived default is our own expression from
    cookiecutter.json, rendered in Jinja's sandbox: the values are data there, never template
    code, and the result is validated like any given value."""
    if not option.derived:
        return option.default
    try:
        return _derived_template(option.derived).render(cookiecutter=values)
    except Exception:  # e.g. a project_name that is no string: the rules report that field
        return ""


def resolve(values: Mapping[str, Any], option_set: OptionSet | None = None) -> dict[str, Any]:
    """Every option's final value: the given ones, else the template's defaults.

    An option that doesn't apply (vpc_subnet_ids without use_vpc) gets its default whatever was given: it
    changes no file, and a download's .cruft.json, which `cruft update` renders again, records only what
    shaped the project. Raises OptionErrors with every rule the values break: the pre_gen hook's rules.
    """
    option_set = option_set or load_options()
    resolved: dict[str, Any] = {}
    for name, option in option_set.options.items():
        resolved[name] = values[name] if name in values else _default(option, resolved)
    errors = option_rules.validate(resolved, option_set.raw_defaults)
    for name in errors.keys() - values.keys():
        if name in option_set.options and option_set.options[name].derived:
            errors[name] += _derivation_hint(option_set.options[name], resolved[name])
    if errors:
        raise OptionErrors(errors)
    for name, option in option_set.options.items():
        if not option_rules.is_active(name, resolved):
            resolved[name] = _default(option, resolved)
    return resolved


def _derivation_hint(option: Option, value: Any) -> str:
    """For a derived default that broke a rule: where it came from, so the user knows what to change."""
    sources = " and ".join(dict.fromkeys(re.findall(r"cookiecutter\.(\w+)", option.derived or "")))
    shown = str(value) if len(str(value)) <= 60 else str(value)[:57] + "..."
    return f" (made from {sources} as {shown!r}: set {option.name} yourself or change {sources})"


def non_default(resolved: Mapping[str, Any], option_set: OptionSet | None = None) -> dict[str, Any]:
    """The values that differ from what the template would pick by itself, for short commands."""
    option_set = option_set or load_options()
    return {
        name: resolved[name]
        for name, option in option_set.options.items()
        if resolved[name] != _default(option, resolved)
    }
