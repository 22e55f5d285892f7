"""``Invoke`` run for real: the deployed code under AWS's runtime client, as Lambda runs it.

moto can only run a function in Docker; without it, it answers every invocation with a fixed
payload. Here the stand-in takes the code the function holds in moto (the zip Zappa uploaded),
unpacks it read-only, and runs it in the runtime's interpreter under awslambdaric, with the
function's own environment plus what Lambda adds (region, function name, log format, credentials) and
``AWS_ENDPOINT_URL`` pointing back at the stand-in, so the function's own AWS calls (reading its
secret, say) reach the stand-in too. Environments stay warm between invocations, one per version
and configuration, as Lambda keeps them. A published version with SnapStart starts as a restored
snapshot does: init, the before-snapshot hooks, ``restore/next``, the after-restore hooks; and, as on
Lambda, it finds its credentials at a container credentials endpoint (:mod:`.container_credentials`)
instead of access keys in its environment. Asynchronous (``Event``) invocations are queued and retried
by :mod:`.async_invoke`, which runs each attempt here, on the same warm environments. Native code must be
for the function's architecture, as on Lambda, and for this machine's: an arm64 package runs here only when
it has none (support.machine_code).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.aws_stand_in.account import DUMMY_CREDENTIALS, split_function_name
from support.aws_stand_in.container_credentials import CREDENTIALS_PATH, ContainerCredentials
from support.aws_stand_in.lambda_api import LambdaError, backend
from support.lambda_runtime import Invocation, LambdaInstance, log_tail, runtime_dir, unpack_code
from support.machine_code import HOST_ARCHITECTURE, native_code


@dataclass
class InvokeResult:
    status: int
    payload: bytes
    headers: dict[str, str]


class Invoker:
    """Runs invocations; keeps one warm environment per function version and configuration."""

    def __init__(self, endpoint_url: str, interpreters: dict[str, str], work_dir: Path, cache_dir: Path) -> None:
        self.endpoint_url = endpoint_url
        self.interpreters = interpreters  # {"python3.13": "/path/to/python3.13"}
        self.work_dir = work_dir
        self.cache_dir = cache_dir
        self.instances: dict[tuple, LambdaInstance] = {}
        self.lock = threading.Lock()
        self.credentials = ContainerCredentials()
        self.history: list[dict[str, Any]] = []  # every attempt that ran, for the tests to read

    def resolve(self, region: str, name_or_arn: str, qualifier: str | None) -> tuple[str, str | None, Any]:
        """(name, qualifier, moto's function for the version it names), or Lambda's refusal."""
        name, qualifier = split_function_name(name_or_arn, qualifier)
        try:
            function = backend(region).get_function(name, qualifier)
        except Exception as error:
            raise LambdaError(404, "ResourceNotFoundException", f"Function not found: {name}:{qualifier}") from error
        if function.run_time not in self.interpreters:
            raise LambdaError(400, "InvalidRuntimeException", f"No interpreter here for {function.run_time}")
        return name, qualifier, function

    def invoke(
        self, region: str, name_or_arn: str, qualifier: str | None, payload: bytes, headers: dict
    ) -> InvokeResult:
        """A synchronous (RequestResponse) or DryRun invocation; Event ones go through async_invoke."""
        name, qualifier, function = self.resolve(region, name_or_arn, qualifier)
        if headers.get("x-amz-invocation-type") == "DryRun":
            return InvokeResult(204, b"", {})
        invocation, log = self.run(region, name, qualifier, function, payload, "RequestResponse")
        response_headers = {"X-Amz-Executed-Version": str(function.version), "x-amzn-RequestId": invocation.request_id}
        if invocation.error_type:
            response_headers["X-Amz-Function-Error"] = "Unhandled"
        if headers.get("x-amz-log-type") == "Tail":
            response_headers["X-Amz-Log-Result"] = base64.b64encode(log_tail(log).encode()).decode()
        return InvokeResult(200, invocation.payload, response_headers)

    def run(
        self,
        region: str,
        name: str,
        qualifier: str | None,
        function: Any,
        payload: bytes,
        invocation_type: str,
        request_id: str | None = None,
        attempt: int = 1,
    ) -> tuple[Invocation, str]:
        """One attempt on the version's warm environment, recorded in the history; its outcome and log."""
        instance = self._instance(region, function)
        invocation, log = instance.invoke(payload or b"{}", request_id)
        self.history.append(
            {
                "function": name,
                "qualifier": qualifier or "$LATEST",
                "version": str(function.version),
                "event": json.loads(payload or b"{}"),
                "error_type": invocation.error_type,
                "snap_start": self._restores_snapshot(function),
                "invocation_type": invocation_type,
                "request_id": invocation.request_id,
                "attempt": attempt,
                "log": log_tail(log),  # what the attempt logged, as LogType=Tail returns it (its last 4 KB)
            }
        )
        return invocation, log

    @staticmethod
    def _restores_snapshot(function: Any) -> bool:
        return getattr(function, "snap_start", "None") == "PublishedVersions" and str(function.version) != "$LATEST"

    def _instance(self, region: str, function: Any) -> LambdaInstance:
        environment = dict(function.environment_vars or {})
        logging_config = json.dumps(getattr(function, "logging_config", {}), sort_keys=True)
        key = (function.function_arn, function.code_sha_256, json.dumps(environment, sort_keys=True), logging_config)
        with self.lock:
            instance = self.instances.get(key)
            if instance is None or not instance.alive:
                python = self.interpreters[function.run_time]
                code_dir = self._code_dir(function)
                check_machine_code(code_dir, function.architectures[0])
                instance = LambdaInstance(
                    python,
                    code_dir,
                    function.handler,
                    {**environment, **self._lambda_environment(region, function)},
                    runtime_dir(python, self.cache_dir),
                    function_arn=function.function_arn,
                    timeout_seconds=float(function.timeout),
                    snap_start=self._restores_snapshot(function),
                )
                self.instances[key] = instance
            return instance

    def _lambda_environment(self, region: str, function: Any) -> dict[str, str]:
        """What Lambda sets for every function: https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html"""
        logging_config = getattr(function, "logging_config", {})
        return {
            "AWS_REGION": region,
            "AWS_DEFAULT_REGION": region,
            "AWS_LAMBDA_FUNCTION_NAME": function.function_name,
            "AWS_LAMBDA_FUNCTION_VERSION": str(function.version),
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(function.memory_size),
            "AWS_LAMBDA_LOG_GROUP_NAME": logging_config.get("LogGroup", f"/aws/lambda/{function.function_name}"),
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{function.run_time}",
            **self._log_format(logging_config),
            **self._credentials(function),
            "AWS_ENDPOINT_URL": self.endpoint_url,
        }

    @staticmethod
    def _log_format(logging_config: dict[str, str]) -> dict[str, str]:
        """The JSON log format as Lambda passes it to the runtime; awslambdaric then writes one JSON object
        per log record, and drops records below the level. Text needs nothing: it is awslambdaric's default."""
        if logging_config.get("LogFormat") != "JSON":
            return {}
        return {"AWS_LAMBDA_LOG_FORMAT": "JSON", "AWS_LAMBDA_LOG_LEVEL": logging_config["ApplicationLogLevel"]}

    def _credentials(self, function: Any) -> dict[str, str]:
        """The role's temporary credentials on Lambda (dummy ones here): access keys in the environment, or,
        for a SnapStart snapshot, the container credentials endpoint and a token of this environment's own."""
        if not self._restores_snapshot(function):
            return dict(DUMMY_CREDENTIALS)
        return {
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": self.endpoint_url + CREDENTIALS_PATH,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": self.credentials.issue(),
        }

    def _code_dir(self, function: Any) -> Path:
        """The function's zip unpacked once per content, as Lambda unpacks it: modes kept, read-only."""
        digest = hashlib.sha256(function.code_bytes).hexdigest()[:16]
        target = self.work_dir / "code" / digest
        if not target.exists():
            staging = target.with_suffix(".partial")
            with zipfile.ZipFile(io.BytesIO(function.code_bytes)) as archive:
                unpack_code(archive, staging)
            staging.rename(target)
        return target

    def close(self) -> None:
        for instance in self.instances.values():
            instance.close()


class ForeignMachineCode(RuntimeError):
    """A function whose native code this machine can't run, or Lambda wouldn't."""


def check_machine_code(code_dir: Path, architecture: str) -> None:
    """Lambda loads only native code of the function's architecture; this machine runs only its own."""
    code = native_code(code_dir)
    wrong = sorted(path for path, found in code.items() if found != architecture)
    if wrong:
        raise ForeignMachineCode(f"an {architecture} function whose package holds other machine code: {wrong[:5]}")
    if code and architecture != HOST_ARCHITECTURE:
        raise ForeignMachineCode(
            f"the stand-in runs {HOST_ARCHITECTURE} machine code only; this {architecture} package has "
            f"{len(code)} native libraries ({sorted(code)[:3]}...): its ELF headers are checked instead"
        )
