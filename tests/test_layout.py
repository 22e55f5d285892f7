"""The layout's three rooms: the template (root, hooks/), the rules (option_rules/) and the site
(generator_service/). Imports run from the site and the template to the rules, never back, and only
the hooks and the Lambda-like drivers touch sys.path."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

from helpers import REPO_DIR

FIRST_PARTY = {"option_rules", "generator_service", "template_extensions", "hooks", "support", "benchmarks", "tests"}


def imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def python_files(folder: str) -> list[Path]:
    return sorted((REPO_DIR / folder).rglob("*.py"))


def test_the_rules_import_only_themselves_and_the_standard_library():
    for path in python_files("option_rules"):
        outside = imported_roots(path) - {"option_rules", "__future__", "jinja2"} - sys.stdlib_module_names
        assert outside == set(), f"{path.relative_to(REPO_DIR)} imports {outside}"


def test_the_site_reaches_the_template_only_through_the_rules():
    for path in python_files("generator_service"):
        reached = imported_roots(path) & FIRST_PARTY
        assert reached <= {"generator_service", "option_rules"}, f"{path.relative_to(REPO_DIR)} imports {reached}"


def changes_sys_path(path: Path) -> bool:
    """Whether the code assigns to sys.path or calls one of its mutating methods (not docstrings that name it)."""

    def is_sys_path(node: ast.AST) -> bool:
        node = node.value if isinstance(node, ast.Subscript) else node
        return isinstance(node, ast.Attribute) and node.attr == "path" and getattr(node.value, "id", "") == "sys"

    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.Assign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(is_sys_path(target) for target in targets):
                return True
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and is_sys_path(node.func.value):
            return True
    return False


def test_only_hooks_and_lambda_like_drivers_change_sys_path():
    python = [
        path
        for folder in ("option_rules", "generator_service", "tests", "benchmarks", "support")
        for path in python_files(folder)
    ]
    changers = {
        path.relative_to(REPO_DIR).as_posix()
        for path in python + sorted(REPO_DIR.glob("*.py"))
        if changes_sys_path(path)
    }

    assert {path for path in changers if not path.startswith("support/drivers/")} == set()


def test_the_readmes_path_table_names_every_room_and_only_what_exists():
    readme = (REPO_DIR / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| Path | What it is |") :].split("\n\n")[0]
    named = {path.rstrip("/") for row in table.splitlines() for path in re.findall(r"^\| `([^`]+)`", row)}
    named |= {path.rstrip("/") for row in table.splitlines() for path in re.findall(r"^\| `[^`]+`, `([^`]+)`", row)}
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO_DIR, capture_output=True, text=True, check=True).stdout
    top_level = {path.split("/")[0] for path in tracked.splitlines() if not path.startswith(".")}
    everyday = {"README.md", "CHANGELOG.md", "Makefile", "pyproject.toml", "requirements.in", "requirements.txt"}

    assert all((REPO_DIR / path).exists() for path in named), named
    assert top_level - everyday - {path.split("/")[0] for path in named} == set()
