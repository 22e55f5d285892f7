"""An AWS API on loopback for the deploy rehearsal: moto's server, plus what moto lacks for a Zappa deploy.

:class:`StandIn` starts it in its own process on a free 127.0.0.1 port. Point ``AWS_ENDPOINT_URL``
at it (``env()`` does, with dummy credentials) and Zappa, boto3 and the AWS CLI run their real code
against it. What the stand-in adds to moto 5.2.5, and why, is in the docstrings of
:mod:`.cloudformation` (the resource types of a deploy's stacks, moto's stacks corrected),
:mod:`.rds` (RDS instances with a real server behind them), :mod:`.lambda_api` (function URLs on
aliases, provisioned concurrency), :mod:`.event_invoke_config` (asynchronous settings per qualifier),
:mod:`.function_model` (SnapStart, the log format, Lambda's checks), :mod:`.policies`
(``aws:SecureTransport``), :mod:`.invoke` (running the deployed code under awslambdaric),
:mod:`.async_invoke` (asynchronous invocations queued, retried and recorded) and :mod:`.schedules`
(firing a schedule). Every request is recorded (:meth:`StandIn.calls`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

import boto3

from support.aws_stand_in.account import ACCOUNT_ID, DUMMY_CREDENTIALS
from support.aws_stand_in.app import ASYNC_PATH, FIRE_PATH, HISTORY_PATH

__all__ = ["ACCOUNT_ID", "DUMMY_CREDENTIALS", "StandIn"]

REPO_DIR = Path(__file__).resolve().parent.parent.parent


class StandIn:
    """The stand-in as a child process: ``with StandIn(work_dir, cache_dir, interpreters) as aws: ...``."""

    def __init__(
        self,
        work_dir: Path,
        cache_dir: Path,
        interpreters: dict[str, str],
        *,
        async_retry_delays: tuple[float, ...] = (1, 2),
    ) -> None:
        """``async_retry_delays``: the seconds before each retry of a failed asynchronous invocation
        (Lambda waits 60 then 120)."""
        self.work_dir = work_dir
        command = [
            sys.executable,
            "-m",
            "support.aws_stand_in",
            "--work-dir",
            str(work_dir),
            "--cache-dir",
            str(cache_dir),
            "--async-retry-delays=" + ",".join(str(delay) for delay in async_retry_delays),
        ]
        command += [f"--python={runtime}={python}" for runtime, python in interpreters.items()]
        work_dir.mkdir(parents=True, exist_ok=True)
        self.url = ""
        self.log = (work_dir / "stand-in.log").open("w")
        self.process = subprocess.Popen(
            command, cwd=REPO_DIR, stdout=subprocess.PIPE, stderr=self.log, text=True, env=self.env(os.environ)
        )
        ready = self.process.stdout.readline()
        if not ready.startswith("READY "):
            self.close()
            raise RuntimeError(f"the AWS stand-in did not start: {ready!r}; see {work_dir / 'stand-in.log'}")
        self.url = ready.split()[1]

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment whose AWS SDKs and CLIs talk to the stand-in, and nothing else."""
        environment = {key: value for key, value in (base or {}).items() if not key.startswith("AWS_")}
        environment.update(DUMMY_CREDENTIALS)
        environment["AWS_EC2_METADATA_DISABLED"] = "true"  # never ask an instance metadata service
        environment["AWS_CONFIG_FILE"] = environment["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull
        if self.url:
            environment["AWS_ENDPOINT_URL"] = self.url
        return environment

    def client(self, service: str, region: str) -> Any:
        return boto3.client(
            service,
            region_name=region,
            endpoint_url=self.url,
            aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=DUMMY_CREDENTIALS["AWS_SESSION_TOKEN"],
        )

    def calls(self) -> list[dict[str, Any]]:
        """Every request so far: service, operation, region and parameters."""
        with (self.work_dir / "calls.jsonl").open() as record:
            return [json.loads(line) for line in record]

    def invocations(self) -> list[dict[str, Any]]:
        """Every attempt the stand-in ran: function, qualifier, version, event, error type, invocation type
        (``Event`` or ``RequestResponse``), request ID, attempt (1, 2, 3) and the last 4 KB of its log."""
        with urllib.request.urlopen(self.url + HISTORY_PATH, timeout=10) as response:
            return json.load(response)

    def wait_for_async(self, timeout: float = 60) -> None:
        """Wait until no asynchronous event is queued, running or waiting for a retry."""
        deadline = time.monotonic() + timeout
        while True:
            with urllib.request.urlopen(self.url + ASYNC_PATH, timeout=10) as response:
                pending = json.load(response)["pending"]
            if pending == 0:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"{pending} asynchronous events still pending after {timeout} s")
            time.sleep(0.1)

    def fire_schedule(self, name: str, region: str, group: str = "default") -> dict[str, Any]:
        """Fire an EventBridge Scheduler schedule now, as its time coming would; what was done."""
        request = urllib.request.Request(
            self.url + FIRE_PATH,
            data=json.dumps({"name": name, "group": group, "region": region}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.load(response)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def __enter__(self) -> StandIn:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
