"""Service settings, read from GENERATOR_* environment variables (pydantic-settings)."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict

import option_rules

REPO_DIR = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GENERATOR_")

    # The template the site renders: this repository, never one a user names.
    template_dir: Path = REPO_DIR
    # Where users get the template: the page's `cookiecutter <url>` and `cruft create <url>` commands, and
    # what a download's .cruft.json names, so `cruft update` clones it.
    template_url: str = option_rules.TEMPLATE_URL
    # The commit of template_dir; read with git when empty. Package and image builds set it (no .git there).
    template_commit: str = ""
    # "pool": warm worker processes (default). "inprocess": one generation at a time in this
    # process, for hosts without multiprocessing such as AWS Lambda (no /dev/shm).
    runner: Literal["pool", "inprocess"] = "pool"
    workers: int = 2
    # Requests that may wait for a worker; beyond that the site answers 503 at once.
    queue_size: int = 16
    generation_timeout_seconds: float = 20.0
    retry_after_seconds: int = 2
    cache_entries: int = 128
    max_body_bytes: int = 64 * 1024
    work_dir: Path | None = None  # parent of the per-job folders; /dev/shm, else the system temp dir, if unset


@lru_cache
def get_settings() -> Settings:
    return Settings()
