"""How a generation fails for reasons that are not the user's input, in words safe to show."""

from __future__ import annotations

import errno


class GenerationError(Exception):
    """A generation failed for a reason that is not the user's input."""


class Busy(GenerationError):
    """Every worker is busy and the waiting line is full."""


class GenerationTimeout(GenerationError):
    pass


class WorkerStopped(GenerationError):
    """The worker process died mid-job (killed, out of memory)."""


# Errors of the job folder's disk: the server's trouble, told without the server's paths.
DISK_ERRORS = {
    errno.ENOSPC: "the server's disk is full",
    errno.EDQUOT: "the server's disk quota is used up",
    errno.EROFS: "the server's work folder is read-only",
    errno.EACCES: "the server may not write its work folder",
    errno.EPERM: "the server may not write its work folder",
}


def describe_failure(error: Exception) -> str:
    if isinstance(error, OSError) and error.errno in DISK_ERRORS:
        return f"{DISK_ERRORS[error.errno]}; nothing was kept, try again later"
    return f"{type(error).__name__}: {error}"
