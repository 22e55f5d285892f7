"""Which files of the generated project an option makes useless, and their removal.

hooks/post_gen_project.py calls :func:`remove_unused` after cookiecutter renders; the generator site calls
it too (it runs cookiecutter without hook subprocesses). Files only vary through Jinja if-blocks
inside them; whole files and folders are listed here. ``{app}`` is the project package.
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from option_rules.combinations import derived_facts

# (option, value that makes the paths useless, paths)
REMOVE_WHEN = [
    ("ci_tool", "none", ["deploy/ci-access.yaml", "scripts/ci_access.py"]),
    ("database", "none", ["{app}/migrations", "{app}/models.py", "config/rds", "tests/test_rds_login.py"]),
    ("storage", "none", ["config/settings/collectstatic.py"]),
    ("use_admin", False, ["{app}/admin.py"]),
    ("use_vpc", False, ["config/rds", "tests/test_rds_login.py"]),  # the stack's database is private: only with the VPC
    ("api_framework", "ninja", ["{app}/urls.py"]),  # Ninja's API object routes /api/ itself (config/urls.py)
]
# Files kept only for one value of an option.
KEEP_ONLY_WHEN = [
    ("cold_start", "snap_start", ["tests/test_snapstart.py"]),
    ("ci_tool", "github_actions", [".github"]),
    ("ci_tool", "gitlab_ci", [".gitlab-ci.yml", "tests/test_ci_access.py"]),
    ("api_framework", "ninja", ["{app}/api.py"]),
    ("api_framework", "drf", ["{app}/serializers.py", "{app}/schema.py"]),
]
# Files kept only where a fact several options decide (option_rules.derived_facts) holds.
KEEP_ONLY_WITH_FACT = [
    ("tasks", ["config/lambda_tasks.py", "{app}/tasks.py", "{app}/events.py", "tests/test_tasks.py"]),
]


def remove_unused(project: Path, values: Mapping[str, Any]) -> None:
    unused = [paths for option, value, paths in REMOVE_WHEN if values[option] == value]
    unused += [paths for option, value, paths in KEEP_ONLY_WHEN if values[option] != value]
    facts = derived_facts(values)
    unused += [paths for fact, paths in KEEP_ONLY_WITH_FACT if not facts[fact]]
    for paths in unused:
        for relative in paths:
            path = project / relative.format(app=values["project_slug"])
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
