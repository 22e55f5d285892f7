"""One value against its option's rule: typed parsing (yes/no words, numbers, ID lists) and what is wrong."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from option_rules.catalogue import Rule

TRUE_WORDS = {"true", "yes", "y", "1", "on"}
FALSE_WORDS = {"false", "no", "n", "0", "off"}


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


def value_error(rule: Rule, default: Any, value: Any) -> str | None:
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


def inactive_error(default: Any, value: Any) -> str | None:
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
