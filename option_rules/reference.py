"""docs/options.md, written from the rules: ``python -m option_rules.reference --write`` (``make docs``).

The "Allowed" column comes from each option's rule, its constraints and the regions AWS lacks a
feature in; "Default" and the labels from cookiecutter.json; "What it does" from ``effects``. A test
fails while the committed file differs from what this writes.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from option_rules.aws import UNAVAILABLE_IN
from option_rules.catalogue import GROUPS, RULES, TEMPLATE_DIR, TEMPLATE_URL, Rule, load_template_options
from option_rules.combinations import CONSTRAINTS
from option_rules.effects import EFFECTS

DOCUMENT = TEMPLATE_DIR / "docs" / "options.md"
# The command line the docs show; a test checks that the rules accept it.
EXAMPLE = {
    "project_name": "Orders API",
    "aws_region": "eu-west-1",
    "api_gateway": "http_api",
    "use_vpc": True,
    "vpc_subnet_ids": "subnet-0123456789abcdef0,subnet-0fedcba9876543210",
    "vpc_security_group_ids": "sg-0123456789abcdef0",
    "use_rds_proxy": True,
}
MANY_CHOICES = 6  # more than this are summed up, not listed
INTRO = """\
# Template options

<!-- Written by `make docs` (python -m option_rules.reference --write) from option_rules/: edit those. -->

Every question `cookiecutter` asks, what it accepts and what it changes in the generated project.
The values are defined in [`cookiecutter.json`](../cookiecutter.json); what counts as valid is in one place,
[`option_rules/`](../option_rules/), which the pre-generation hook and the generator site apply. An invalid
value stops generation before any file is written, with `ERROR: <option>: <what is wrong>`.

One kind of value gets cookiecutter's own error instead: a choice outside its list (`aws_region=mars-1`) or a
boolean it can't read. cookiecutter refuses those while it reads the command line, before any of the
template's code runs (`apply_overwrites_to_context`, since cookiecutter/cookiecutter#1496), and its CLI prints
that `ValueError` with a traceback; the last line names the option and what it allows. The template can't
shorten it in cookiecutter 2.7.1: a `pre_prompt` hook runs without the command line's values, and the
template's guard and pre-generation hook run only afterwards. The generator site gives the one-line error for
these values too.

Give options on the command line to skip the questions:

```bash
{example}
```

Booleans accept `true`/`false` (also `yes`/`no`, `1`/`0`).
"""
GROUP_NOTES = {
    "project": "Free text never contains braces, quotes, backslashes or control characters: cookiecutter would "
    "read\nbraces as template code, and the others would need escaping wherever the value lands.",
}


def example_command() -> str:
    arguments = [f"cookiecutter {TEMPLATE_URL} --no-input"]
    for name, value in EXAMPLE.items():
        text = _text_of(value)
        arguments.append(f'{name}="{text}"' if " " in text else f"{name}={text}")
    return " \\\n    ".join(arguments)


def _text_of(value: Any) -> str:
    """A value as the command line spells it: booleans as true and false."""
    return json.dumps(value) if isinstance(value, bool) else str(value)


def _code(value: Any) -> str:
    return f"`{_text_of(value)}`"


def _default(name: str, default: Any, defaults: dict[str, Any]) -> str:
    if isinstance(default, list):
        return _code(default[0])
    if isinstance(default, str) and "{{" in default:
        sources = ", ".join(f"`{other}`" for other in defaults if f"cookiecutter.{other}" in default)
        return f"made from {sources} ({_code(defaults[name])})"
    return _code(default) if default != "" else "empty"


def _choices(default: list[str], labels: dict[str, str]) -> str:
    if len(default) > MANY_CHOICES:
        return f"one of {len(default)} values, from {_code(default[0])} to {_code(default[-1])} (cookiecutter.json)"
    return "; ".join(f"{_code(value)}: {labels.get(value, value)}" for value in default)


def _text(rule: Rule) -> str:
    length = f"{rule.min_length}–{rule.max_length}" if rule.min_length else f"up to {rule.max_length}"
    if rule.item_pattern:
        return f"up to {rule.max_items} {rule.allowed}, no duplicates"
    check = f"; {' '.join(rule.check.__doc__.split())}" if rule.check and rule.check.__doc__ else ""
    return f"{length} characters: {rule.allowed}{check}" if rule.allowed else f"{length} characters"


def _value_rule(rule: Rule, default: Any, labels: dict[str, str]) -> str:
    if isinstance(default, list):
        return _choices(default, labels)
    if isinstance(default, bool):
        return "`true` or `false`"
    if isinstance(default, int):
        return f"{rule.minimum}–{rule.maximum}" + (f" ({rule.unit})" if rule.unit else "")
    return _text(rule)


def allowed(name: str, default: Any, labels: dict[str, str]) -> str:
    """The "Allowed" cell: the value's own rule, when it applies, and what it needs from the others."""
    rule = RULES[name]
    parts = [_value_rule(rule, default, labels)]
    if rule.depends_on:
        other, wanted = rule.depends_on
        parts.append(f"only with `{other}={_text_of(wanted)}` (ignored otherwise)")
    parts += [constraint.summary for constraint in CONSTRAINTS if constraint.option == name]
    if name == "aws_region":
        parts.append(_regional_gaps())
    return "; ".join(parts)


def _regional_gaps() -> str:
    features = ", ".join(f"{feature} (`{option}`)" for (option, _), (_, feature, _) in UNAVAILABLE_IN.items())
    return f"some regions lack a feature, or it is not confirmed there, and the rules refuse it: {features}"


def _labels(prompt: Any) -> dict[str, str]:
    return {key: value for key, value in prompt.items() if key != "__prompt__"} if isinstance(prompt, dict) else {}


def _rendered_defaults(options: dict[str, Any]) -> dict[str, Any]:
    """Each default as cookiecutter renders it with no input (derived ones from those before them)."""
    from jinja2.sandbox import SandboxedEnvironment  # cookiecutter's dependency; the hooks never import this module

    rendered: dict[str, Any] = {}
    for name, default in options.items():
        is_template = isinstance(default, str) and "{{" in default
        rendered[name] = (
            SandboxedEnvironment().from_string(default).render(cookiecutter=rendered) if is_template else default
        )
    return rendered


def render(template_dir: Path = TEMPLATE_DIR) -> str:
    options = load_template_options(template_dir)
    prompts = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8")).get("__prompts__", {})
    defaults = _rendered_defaults(options)
    sections = [INTRO.format(example=example_command())]
    for group in GROUPS:
        rows = ["| Option | Default | Allowed | What it does |", "| --- | --- | --- | --- |"]
        for name in (name for name in options if RULES[name].group is group):
            cells = [
                f"`{name}`",
                _default(name, options[name], defaults),
                allowed(name, options[name], _labels(prompts.get(name))),
                EFFECTS[name],
            ]
            rows.append("| " + " | ".join(cells) + " |")
        note = f"\n\n{GROUP_NOTES[group.key]}" if group.key in GROUP_NOTES else ""
        sections.append(f"## {group.title}\n\n" + "\n".join(rows) + note + "\n")
    return "\n".join(sections)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {DOCUMENT.relative_to(TEMPLATE_DIR)}")
    arguments = parser.parse_args(argv)
    if arguments.write:
        DOCUMENT.write_text(render(), encoding="utf-8")
    else:
        sys.stdout.write(render())
    return 0


if __name__ == "__main__":
    sys.exit(main())
