"""The job folder of one generation: made where it is fastest, removed with all it holds afterwards."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from generator_service.config import Settings
from generator_service.generation.errors import GenerationError, describe_failure


@contextmanager
def job_folder(settings: Settings) -> Iterator[str]:
    """A new job folder for the block: in memory (/dev/shm) where there is one, since a generation is
    mostly file I/O; settings.work_dir where set."""
    parent: str | os.PathLike[str] | None = settings.work_dir
    if parent is None and os.access("/dev/shm", os.W_OK):
        parent = "/dev/shm"
    try:
        path = tempfile.mkdtemp(prefix="generation-", dir=parent)
    except OSError as error:
        raise GenerationError(describe_failure(error)) from error
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
