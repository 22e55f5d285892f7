"""Jinja extension for this template (cookiecutter.json: ``_extensions``).

Cookiecutter renders every value given with ``--no-input key=value`` (or
``extra_context``) as a Jinja template, in an environment without a sandbox:
``project_name="{{ 7*7 }}"`` would become ``49``, and attribute chains can
reach ``os``. :class:`TemplateGuard` makes such values plain text: in any
string rendered from memory, a ``{`` that doesn't open one of the template's
own tags is rendered as a literal ``{``. The pre_gen hook then rejects the
value with a clear message, as it contains braces.

Values are checked before cookiecutter creates the project folder, with the
same rules as the pre_gen hook: that hook runs only afterwards, and a
project_slug of ``..`` would make cookiecutter delete the output folder's
parent when the hook fails.

It also gives templates ``template_url``, where the template is published
(option_rules.TEMPLATE_URL), ``cruft_install``, the line that installs cruft
(option_rules.CRUFT_INSTALL), and ``template_dir``, the absolute path of this template,
which the hooks need to import option_rules/ (cookiecutter's ``_repo_dir`` is
relative when the template is given as a relative path), and the ``derived``
filter: the facts that depend on several options
(``option_rules.derived_facts``), written once for every file. The ``requirements`` filter gives
pyproject.toml the bake's pins (option_rules.dependencies), and ``uv_lock`` its uv.lock
(option_rules.uv_lock).

The ``measured`` filter gives the generated README the benchmark figures
(docs/benchmarks.json, written by ``make bench``) of the benchmarked option
set nearest the project's own.

Cookiecutter puts this template's folder on sys.path while it loads this
module, so option_rules/ imports as the package it is. ``cruft update`` renders
the project's old release and the new one in one process, and Python keeps the
modules the old one imported: option_rules modules imported before this one are
dropped, and this module's name is new with the release that moved projects to
uv (the old ``local_extensions`` lacked its filters). A release that changes
what this module offers must rename it again.
"""

from __future__ import annotations

import functools
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from cookiecutter.exceptions import FailedHookException
from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context


def _forget_rules_imported_before() -> None:
    """Drop option_rules modules imported before this module: cruft checks the old release out into the folder
    the new one then takes, so even a module from this folder may hold an older release's code."""
    for name in [name for name in sys.modules if name.split(".")[0] == "option_rules"]:
        del sys.modules[name]


_forget_rules_imported_before()

from option_rules import (  # noqa: E402 - after the rules of other releases are forgotten
    CRUFT_INSTALL,
    TEMPLATE_URL,
    as_bool,
    as_int,
    derived_facts,
    is_active,
    load_template_options,
    validate,
)
from option_rules.aws import WHEEL_PLATFORMS  # noqa: E402
from option_rules.dependencies import UV_VERSION, project_pins  # noqa: E402
from option_rules.uv_lock import cut_lock  # noqa: E402

TEMPLATE_DIR = Path(__file__).resolve().parent

PROJECT_TEMPLATE = "{{cookiecutter.project_slug}}"
CHECKED_PROJECT_DIR = "{{ cookiecutter.project_slug | checked_project_dir }}"
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
LITERAL_BRACE = "{{ '{' }}"


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


@functools.cache
def _trusted_sources() -> tuple[frozenset[str], tuple[str, ...]]:
    """Whole sources (the hooks) and tags (in cookiecutter.json and file names) the template wrote."""
    hooks = {path.read_text(encoding="utf-8") for path in (TEMPLATE_DIR / "hooks").glob("*_gen_project.py")}
    names = [*_strings(json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8")))]
    names += [path.name for path in (TEMPLATE_DIR / PROJECT_TEMPLATE).rglob("*")] + [PROJECT_TEMPLATE]
    tags = {tag for name in names for tag in TAG.findall(name)}
    # Longest first, so a tag is never cut short by another that starts alike.
    return frozenset(hooks), tuple(sorted(tags, key=len, reverse=True))


class TemplateGuard(Extension):
    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        self.trusted_sources, self.trusted_tags = _trusted_sources()
        environment.globals["template_dir"] = str(TEMPLATE_DIR)
        environment.globals["template_url"] = TEMPLATE_URL
        environment.globals["cruft_install"] = CRUFT_INSTALL
        environment.globals["uv_version"] = UV_VERSION  # the uv generated CI runs
        environment.globals["wheel_platforms"] = WHEEL_PLATFORMS  # scripts/build_package.py's, per architecture
        environment.filters["checked_project_dir"] = checked_project_dir
        environment.filters["derived"] = derived_facts  # {%- set facts = cookiecutter | derived -%}
        environment.filters["measured"] = measured  # {%- set measured = cookiecutter | measured -%}
        environment.filters["requirements"] = project_pins  # pyproject.toml's pins
        environment.filters["uv_lock"] = cut_lock  # uv.lock: {{ cookiecutter | uv_lock }}

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        # Files of the template are loaded by name; strings come from values and paths.
        if name is not None or "{" not in source or source in self.trusted_sources:
            return source
        if source == PROJECT_TEMPLATE:
            return CHECKED_PROJECT_DIR
        return self.escape_untrusted(source)

    def escape_untrusted(self, source: str) -> str:
        out, position = [], 0
        while (brace := source.find("{", position)) != -1:
            out.append(source[position:brace])
            tag = next((tag for tag in self.trusted_tags if source.startswith(tag, brace)), None)
            out.append(tag or LITERAL_BRACE)
            position = brace + (len(tag) if tag else 1)
        out.append(source[position:])
        return "".join(out)


@pass_context
def checked_project_dir(context: Context, slug: str) -> str:
    """The project folder's name, once the rules accept every value (the same check as the pre_gen hook)."""
    errors = validate({**context["cookiecutter"], "project_slug": slug})
    if errors:
        raise FailedHookException("\n".join(f"ERROR: {field}: {reason}" for field, reason in errors.items()))
    return slug


@functools.cache
def _benchmarked_packages() -> dict[str, dict]:
    """docs/benchmarks.json's packages that are ours and were cold-started, in the order make bench wrote them."""
    figures = json.loads((TEMPLATE_DIR / "docs" / "benchmarks.json").read_text(encoding="utf-8"))["packages"]
    return {
        name: data for name, data in figures.items() if data.get("options") is not None and "first_response_ms" in data
    }


def _typed(default: object, value: object) -> object:
    """A value as the rules read it, so that True, "true" and "yes" compare equal."""
    return as_bool(value) if isinstance(default, bool) else as_int(value) if isinstance(default, int) else value


def measured(values: dict) -> dict:
    """The figures of the benchmarked package whose options differ least from these (ties: the first listed)."""
    compared = {  # the choices, booleans and numbers: free text doesn't change what is measured
        name: default[0] if isinstance(default, list) else default
        for name, default in load_template_options().items()
        if isinstance(default, (list, bool, int))
    }

    def effective(options: dict) -> dict:
        """Each compared option's value, or its default where it doesn't apply (no proxy without a database)."""
        filled = {**compared, **options}
        return {
            name: _typed(default, filled[name]) if is_active(name, filled) else default
            for name, default in compared.items()
        }

    project = effective(values)

    def differences(options: dict) -> int:
        package = effective(options)
        return sum(package[name] != project[name] for name in compared)

    name, figures = min(_benchmarked_packages().items(), key=lambda item: differences(item[1]["options"]))
    return {**figures, "name": name.removeprefix("ours: ")}
