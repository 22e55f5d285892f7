"""Every option value checked at once: the function the pre_gen hook, the Jinja guard and the site call."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from option_rules.catalogue import RULES, is_active, load_template_options
from option_rules.combinations import combination_errors
from option_rules.values import inactive_error, value_error


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
        error = value_error(rule, default, value) if is_active(name, values) else inactive_error(default, value)
        if error:
            errors[name] = error
    # Combinations only among valid values: one bad value shouldn't raise a cascade of errors.
    valid = {name: value for name, value in values.items() if name not in errors}
    for name, error in combination_errors(valid).items():
        errors.setdefault(name, error)
    return errors
