"""A template release and its successor in a throwaway git repository, and `cruft update` run on a project.

Shared by the update tests of projects made with `cruft create` (tests/template/test_cruft_update.py) and of
projects downloaded from the site (tests/generator_service/test_cruft_download.py). The throwaway repository
holds this working tree (committed or not) as commit A; :func:`release_change` commits B on top of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from documented_commands import readme_commands
from helpers import REPO_DIR

from option_rules import CRUFT_INSTALL

CRUFT = str(Path(sys.executable).with_name("cruft"))
PROJECT_TEMPLATE = "{{cookiecutter.project_slug}}"
# Commit B: a line the template adds to every project's .gitignore.
TEMPLATE_CHANGE = "# Added by the template's next release\n.template-next/\n"
# The project's own edit, which `cruft update` must keep: a section at the end of its README.
PROJECT_EDIT = "\n## Our team's notes\n\nEdited after generation: the update must keep this.\n"


def git_environment(home: Path) -> dict[str, str]:
    """git, cookiecutter and cruft with a private HOME (no user config, no replay files left around)."""
    identity = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com"}
    identity |= {"GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com"}
    return {**os.environ, "HOME": str(home), "GIT_CONFIG_NOSYSTEM": "1", **identity}


def run(command: list[str], cwd: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    if check:
        assert result.returncode == 0, f"{command} failed:\n{result.stdout}\n{result.stderr}"
    return result


def commit_all(repository: Path, message: str, env: dict[str, str]) -> str:
    run(["git", "add", "--all"], repository, env)
    run(["git", "commit", "--quiet", "--message", message], repository, env)
    return run(["git", "rev-parse", "HEAD"], repository, env).stdout.strip()


def copy_working_tree(destination: Path, env: dict[str, str]) -> None:
    """This working tree, as git would clone it once committed."""
    listed = run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], REPO_DIR, env).stdout
    for relative in filter(None, listed.split("\0")):
        source = REPO_DIR / relative
        if source.is_file():  # a file deleted but not yet committed is listed too
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(source.read_bytes())
            target.chmod(source.stat().st_mode)


def template_release(destination: Path, env: dict[str, str], commit: str | None = None) -> str:
    """This working tree, or an earlier commit of this repository's, in a new repository: commit A."""
    if commit is None:
        copy_working_tree(destination, env)
    else:
        archive = subprocess.run(["git", "archive", commit], cwd=REPO_DIR, env=env, capture_output=True, check=True)
        subprocess.run(["tar", "-x", "-C", str(destination)], input=archive.stdout, check=True)
    run(["git", "init", "--quiet", "--initial-branch", "main"], destination, env)
    return commit_all(destination, "Release A", env)


def release_working_tree(template: Path, env: dict[str, str]) -> str:
    """Commit B: this working tree, replacing an earlier release (its deleted files deleted)."""
    run(["git", "rm", "-r", "--quiet", "."], template, env)
    copy_working_tree(template, env)
    return commit_all(template, "Release B", env)


def release_change(template: Path, env: dict[str, str]) -> str:
    """Commit B: the template's next release adds TEMPLATE_CHANGE to .gitignore."""
    gitignore = template / PROJECT_TEMPLATE / ".gitignore"
    gitignore.write_text(gitignore.read_text(encoding="utf-8") + TEMPLATE_CHANGE, encoding="utf-8")
    return commit_all(template, "Release B", env)


def edit_project(project: Path, env: dict[str, str]) -> None:
    """Put the project in git, as its team would, and commit an edit of their own."""
    run(["git", "init", "--quiet", "--initial-branch", "main"], project, env)
    commit_all(project, "Generated", env)
    readme = project / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + PROJECT_EDIT, encoding="utf-8")
    commit_all(project, "Our notes", env)


def cruft(arguments: list[str], project: Path, env: dict[str, str], check: bool = True) -> subprocess.CompletedProcess:
    return run([CRUFT, *arguments], project, env, check=check)


def update_as_documented(project: Path, env: dict[str, str], cruft_bin: Path) -> None:
    """The generated README's "Updating from the template" commands, as written, answering cruft's
    question with y, with the cruft its install line put in ``cruft_bin`` (the documented_cruft fixture)."""
    commands = readme_commands(project, "## Updating from the template")
    assert commands[0] == CRUFT_INSTALL  # what documented_cruft ran
    path = {**env, "PATH": f"{cruft_bin}{os.pathsep}{env['PATH']}"}
    check, update = (command.split("#")[0].strip() for command in commands[1:])
    assert subprocess.run(["bash", "-c", check], cwd=project, env=path, capture_output=True).returncode != 0
    applied = subprocess.run(
        ["bash", "-c", update], cwd=project, env=path, input="y\n", capture_output=True, text=True, timeout=300
    )
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert cruft(["check"], project, env).returncode == 0  # up to date now
