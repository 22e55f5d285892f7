"""Run cookiecutter's own CLI (its click command, in this process) once per case, for the corpus test.

Usage: python support/drivers/cli_corpus_driver.py TEMPLATE_DIR OUTPUT_DIR < cases.json > results.json

Each case is {"field": ..., "value": ...}: `cookiecutter --no-input -o OUTPUT_DIR TEMPLATE_DIR field=value`,
as a user would type it. In one process, because a thousand interpreter starts would take minutes; and
a value may hold what argv can't (NUL, lone surrogates). Each result has the exit code, what the CLI
printed, a SHA-256 of every file of the generated project, and its README.md and pyproject.toml (the
project is then removed for the next case).
"""

import contextlib
import hashlib
import io
import json
import os
import shutil
import sys

from cookiecutter.cli import main as cookiecutter_cli


def run_case(template_dir: str, output_dir: str, field: str, value: str) -> dict:
    printed = io.StringIO()
    arguments = ["--no-input", "-o", output_dir, template_dir, f"{field}={value}"]
    cwd = os.getcwd()
    with contextlib.redirect_stdout(printed), contextlib.redirect_stderr(printed):
        try:
            cookiecutter_cli.main(arguments, standalone_mode=False)
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else 1
        except Exception as error:  # as the CLI would end: with the exception's traceback line
            code, printed = 1, io.StringIO(f"{printed.getvalue()}{type(error).__name__}: {error}")
    os.chdir(cwd)
    made_folders = sorted(os.listdir(output_dir))
    result = {"code": code, "output": printed.getvalue(), "made": made_folders, "files": {}, "digests": {}}
    for made in result["made"]:
        result["digests"] = digests(os.path.join(output_dir, made))
        for name in ("README.md", "pyproject.toml"):
            path = os.path.join(output_dir, made, name)
            if os.path.exists(path):
                with open(path, encoding="utf-8") as file:
                    result["files"][name] = file.read()
        shutil.rmtree(os.path.join(output_dir, made))
    return result


def digests(project: str) -> dict[str, str]:
    """{path inside the project: SHA-256 of its content}, for comparing whole projects file by file."""
    found = {}
    for folder, _, names in os.walk(project):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as file:
                found[os.path.relpath(path, project)] = hashlib.sha256(file.read()).hexdigest()
    return found


def main() -> None:
    template_dir, output_dir = sys.argv[1], sys.argv[2]
    cases = json.load(sys.stdin)
    results = [run_case(template_dir, output_dir, case["field"], case["value"]) for case in cases]
    sys.stdout.write(json.dumps(results))


main()
