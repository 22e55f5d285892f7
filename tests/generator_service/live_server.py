"""The generator site under a real uvicorn on 127.0.0.1, in a sandbox of its own folders.

The server runs with its own HOME, TMPDIR, working folder and job folder, so a test can
count what it leaves behind, and under the audit hook (audit_hook.py) in the server and
every worker it spawns, so a test can see every path they changed and process they started.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx2 as httpx
from audit_hook import audited_environment, changes_outside

from support.generator_site import child_pids, generator_site
from support.paths import REPO_DIR


def process_rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    root: Path  # holds home/, tmp/, cwd/, jobs/, the audit log and the server's output

    @property
    def sandbox_folders(self) -> dict[str, Path]:
        return {name: self.root / name for name in ("home", "tmp", "cwd", "jobs")}

    def leftovers(self) -> dict[str, list[str]]:
        """Entries in the server's HOME, TMPDIR, working and job folders (replay files, temp files, jobs)."""
        return {
            name: sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))
            for name, folder in self.sandbox_folders.items()
        }

    def workers(self) -> set[int]:
        return child_pids(self.process.pid)

    def rss_kib(self) -> int:
        """Resident memory of the server and its workers."""
        return sum(process_rss_kib(pid) for pid in {self.process.pid, *self.workers()})

    def audit_mark(self) -> int:
        return (self.root / "audit.log").stat().st_size

    def writes_outside_jobs(self, mark: int) -> list[str]:
        """What the server changed outside its job folder since mark, and the processes it started."""
        return changes_outside(self.root / "audit.log", [self.root / "jobs"], mark)

    def output(self) -> str:
        return (self.root / "server.log").read_text(errors="replace")


@contextlib.contextmanager
def live_server(root: Path, **settings: object) -> Iterator[LiveServer]:
    """uvicorn serving generator_service.main:app; settings become GENERATOR_* variables."""
    for folder in ("home", "tmp", "cwd", "jobs"):
        (root / folder).mkdir(parents=True, exist_ok=True)
    audit = audited_environment(root / "site", root / "audit.log")
    env = {
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "HOME": str(root / "home"),
        "TMPDIR": str(root / "tmp"),
        **audit,
        "PYTHONPATH": f"{audit['PYTHONPATH']}:{REPO_DIR}",
        "GENERATOR_WORK_DIR": str(root / "jobs"),
        **{f"GENERATOR_{name.upper()}": str(value) for name, value in settings.items()},
    }
    with generator_site(env, root / "cwd", log=root / "server.log", options=("--no-access-log",)) as (url, process):
        yield LiveServer(url, process, root)


def error_fields(response: httpx.Response) -> dict[str, str]:
    """{field: message} of a 422 answer."""
    return {error["field"]: error["message"] for error in json.loads(response.content)["errors"]}
