"""The generator site (generator_service.main:app) under a real uvicorn on a free port of 127.0.0.1."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx2 as httpx

from support.ports import free_port


def child_pids(pid: int) -> set[int]:
    """The processes a process started (uvicorn's: the site's generation workers)."""
    children = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children.update(int(child) for child in (task / "children").read_text().split())
    return children


@contextlib.contextmanager
def generator_site(
    env: dict[str, str], cwd: Path, log: Path | None = None, options: tuple[str, ...] = ()
) -> Iterator[tuple[str, subprocess.Popen]]:
    """uvicorn serving the site while the block runs; yields its URL and process.

    ``env`` must let it import generator_service (the repository as working folder or on PYTHONPATH);
    GENERATOR_* variables set the site's settings. ``log`` receives the server's output (else it goes to
    this process's); ``options`` are more of uvicorn's (--log-level warning, --no-access-log).
    """
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "generator_service.main:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), *options]
    with open(log, "wb") if log else contextlib.nullcontext() as output:
        process = subprocess.Popen(command, cwd=cwd, env=env, stdout=output, stderr=subprocess.STDOUT if log else None)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_serving(url, process, log)
        yield url, process
    finally:
        _stop(process)


def _wait_until_serving(url: str, process: subprocess.Popen, log: Path | None, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"uvicorn exited {process.returncode}:\n{log.read_text() if log else ''}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/api/options", timeout=2).status_code == 200:
                return
        time.sleep(0.1)
    raise RuntimeError(f"uvicorn did not serve {url} within {timeout:.0f} s:\n{log.read_text() if log else ''}")


def _stop(process: subprocess.Popen) -> None:
    for pid in child_pids(process.pid) if process.poll() is None else ():
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGCONT)  # a stopped worker (a test may stop one) would never exit
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
