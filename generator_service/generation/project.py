"""What a generation gives: the project's folder name and its files."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProjectFile:
    path: str  # relative, with / separators
    executable: bool
    content: bytes


@dataclass(frozen=True)
class Project:
    slug: str
    files: tuple[ProjectFile, ...]

    def file(self, path: str) -> ProjectFile | None:
        return next((file for file in self.files if file.path == path), None)
