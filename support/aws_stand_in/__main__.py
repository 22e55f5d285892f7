"""Serve the stand-in: ``python -m support.aws_stand_in --work-dir DIR --python python3.13=/path ...``.

Prints ``READY http://127.0.0.1:PORT`` once it listens (on a free port unless --port is given), then
serves until it is terminated. Only ever binds 127.0.0.1. ``--async-retry-delays`` shortens the waits
between the attempts of a failed asynchronous invocation (Lambda's are 60 and 120 seconds).
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
from werkzeug.serving import make_server

from support.aws_stand_in import cloudformation, function_model, policies, rds
from support.aws_stand_in.app import StandInApp
from support.aws_stand_in.async_invoke import EventQueue
from support.aws_stand_in.event_invoke_config import EventInvokeConfigs
from support.aws_stand_in.invoke import Invoker


def seconds_list(text: str) -> tuple[float, ...]:
    """'1,2' -> (1.0, 2.0)."""
    return tuple(float(part) for part in text.split(",") if part.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--work-dir", type=Path, required=True, help="unpacked code and the request record")
    parser.add_argument("--cache-dir", type=Path, required=True, help="the Lambda runtime's packages, reused")
    parser.add_argument(
        "--python", action="append", default=[], help="RUNTIME=INTERPRETER, e.g. python3.13=/usr/bin/python3.13"
    )
    parser.add_argument(
        "--async-retry-delays",
        type=seconds_list,
        default="1,2",  # argparse converts a string default with type
        help="seconds before the 2nd and the 3rd attempt of a failed asynchronous invocation, e.g. 1,2",
    )
    args = parser.parse_args()

    cloudformation.install()
    function_model.install()
    policies.evaluate_secure_transport()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    interpreters = dict(item.split("=", 1) for item in args.python)
    moto_app = DomainDispatcherApplication(create_backend_app)

    server = make_server("127.0.0.1", args.port, None, threaded=True, request_handler=MotoRequestHandler)
    endpoint = f"http://127.0.0.1:{server.server_port}"
    invoker = Invoker(endpoint, interpreters, args.work_dir, args.cache_dir)
    events = EventQueue(invoker, EventInvokeConfigs(), args.async_retry_delays)
    server.app = StandInApp(moto_app, invoker, events, args.work_dir / "calls.jsonl")

    def stop(*_args) -> None:
        events.close()
        invoker.close()
        rds.close_all()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"READY {endpoint}", flush=True)
    try:
        server.serve_forever()
    finally:
        events.close()
        invoker.close()
        rds.close_all()


if __name__ == "__main__":
    main()
