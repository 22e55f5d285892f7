"""Lambda's execution model on loopback: AWS's runtime client (awslambdaric) polling a Runtime API.

Lambda runs a function in execution environments: in each, the runtime imports the handler (the
init phase), then asks the Runtime API for one event at a time and posts back its response or its
error. An environment stays alive between invocations (a warm start). With SnapStart, init runs
once, the before-snapshot hooks run, the runtime waits on ``restore/next``, and the after-restore
hooks run before the first event. :class:`LambdaInstance` is one such environment, driven by the
same awslambdaric that the Lambda Python runtime ships.
https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html
"""

from __future__ import annotations

import json
import queue
import shutil
import stat
import subprocess
import sys
import threading
import time
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from support.locks import exclusive
from support.paths import CACHE_DIR

# What the Lambda Python runtime provides outside the package. boto3 is pinned to the version the
# repository's own tools use, so a test never depends on what PyPI published today.
RUNTIME_PACKAGES = ("awslambdaric==4.2.2", "boto3==1.44.8", "snapshot-restore-py==1.0.0")
PREFIX = "/2018-06-01/runtime"
# Lambda returns at most the last 4 KB of an invocation's log with LogType=Tail.
LOG_TAIL_BYTES = 4096


def runtime_dir(python: str, cache_dir: Path = CACHE_DIR) -> Path:
    """What the Lambda Python runtime provides outside the package (awslambdaric, boto3, snapshot-restore-py)
    for this interpreter: a folder in the cache, built once and compiled."""
    version = subprocess.run(
        [python, "-c", "import sys; print('%d%d' % sys.version_info[:2])"], capture_output=True, text=True, check=True
    ).stdout.strip()
    target = cache_dir / f"lambda-runtime-py{version}"
    with exclusive(target):
        if not (target / ".complete").exists():
            shutil.rmtree(target, ignore_errors=True)
            install = [sys.executable, "-m", "uv", "pip", "install", "--quiet", "--python", python]
            subprocess.run([*install, "--target", str(target), *RUNTIME_PACKAGES], check=True)
            subprocess.run([python, "-m", "compileall", "-q", str(target)], check=True)
            (target / ".complete").touch()
    return target


