"""An AWS API on loopback for the deploy rehearsal: moto's server, plus what moto lacks for a Zappa deploy.

:class:`StandIn` starts it in its own process on a free 127.0.0.1 port. Point ``AWS_ENDPOINT_URL``
at it (``env()`` does, with dummy credentials) and Zappa, boto3 and the AWS CLI run their real code
against it. What the stand-in adds to moto 5.2.5, and why, is in the docstrings of
:mod:`.cloudformation` (the resource types of a deploy's stacks, moto's stacks corrected),
:mod:`.rds` (RDS instances with a real server behind them), :mod:`.lambda_api` (function URLs on
aliases, provisioned concurrency), :mod:`.function_model` (SnapStart, Lambda's checks),
:mod:`.policies` (``aws:SecureTransport``) and :mod:`.invoke` (running the deployed code under
awslambdaric). Every request is recorded (:meth:`StandIn.calls`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import boto3

from support.aws_stand_in.account import ACCOUNT_ID, DUMMY_CREDENTIALS
from support.aws_stand_in.app import HISTORY_PATH

__all__ = ["ACCOUNT_ID", "DUMMY_CREDENTIALS", "StandIn"]

REPO_DIR = Path(__file__).resolve().parent.parent.parent


class StandIn:
    """The stand-in as a child process: ``with StandIn(work_dir, cache_dir, interpreters) as aws: ...``."""

    def __init__(self, work_dir: Path, cache_dir: Path, interpreters: dict[str, str]) -> None:
        self.work_dir = work_dir
        command = [
            sys.executable,
            "-m",
            "support.aws_stand_in",
            "--work-dir",
            str(work_dir),
            "--cache-dir",
            str(cache_dir),
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
        """Every invocation the stand-in ran: function, qualifier, version, event, error type."""
        with urllib.request.urlopen(self.url + HISTORY_PATH, timeout=10) as response:
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
