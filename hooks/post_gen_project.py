"""Remove the files of options that were not chosen (the table is in option_rules/unused_files.py)."""

import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in the template checkout
sys.path.insert(0, {{ template_dir | tojson }})  # cookiecutter runs this file as a script from a copy

from option_rules.unused_files import remove_unused  # noqa: E402

VALUES = json.loads({{ cookiecutter | tojson | tojson }})

if __name__ == "__main__":
    remove_unused(Path.cwd(), VALUES)
