"""An audit hook (sys.addaudithook) that records what a program and its child interpreters change
on disk and which processes they start, for tests that must prove input never escapes its folder.

:func:`audited_environment` writes a sitecustomize.py that installs the hook; every Python started
with that environment (PYTHONPATH) loads it before any other code, multiprocessing workers too.
Each record is one line: pid, "write" or "process", then the absolute path or the event.
"""

from __future__ import annotations

from pathlib import Path

AUDIT_HOOK = r"""
import os, sys

_log = os.open(os.environ["AUDIT_LOG"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
# Event: ((index of a path argument, index of its dir_fd argument or None), ...)
_PATH_EVENTS = {
    "os.mkdir": ((0, 2),), "os.remove": ((0, 1),), "os.rmdir": ((0, 1),), "os.rename": ((0, 2), (1, 3)),
    "os.chmod": ((0, 2),), "os.chown": ((0, 3),), "os.utime": ((0, 3),), "os.symlink": ((1, 2),),
    "os.link": ((1, 3),), "os.truncate": ((0, None),), "shutil.copyfile": ((1, None),), "shutil.rmtree": ((0, 1),),
}
_PROCESS_EVENTS = {"os.system", "os.exec", "os.posix_spawn", "os.spawn", "subprocess.Popen", "os.fork",
                   "os.forkpty", "pty.spawn"}


def _record(event, detail):
    detail = detail.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")  # one record, one line
    line = "%d\t%s\t%s\n" % (os.getpid(), event, detail)
    os.write(_log, line.encode("utf-8", "backslashreplace"))


def _absolute(path, dir_fd=None):
    if isinstance(dir_fd, int) and dir_fd >= 0:  # rmtree and friends name entries relative to a folder
        return os.path.join(os.readlink("/proc/self/fd/%d" % dir_fd), os.fsdecode(path))
    return os.path.abspath(os.fsdecode(path))


def _audit(event, args):
    if event == "open":
        path, mode, flags = args
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (flags or 0) & _WRITE_FLAGS
        if writes and not isinstance(path, int):
            _record("write", _absolute(path))
    elif event in _PATH_EVENTS:
        for path_index, fd_index in _PATH_EVENTS[event]:
            path = args[path_index] if len(args) > path_index else None
            dir_fd = args[fd_index] if fd_index is not None and len(args) > fd_index else None
            if isinstance(path, (str, bytes, os.PathLike)):
                _record("write", _absolute(path, dir_fd))
    elif event in _PROCESS_EVENTS:
        _record("process", event + " " + repr(args)[:300])


sys.addaudithook(_audit)
"""


def audited_environment(folder: Path, log: Path) -> dict[str, str]:
    """Variables that make every Python interpreter started with them record into ``log``."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(AUDIT_HOOK)
    log.touch()
    return {"PYTHONPATH": str(folder), "AUDIT_LOG": str(log), "PYTHONDONTWRITEBYTECODE": "1"}


def audit_records(log: Path, since: int = 0) -> list[tuple[int, str, str]]:
    """(pid, kind, detail) of each record written after byte offset ``since``."""
    with open(log, "rb") as lines:
        lines.seek(since)
        text = lines.read().decode()
    return [(int(pid), kind, detail) for pid, kind, detail in (line.split("\t", 2) for line in text.splitlines())]


def changes_outside(log: Path, folders: list[Path], since: int = 0) -> list[str]:
    """Records of paths changed outside ``folders`` and of every process started."""
    roots = [str(folder.resolve()) for folder in folders]
    return [
        f"{pid} {kind} {detail}"
        for pid, kind, detail in audit_records(log, since)
        if kind == "process" or not any(detail == root or detail.startswith(root + "/") for root in roots)
    ]
