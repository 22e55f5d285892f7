"""Each bake's uv.lock, cut from the lock of its runtime and Django version (option_rules/locks/).

A lock there resolves every pin an option set of that runtime and Django version can want
(option_rules.dependencies). A bake's lock keeps uv's own text of each package its pins reach, and
writes the project's own entry as uv writes it: the result is the file ``uv lock`` makes for the bake's
pyproject.toml (tests/template/test_uv_lock.py checks that uv takes it unchanged on every pairwise row).
No uv and no network at bake time: the site and cookiecutter render it offline, in a millisecond.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from typing import Any

from option_rules.dependencies import DEVELOPMENT_GROUP, Pin, lock_path, project_pins

PACKAGE_SEPARATOR = "\n[[package]]\n"
PROJECT_SOURCE = 'source = { virtual = "." }'  # the project's own entry: uv installs nothing for it
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)(?:\[(?P<extras>[^\]]*)\])?==(?P<version>\S+)$")
NAME = re.compile(r'name = "([^"]+)"\n')  # the first line of each package's entry
PROJECT_VERSION = "0.1.0"  # the template's pyproject.toml


def normalized(name: str) -> str:
    """A package name as uv.lock writes it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _parts(pin: Pin) -> tuple[str, list[str], str]:
    match = PIN.match(pin.requirement)
    if match is None:
        raise ValueError(f"{pin.requirement!r} is not name[extras]==version")
    extras = sorted(extra.strip() for extra in (match["extras"] or "").split(",") if extra.strip())
    return normalized(match["name"]), extras, match["version"]


def _reached(packages: Mapping[str, dict], pins: Iterable[Pin]) -> set[str]:
    """The packages the pins need, their extras' dependencies included, however deep."""
    wanted = [(name, tuple(extras)) for name, extras, _ in map(_parts, pins)]
    seen: set[tuple[str, tuple[str, ...]]] = set()
    while wanted:
        name, extras = wanted.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        package = packages[name]
        needs = list(package.get("dependencies", []))
        for extra in extras:
            needs += package.get("optional-dependencies", {}).get(extra, [])
        wanted += [(need["name"], tuple(need.get("extra", ()))) for need in needs]
    return {name for name, _ in seen}


def _entries(key: str, pins: Iterable[Pin], metadata: bool) -> str:
    """A list of the project's entry: what it depends on, or (metadata) what pyproject.toml asks for."""
    lines = []
    for name, extras, version in sorted(map(_parts, pins)):
        fields = [f'name = "{name}"']
        if extras:
            quoted = ", ".join(f'"{extra}"' for extra in extras)
            fields.append(f"{'extras' if metadata else 'extra'} = [{quoted}]")
        if metadata:
            fields.append(f'specifier = "=={version}"')
        lines.append(f"    {{ {', '.join(fields)} }},")
    return f"{key} = [\n" + "\n".join(lines) + "\n]\n"


def project_entry(slug: str, pins: Mapping[str, list[Pin]]) -> str:
    runtime, development = pins["dependencies"], pins[DEVELOPMENT_GROUP]
    return (
        f'name = "{normalized(slug)}"\nversion = "{PROJECT_VERSION}"\nsource = {{ virtual = "." }}\n'
        + _entries("dependencies", runtime, metadata=False)
        + "\n[package.dev-dependencies]\n"
        + _entries(DEVELOPMENT_GROUP, development, metadata=False)
        + "\n[package.metadata]\n"
        + _entries("requires-dist", runtime, metadata=True)
        + "\n[package.metadata.requires-dev]\n"
        + _entries(DEVELOPMENT_GROUP, development, metadata=True)
    )


def cut_lock(values: Mapping[str, Any]) -> str:
    """The bake's uv.lock: its packages from the lock of its runtime and Django version, and itself."""
    superset = lock_path(values["python_runtime"], values["django_version"]).read_text(encoding="utf-8")
    header, *blocks = superset.split(PACKAGE_SEPARATOR)
    packages = {package["name"]: package for package in tomllib.loads(superset)["package"]}
    pins = project_pins(values)
    kept = _reached(packages, [*pins["dependencies"], *pins[DEVELOPMENT_GROUP]])
    entries = {}
    for block in blocks:
        name = NAME.match(block)[1]
        if name in kept and PROJECT_SOURCE not in block:
            entries[name] = block.rstrip("\n") + "\n"
    entries[normalized(values["project_slug"])] = project_entry(values["project_slug"], pins)
    return header + "".join(PACKAGE_SEPARATOR + entries[name] for name in sorted(entries))
