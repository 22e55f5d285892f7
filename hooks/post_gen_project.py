"""Remove the files of options that were not chosen.

Files vary through Jinja if-blocks inside them; only whole files and folders
that an option makes useless are listed here. ``{app}`` is the project package.
"""

import json
import shutil
import sys
from pathlib import Path

VALUES = json.loads({{ cookiecutter | tojson | tojson }})

# (option, value that makes the paths useless, paths)
REMOVE_WHEN = [
    ("ci_tool", "none", [".github"]),
    ("database", "none", ["{app}/migrations", "{app}/models.py"]),
    ("storage", "none", ["config/settings/collectstatic.py"]),
    ("use_admin", False, ["{app}/admin.py"]),
]


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def main() -> int:
    project = Path.cwd()
    for option, value, paths in REMOVE_WHEN:
        if VALUES[option] == value:
            for relative in paths:
                remove(project / relative.format(app=VALUES["project_slug"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