def unpack_code(archive: zipfile.ZipFile, target: Path) -> None:
    """A function's zip unpacked as Lambda unpacks it into /var/task: each file with the mode the zip gives it
    (an executable stays executable), and nothing writable."""
    archive.extractall(target)
    for info in archive.infolist():
        mode = info.external_attr >> 16 & 0o777
        if mode and not info.is_dir():
            (target / info.filename).chmod(mode)
    for path in [target, *target.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@dataclass
class Invocation:
    """One event and, once the runtime posts it, its outcome."""

    event: bytes
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    done: threading.Event = field(default_factory=threading.Event)
    started_at: float | None = None  # when the runtime took it (time.monotonic()): its timeout runs from here
    # Its lines in the environment's log: from where it was when the runtime took this event (None: from
    # when it was queued) to where it was when the runtime took the next one (one event at a time).
    log_from: int | None = None
    log_to: int | None = None
    payload: bytes = b""
    error_type: str | None = None  # set when the function failed

    def finish(self, payload: bytes, error_type: str | None = None) -> None:
        self.payload, self.error_type = payload, error_type
        self.done.set()


class RuntimeAPI:
    """The Runtime API on 127.0.0.1: hands queued invocations to the runtime and takes back results."""

    def __init__(self, function_arn: str, timeout_seconds: float, log_position: Callable[[], int] = lambda: 0) -> None:
        self.function_arn = function_arn
        self.timeout_seconds = timeout_seconds
        self.log_position = log_position  # how many lines the environment's log holds so far
        self.pending: queue.Queue[Invocation] = queue.Queue()
        self.running: dict[str, Invocation] = {}
        self.previous: Invocation | None = None  # the last one the runtime took
        self.init_error: Invocation | None = None
        self.ready = threading.Event()  # the runtime asked for its first event: init (and restore) done
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # the runtime's own log is what matters
                pass

            def reply(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path == f"{PREFIX}/invocation/next":
                    api.ready.set()
                    invocation = api.pending.get()
                    api.start(invocation)
                    self.reply(200, invocation.event, api.event_headers(invocation))
                elif self.path == f"{PREFIX}/restore/next":
                    self.reply(200)  # the snapshot is taken; this environment is a restored copy
                else:
                    self.reply(404)

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                error_type = self.headers.get("Lambda-Runtime-Function-Error-Type", "Unhandled")
                parts = self.path.removeprefix(PREFIX).strip("/").split("/")
                if parts[0] == "invocation" and len(parts) == 3 and parts[1] in api.running:
                    invocation = api.running.pop(parts[1])
                    invocation.finish(body, None if parts[2] == "response" else error_type)
                elif parts in (["init", "error"], ["restore", "error"]):
                    api.init_error = Invocation(event=b"")
                    api.init_error.finish(body, error_type)
                else:
                    self.reply(404)
                    return
                self.reply(202)

        return Handler

    def start(self, invocation: Invocation) -> None:
        """The runtime takes an event: its clock and its log start here (the first event's log holds init's
        too, from when it was queued), and the previous event's log ends."""
        position = self.log_position()
        if self.previous is not None:
            self.previous.log_to = position
            invocation.log_from = position
        invocation.started_at = time.monotonic()
        self.previous = invocation
        self.running[invocation.request_id] = invocation

    def event_headers(self, invocation: Invocation) -> dict[str, str]:
        deadline = int((time.time() + self.timeout_seconds) * 1000)
        return {
            "Lambda-Runtime-Aws-Request-Id": invocation.request_id,
            "Lambda-Runtime-Deadline-Ms": str(deadline),
            "Lambda-Runtime-Invoked-Function-Arn": self.function_arn,
            "Lambda-Runtime-Trace-Id": "Root=1-00000000-000000000000000000000000",
            "Content-Type": "application/json",
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class LambdaInstance:
    """One execution environment: awslambdaric in a fresh interpreter, kept warm between invocations.

    ``env`` is the function's own environment (its variables, region, credentials); the rest is what
    Lambda adds. ``snap_start`` runs the SnapStart hooks after init, as a restored version does.
    """

    def __init__(
        self,
        python: str,
        code_dir: Path,
        handler: str,
        env: dict[str, str],
        runtime: Path,
        *,
        function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:local",
        timeout_seconds: float = 30,
        snap_start: bool = False,
    ) -> None:
        self.timeout_seconds = timeout_seconds
        self.log_lines: list[str] = []
        self.api = RuntimeAPI(function_arn, timeout_seconds, log_position=lambda: len(self.log_lines))
        environment = {
            **env,
            "AWS_LAMBDA_RUNTIME_API": self.api.address,
            "LAMBDA_TASK_ROOT": str(code_dir),
            "LAMBDA_RUNTIME_DIR": str(runtime),
            "_HANDLER": handler,
            "PYTHONPATH": f"{code_dir}:{runtime}",
            "PYTHONDONTWRITEBYTECODE": "1",  # the code folder is read-only on Lambda
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "TZ": ":UTC",
        }
        if snap_start:
            environment["AWS_LAMBDA_INITIALIZATION_TYPE"] = "snap-start"
        self.process = subprocess.Popen(
            [python, "-s", "-S", "-m", "awslambdaric", handler],
            cwd=code_dir,
            env=environment,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
        )
        threading.Thread(target=self._read_log, daemon=True).start()

    def _read_log(self) -> None:
        for line in self.process.stdout:
            self.log_lines.append(line)

    @property
    def alive(self) -> bool:
        return self.process.poll() is None and self.api.init_error is None

    def invoke(self, event: bytes, request_id: str | None = None) -> tuple[Invocation, str]:
        """Run one event; return its outcome and the log lines it wrote (as Lambda's LogType=Tail).

        ``request_id`` is the one the runtime sees: Lambda keeps an asynchronous event's through its retries.
        """
        first_line = len(self.log_lines)
        invocation = Invocation(event=event, request_id=request_id or str(uuid.uuid4()))
        queued_at = time.monotonic()
        self.api.pending.put(invocation)
        while not invocation.done.wait(0.05):
            if self.api.init_error is not None:
                return self.api.init_error, self._log_since(first_line)
            if self.process.poll() is not None:
                time.sleep(0.2)  # let the log reader drain what the process wrote last
                message = f"Runtime exited with status {self.process.returncode} before answering"
                invocation.finish(json.dumps({"errorMessage": message, "errorType": "Runtime.ExitError"}).encode())
                invocation.error_type = "Unhandled"
            elif self._timed_out(invocation, queued_at):
                self.close()
                message = f"Task timed out after {self.timeout_seconds:.2f} seconds"
                invocation.finish(json.dumps({"errorMessage": message}).encode(), "Unhandled")
        self._let_the_log_settle(invocation)
        return invocation, self._log_of(invocation, first_line)

    def _timed_out(self, invocation: Invocation, queued_at: float) -> bool:
        """Past the function's timeout: counted from when the runtime took the event, or, while init
        hasn't finished, from when it was queued. An event waiting behind another one doesn't time out."""
        if invocation.started_at is None and self.api.ready.is_set():
            return False
        started = invocation.started_at if invocation.started_at is not None else queued_at
        return time.monotonic() > started + self.timeout_seconds

    def _let_the_log_settle(self, invocation: Invocation, quiet_seconds: float = 0.1, at_most: float = 2.0) -> None:
        """The runtime writes an invocation's log before it posts the result; the reader thread may lag.
        Once the runtime has taken the next event, what follows is that one's."""
        deadline = time.monotonic() + at_most
        seen = -1
        while len(self.log_lines) != seen and invocation.log_to is None and time.monotonic() < deadline:
            seen = len(self.log_lines)
            time.sleep(quiet_seconds)

    def _log_since(self, first_line: int) -> str:
        return "".join(self.log_lines[first_line:])

    def _log_of(self, invocation: Invocation, first_line: int) -> str:
        """The invocation's own lines, not those of an event that ran before or after it in this environment."""
        start = invocation.log_from if invocation.log_from is not None else first_line
        return "".join(self.log_lines[start : invocation.log_to])

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
        self.api.close()


def log_tail(log: str) -> str:
    """The part of a log Lambda returns with LogType=Tail: its last 4 KB."""
    encoded = log.encode()[-LOG_TAIL_BYTES:]
    return encoded.decode(errors="ignore")
