"""Which template release a download comes from, and the .cruft.json that records it.

Cookiecutter has no update command; cruft (https://cruft.github.io/cruft/) has: ``cruft update`` renders
the project again at the recorded commit and at the template's latest, and applies the difference to the
project, keeping the user's own edits. It reads ``.cruft.json``, which ``cruft create`` writes
(cruft/_commands/create.py). A download from the site carries the same file, byte for byte what
``cruft create`` would write for the same values, so it can be updated like a project made on the
command line.
"""

from __future__ import annotations

import json
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CRUFT_FILE = ".cruft.json"
COMMIT = re.compile(r"[0-9a-f]{40}")
# Cookiecutter's record of this machine's folders (cookiecutter/main.py); `cruft create` never has them.
MACHINE_KEYS = ("_output_dir", "_repo_dir", "_checkout")


class UnknownTemplateCommit(RuntimeError):
    """The site cannot say which commit of the template it renders."""


@dataclass(frozen=True)
class TemplateRelease:
    """The template's git URL (any that git can clone; cruft clones it at update time) and commit."""

    url: str
    commit: str


def checkout_commit(template_dir: Path) -> str:
    """The commit checked out in template_dir, for a site run from a git checkout."""
    try:
        result = subprocess.run(
            ["git", "-C", str(template_dir), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=30
        )
    except OSError as error:  # no git on this host
        raise UnknownTemplateCommit(f"git is not available ({error})") from error
    commit = result.stdout.strip()
    if result.returncode != 0 or not COMMIT.fullmatch(commit):
        raise UnknownTemplateCommit(f"{template_dir} is not a git checkout: {result.stderr.strip()}")
    return commit


def template_release(template_dir: Path, url: str, commit: str) -> TemplateRelease:
    """The release the site renders: the commit given (GENERATOR_TEMPLATE_COMMIT, set by package and
    image builds, which have no .git), else the one checked out."""
    if commit and not COMMIT.fullmatch(commit):
        raise UnknownTemplateCommit(f"GENERATOR_TEMPLATE_COMMIT must be a full 40-character commit id, not {commit!r}")
    try:
        return TemplateRelease(url=url, commit=commit or checkout_commit(template_dir))
    except UnknownTemplateCommit as error:
        raise UnknownTemplateCommit(f"{error}; set GENERATOR_TEMPLATE_COMMIT to the template's commit") from error


def cruft_state(context: dict[str, Any], release: TemplateRelease) -> bytes:
    """The .cruft.json of a project cookiecutter rendered from this context (its replay file)."""
    values = {key: value for key, value in context["cookiecutter"].items() if key not in MACHINE_KEYS}
    values.update(_template=release.url, _commit=release.commit)
    state = {
        "template": release.url,
        "commit": release.commit,
        "checkout": None,  # so that `cruft update` follows the template's default branch
        "context": {"cookiecutter": values},
        "directory": None,
    }
    # As cruft's json_dumps (cruft/_commands/utils/cruft.py) writes it.
    return (json.dumps(state, ensure_ascii=False, indent=2, separators=(",", ": ")) + "\n").encode()


def write_cruft_file(project_dir: Path, replay_dir: Path, release: TemplateRelease) -> None:
    """Record the release in project_dir, from the context cookiecutter saved in replay_dir."""
    (replay,) = replay_dir.glob("*.json")  # one generation per job folder
    context = json.loads(replay.read_text(encoding="utf-8"))
    (project_dir / CRUFT_FILE).write_bytes(cruft_state(context, release))
