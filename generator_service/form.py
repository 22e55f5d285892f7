"""The page's form read leniently: every value that can be used is, and each one that can't is named.

The JSON API refuses input with any bad value; the page instead shows the form again with the bad
fields marked, and previews the project of the values that remain.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import option_rules
from generator_service.options import load_options
from generator_service.values import OptionErrors, parse_input, resolve


@dataclass
class FormState:
    """What the page shows: the values as given, errors per field, what had to be dropped, and the
    options the preview uses (the given values minus those that broke a rule)."""

    given: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)
    resolved: dict[str, Any] = field(default_factory=dict)

    def inactive(self) -> set[str]:
        """The options that don't matter with the others' values (hidden on the page)."""
        values = {**self.resolved, **self.given}
        return {name for name in self.resolved if not option_rules.is_active(name, values)}


def _typed(raw: dict[str, Any], state: FormState) -> None:
    """Each value typed on its own, so one bad key drops only itself."""
    for key, value in raw.items():
        try:
            state.given.update(parse_input({key: value}))
        except OptionErrors as error:
            # Keyed by the key as given (the page escapes it), so the notice can say what was wrong.
            state.errors[key] = next(iter(error.errors.values()))
            state.dropped[key] = str(value)[:100]


def read_form(raw: dict[str, Any]) -> FormState:
    state = FormState()
    _typed(raw, state)
    usable = dict(state.given)
    for _ in range(len(load_options().options)):
        try:
            state.resolved = resolve(usable)
            return state
        except OptionErrors as error:
            state.errors.update(error.errors)
            for name in error.errors:
                # Drop the value at fault; for a missing value, the option that made it necessary.
                culprit = name if name in usable else (option_rules.RULES[name].depends_on or (name, None))[0]
                if culprit in usable:
                    usable.pop(culprit)
                    state.dropped[culprit] = str(raw.get(culprit, ""))[:100]
                    state.errors.setdefault(culprit, f"needs {name}, which is not valid")
    state.resolved = resolve({})
    return state
