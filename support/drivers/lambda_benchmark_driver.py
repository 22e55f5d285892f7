"""Run inside the runtime's interpreter, for the benchmarks: import a package's handler like Lambda's init,
report the memory it holds, then time warm invocations (or one SnapStart restore). Prints one JSON line.

Usage: python -s -S -B support/drivers/lambda_benchmark_driver.py CODE_DIR RUNTIME_DIR HANDLER SPEC_JSON

Unlike lambda_package_driver.py, which checks what a package answers, this one measures: it takes any
handler (the baseline's too), times each case thousands of times and compares with a Django test Client.
"""

import json
import statistics
import sys
import time

code_dir, runtime_dir, handler_path, spec = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
sys.path[:0] = [code_dir]
sys.path.append(runtime_dir)


def rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def durations(call, count: int) -> list[float]:
    """Seconds per call, after a warm-up."""
    for _ in range(min(200, count)):
        call()
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return samples


def summary(samples: list[float]) -> dict:
    samples = sorted(samples)
    return {"p50_us": statistics.median(samples) * 1e6, "p99_us": samples[int(0.99 * (len(samples) - 1))] * 1e6}


def timed(call, count: int) -> dict:
    return summary(durations(call, count))


def runtime_logging() -> None:
    """The root logger as Lambda's Python runtime sets it up (awslambdaric, with AWS_LAMBDA_LOG_FORMAT and
    AWS_LAMBDA_LOG_LEVEL from the function's log format), writing to stdout as it does outside Lambda."""
    from awslambdaric import bootstrap

    log_format, level = bootstrap._AWS_LAMBDA_LOG_FORMAT, bootstrap._AWS_LAMBDA_LOG_LEVEL
    bootstrap._setup_logging(log_format, level, bootstrap.StandardLogSink())
    bootstrap._GLOBAL_AWS_REQUEST_ID = "00000000-0000-0000-0000-000000000000"


def with_and_without_access_log(call, count: int, blocks: int = 10) -> dict:
    """The same call timed with the access logger on and off, in alternating blocks (the machine drifts)."""
    import logging

    access = logging.getLogger("access")
    samples = {"with": [], "without": []}
    for _ in range(blocks):
        for name, level in (("with", logging.NOTSET), ("without", logging.WARNING)):
            access.setLevel(level)
            samples[name] += durations(call, count // blocks)
    access.setLevel(logging.NOTSET)
    return {name: summary(found) for name, found in samples.items()}


runtime_logging()
module_name, attribute = handler_path.rsplit(".", 1)
handler = getattr(__import__(module_name), attribute)
result = {"rss_after_init_kib": rss_kib()}

if "snapstart" in spec:
    # One SnapStart life: init (above), the before-snapshot hooks if priming, the after-restore hooks,
    # then the first request. Each run is a fresh process, as each restore is a fresh environment.
    import snapshot_restore_py

    if spec["snapstart"] == "primed":
        for function, args, kwargs in snapshot_restore_py.get_before_snapshot():
            function(*args, **kwargs)
    start = time.perf_counter()
    for function, args, kwargs in snapshot_restore_py.get_after_restore():
        function(*args, **kwargs)
    restored = time.perf_counter()
    response = handler(spec["first_event"], None)
    assert response["statusCode"] == 200, response
    result["after_restore_ms"] = (restored - start) * 1000
    result["first_request_ms"] = (time.perf_counter() - restored) * 1000
    print("RESULT " + json.dumps(result))
    sys.exit(0)

if spec.get("setup_note_app"):
    outcome = handler({"manage": "migrate --noinput"}, None)
    from django.apps import apps

    note = apps.get_model(spec["setup_note_app"], "Note").objects.create(title="benchmark", body="x" * 200)
    for case in spec["cases"]:
        case["event"]["rawPath"] = case["event"]["rawPath"].replace("{note}", str(note.pk))
        case["event"]["requestContext"]["http"]["path"] = case["event"]["rawPath"]
    from django.db import connections

    connections.close_all()

for case in spec["cases"]:
    event = case["event"]
    response = handler(event, None)
    assert response["statusCode"] == 200, response
    call = lambda event=event: handler(event, None)  # noqa: E731
    if case.get("access_log") == "compare":
        result[case["name"]] = with_and_without_access_log(call, spec["count"])
    else:
        result[case["name"]] = timed(call, spec["count"])

if spec.get("client_floor"):
    from django.test import Client

    client = Client(HTTP_HOST=spec["host"])
    path = spec["client_floor"]
    assert client.get(path, secure=True).status_code == 200
    result["django_test_client"] = timed(lambda: client.get(path, secure=True), spec["count"])

print("RESULT " + json.dumps(result))
