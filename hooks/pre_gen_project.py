"""Reject option values that would give a broken project, before any file is written.

The rules live in option_rules/, shared with the generator site.
Values arrive through ``tojson`` so no quote or backslash in them can break
this script.
"""

import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # leave no __pycache__ in the template checkout
TEMPLATE_DIR = Path({{ template_dir | tojson }})
sys.path.insert(0, str(TEMPLATE_DIR))  # cookiecutter runs this file as a script from a copy

from option_rules import load_template_options, validate  # noqa: E402

VALUES = json.loads({{ cookiecutter | tojson | tojson }})


def main() -> int:
    options = load_template_options(TEMPLATE_DIR)
    errors = validate(VALUES, options)
    for field, reason in errors.items():
        print(f"ERROR: {field}: {reason}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
