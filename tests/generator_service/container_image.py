"""The site's image as its Dockerfile describes it, for tests on machines without a container runtime.

Reads the Dockerfile's instructions (continuation lines joined, comments dropped), its ENV with the build
arguments substituted, its exec-form CMD and HEALTHCHECK; and lays out what its COPY instructions put in the
image, from the build context that .dockerignore lets through (Docker's rules: the last matching pattern
wins, a pattern matches a path or any folder above it, ``*`` stays within one folder, ``**`` crosses them).
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from dataclasses import dataclass
from pathlib import Path

from helpers import REPO_DIR

DOCKERFILE = REPO_DIR / "Dockerfile"
DOCKERIGNORE = REPO_DIR / ".dockerignore"


@dataclass(frozen=True)
class Instruction:
    keyword: str  # upper case: FROM, RUN, COPY, ENV, CMD, ...
    arguments: str


def instructions(text: str | None = None) -> list[Instruction]:
    text = DOCKERFILE.read_text(encoding="utf-8") if text is None else text
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    found = []
    for line in joined.splitlines():
        if line.strip():
            keyword, _, arguments = line.strip().partition(" ")
            found.append(Instruction(keyword.upper(), arguments.strip()))
    return found


def only(keyword: str) -> Instruction:
    (instruction,) = [item for item in instructions() if item.keyword == keyword]
    return instruction


def exec_form(arguments: str) -> list[str]:
    """A JSON-array command (CMD, ENTRYPOINT, HEALTHCHECK CMD): no shell involved."""
    command = json.loads(arguments)
    assert isinstance(command, list) and all(isinstance(part, str) for part in command), arguments
    return command


def command() -> list[str]:
    """What the image runs: ENTRYPOINT (if any) followed by CMD, in exec form."""
    entrypoint = [item for item in instructions() if item.keyword == "ENTRYPOINT"]
    return (exec_form(entrypoint[-1].arguments) if entrypoint else []) + exec_form(only("CMD").arguments)


def health_check() -> list[str]:
    """HEALTHCHECK's command, after its options."""
    options_and_command = only("HEALTHCHECK").arguments
    return exec_form(options_and_command[options_and_command.index("CMD ") + len("CMD ") :])


def environment(build_arguments: dict[str, str]) -> dict[str, str]:
    """Every variable the ENV instructions set, with ${NAME} of build arguments and earlier ENV replaced."""
    values: dict[str, str] = {}
    for instruction in instructions():
        if instruction.keyword != "ENV":
            continue
        for pair in shlex.split(instruction.arguments):
            name, _, value = pair.partition("=")
            values[name] = re.sub(r"\$\{(\w+)\}", lambda match: {**build_arguments, **values}[match[1]], value)
    return values


def ignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def pattern_regex(pattern: str) -> re.Pattern[str]:
    parts, index = [], 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        elif pattern[index] == "[":
            end = pattern.index("]", index)
            parts.append(pattern[index : end + 1].replace("[!", "[^"))
            index = end + 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(parts))


def in_context(path: str, patterns: list[str] | None = None) -> bool:
    """Whether .dockerignore lets this path of the build context (relative, with /) reach the build."""
    excluded = False
    folders = path.split("/")
    candidates = ["/".join(folders[: depth + 1]) for depth in range(len(folders))]
    for pattern in ignore_patterns() if patterns is None else patterns:
        negated = pattern.startswith("!")
        regex = pattern_regex(pattern.removeprefix("!").strip("/"))
        if any(regex.fullmatch(candidate) for candidate in candidates):
            excluded = not negated
    return not excluded


def copies() -> list[tuple[list[str], str]]:
    """Each COPY's sources (in the build context) and destination (in WORKDIR)."""
    found = []
    for instruction in instructions():
        if instruction.keyword == "COPY":
            arguments = instruction.arguments
            words = exec_form(arguments) if arguments.startswith("[") else shlex.split(arguments)
            assert not any(word.startswith("--") for word in words), f"COPY options are not modelled: {arguments}"
            found.append((words[:-1], words[-1]))
    return found


def lay_out(workdir: Path) -> None:
    """What the COPY instructions put in WORKDIR, from this checkout as the build context."""
    for sources, destination in copies():
        for source in sources:
            origin = REPO_DIR / source.rstrip("/")
            files = [origin] if origin.is_file() else sorted(path for path in origin.rglob("*") if path.is_file())
            for file in files:
                if not in_context(file.relative_to(REPO_DIR).as_posix()):
                    continue
                if origin.is_dir():  # a folder's contents go into the destination
                    target = workdir / destination / file.relative_to(origin)
                elif destination.endswith("/") or len(sources) > 1:
                    target = workdir / destination / file.name
                else:
                    target = workdir / destination
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(file, target)
