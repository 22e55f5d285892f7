"""Remove the files of options that were not chosen (the table is in hooks/unused_files.py)."""

import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in the template checkout
sys.path.insert(0, str(Path({{ template_dir | tojson }}) / "hooks"))

from unused_files import remove_unused  # noqa: E402

VALUES = json.loads({{ cookiecutter | tojson | tojson }})

if __name__ == "__main__":
    remove_unused(Path.cwd(), VALUES)
