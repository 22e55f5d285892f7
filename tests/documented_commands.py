"""The commands a generated project documents, read from the files that document them.

The tests run these exact lines, so the README and the CI pipeline can't drift from what is tested.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def section(markdown: str, heading: str) -> str:
    """The text under a heading such as '## Deploy', up to the next heading of the same or a higher level."""
    level = heading.split()[0]
    start = markdown.index(f"\n{heading}\n") + len(heading) + 2
    ends = [match.start() for match in re.finditer(rf"^#{{1,{len(level)}}} ", markdown[start:], re.MULTILINE)]
    return markdown[start : start + ends[0]] if ends else markdown[start:]


def shell_commands(markdown: str) -> list[str]:
    """Each command of the bash blocks in some Markdown, continuation lines joined, in order."""
    commands = []
    for language, body in FENCE.findall(markdown):
        if language not in ("bash", "sh", "shell"):
            continue
        joined = re.sub(r"\\\n\s*", "", body)
        commands += [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    return commands


def readme_commands(project: Path, heading: str, before: str | None = None) -> list[str]:
    """The commands of a README section; with ``before``, only those above that sub-heading."""
    text = section((project / "README.md").read_text(encoding="utf-8"), heading)
    if before:
        text = text.split(f"\n{before}\n")[0]
    return shell_commands(text)


@dataclass
class WorkflowSteps:
    run: list[str]  # the shell commands, in order
    uses: list[str]  # the actions, which set up GitHub's runner


def workflow_job(project: Path, job: str) -> WorkflowSteps:
    """The steps of one job of .github/workflows/ci.yml."""
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"][job]["steps"]
    return WorkflowSteps(
        run=[step["run"].strip() for step in steps if "run" in step],
        uses=[step["uses"] for step in steps if "uses" in step],
    )


@dataclass
class GitLabJob:
    script: list[str]  # the shell commands, in order, run in one shell as GitLab's runner does
    variables: dict[str, str]  # the pipeline's variables, then the job's (GitLab expands $NAME in them)
    spec: dict  # every keyword of the job, for the test to account for


def gitlab_job(project: Path, job: str) -> GitLabJob:
    """One job of .gitlab-ci.yml."""
    pipeline = yaml.safe_load((project / ".gitlab-ci.yml").read_text(encoding="utf-8"))
    default = pipeline.get("default", {})
    spec = pipeline[job]
    assert "before_script" not in spec and "after_script" not in spec, "commands the test would miss"
    # The runner runs before_script and script in one shell; after_script follows, in another.
    lines = [*default.get("before_script", []), *spec["script"], *default.get("after_script", [])]
    return GitLabJob(
        script=[line.strip() for line in lines],
        variables={**pipeline.get("variables", {}), **spec.get("variables", {})},
        spec=spec,
    )
