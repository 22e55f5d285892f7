"""A generated project as the slow tests use it: baked, with its venv, and its Lambda stage's environment."""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

from helpers import lambda_environment, project_environment, run, runtime_python

from support.venvs import project_venv


class Project:
    """A baked project with its venv, and what its Lambda stage would set in the environment."""

    def __init__(self, path: Path, context: dict) -> None:
        self.path = path
        self.context = context
        self.python = runtime_python(context["python_runtime"])
        self.venv = project_venv(path, self.python)
        self.bin = self.venv / "bin"
        self.zappa_settings = json.loads((path / "zappa_settings.json").read_text())

    @property
    def has_database(self) -> bool:
        return self.context["database"] == "postgresql"

    def lambda_environment(self, database_url: str | None = None) -> dict[str, str]:
        """The environment of the production function: zappa_settings' variables plus the secrets."""
        given = {"DJANGO_SECRET_KEY": secrets.token_urlsafe(50)}
        if self.has_database:
            given["DATABASE_URL"] = database_url or "postgres://app:secret@db.example.com:5432/app"
        return lambda_environment(self.path, **given)

    def run(self, *command: str, env: dict | None = None, timeout: int = 600):
        """A command in the project, its venv active (`uv run` uses it too)."""
        environment = project_environment(self.venv, {**os.environ, **(env or {})})
        return run(list(command), cwd=self.path, env=environment, timeout=timeout)
