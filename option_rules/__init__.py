"""The one rule set for the template's options: the room between the template and the site.

cookiecutter.json says which options exist, their defaults, choices and labels; this package says
what a valid value is (``catalogue``, ``names``, ``values``), which options only fit together
(``combinations``), what AWS allows where (``aws``), which files an option makes useless
(``unused_files``) and, for docs/options.md, what each option does (``effects``, ``reference``).

The template's hooks and Jinja guard (template_extensions.py) and the generator site import it, so the
CLI and the site accept and reject the same values; it imports neither. Standard library only: the
pre_gen hook runs in whatever interpreter runs cookiecutter.
"""

from option_rules.catalogue import (
    CRUFT_INSTALL,
    GROUPS,
    RULES,
    TEMPLATE_DIR,
    TEMPLATE_URL,
    Group,
    Rule,
    is_active,
    load_template_options,
)
from option_rules.combinations import derived_facts
from option_rules.validation import validate
from option_rules.values import as_bool, as_int, split_ids

__all__ = [
    "CRUFT_INSTALL",
    "GROUPS",
    "RULES",
    "TEMPLATE_DIR",
    "TEMPLATE_URL",
    "Group",
    "Rule",
    "as_bool",
    "as_int",
    "derived_facts",
    "is_active",
    "load_template_options",
    "split_ids",
    "validate",
]
