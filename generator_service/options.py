"""The template's options as the site sees them: what each one is, allows and means as JSON.

Nothing here names an option: names, defaults, choices and labels come from
cookiecutter.json, and every rule from option_rules/, the rule set the
pre_gen hook applies. So the site accepts exactly what the CLI accepts.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import cache
from pathlib import Path
from typing import Any

import option_rules
from generator_service.config import get_settings

MAX_VALUE_LENGTH = 1000  # before any rule: nothing longer is worth reading


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
    allowed_text: str = ""  # the rule's words for a valid text, e.g. "an address such as you@example.com"
    min_length: int = 0
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    depends_on: dict[str, Any] | None = None

    def allowed(self) -> list[Any] | str | None:
        """What a user may give: the choices, true and false, a range such as 128-10240, or words."""
        if self.type == "choice":
            return [choice["value"] for choice in self.choices]
        if self.type == "boolean":
            return [True, False]
        if self.type == "integer":
            return f"{self.minimum}-{self.maximum}"
        return self.allowed_text or None

    def example(self) -> str | None:
        """The example the rule's words give ("... such as subnet-0123456789abcdef0"), if any."""
        _, such_as, example = self.allowed_text.rpartition("such as ")
        return example if such_as else None

    def json_schema(self) -> dict[str, Any]:
        """The option as a JSON Schema: a query parameter's or a body field's in /openapi.json."""
        schema: dict[str, Any] = {"description": f"{self.label}. {self.help}".strip()}
        if self.type == "choice":
            schema |= {"type": "string", "enum": self.allowed()}
        elif self.type == "boolean":
            schema["type"] = "boolean"
        elif self.type == "integer":
            schema |= {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}
        else:
            schema |= {"type": "string", "maxLength": self.max_length or MAX_VALUE_LENGTH}
        if not self.derived:
            schema["default"] = self.default
        return schema

    def typed(self, value: Any) -> Any:
        """The value from a form, query string or JSON as the rules read it (validated later)."""
        if self.type == "boolean":
            parsed = option_rules.as_bool(value)
            return value if parsed is None else parsed
        if self.type == "integer":
            parsed = option_rules.as_int(value)
            return value if parsed is None else parsed
        if self.type == "id_list" and isinstance(value, str):
            return ",".join(option_rules.split_ids(value))
        return value

    def as_json(self) -> dict[str, Any]:
        """The option in /api/options: every field that says something, and always the default."""
        data = {
            "allowed" if item.name == "allowed_text" else item.name: getattr(self, item.name)
            for item in fields(self)
            if getattr(self, item.name) not in (None, [], "")
        }
        data["default"] = self.default
        return data


@dataclass(frozen=True)
class OptionSet:
    """All options in cookiecutter.json order, and their defaults as cookiecutter.json gives them."""

    options: dict[str, Option]
    raw_defaults: dict[str, Any]

    def groups(self) -> list[tuple[str, str, list[Option]]]:
        return [
            (group.key, group.title, [option for option in self.options.values() if option.group == group.key])
            for group in option_rules.GROUPS
        ]

    def as_json(self) -> list[dict[str, Any]]:
        return [option.as_json() for option in self.options.values()]


def _option_type(default: Any, rule: option_rules.Rule) -> str:
    if isinstance(default, list):
        return "choice"
    if isinstance(default, bool):
        return "boolean"
    if isinstance(default, int):
        return "integer"
    return "id_list" if rule.item_pattern else "string"


def _build_option(name: str, default: Any, prompt: Any, rule: option_rules.Rule) -> Option:
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
        allowed_text=rule.allowed,
        min_length=rule.min_length,
        max_length=rule.max_length if kind in ("string", "id_list") else None,
        minimum=rule.minimum,
        maximum=rule.maximum,
        depends_on=depends_on,
    )


@cache
def load_options(template_dir: Path | None = None) -> OptionSet:
    template_dir = template_dir or get_settings().template_dir
    context = json.loads((template_dir / "cookiecutter.json").read_text(encoding="utf-8"))
    prompts = context.get("__prompts__", {})
    raw_defaults = option_rules.load_template_options(template_dir)
    options = {
        name: _build_option(name, default, prompts.get(name), option_rules.RULES[name])
        for name, default in raw_defaults.items()
    }
    return OptionSet(options=options, raw_defaults=raw_defaults)
