"""Run inside a fresh interpreter, like Lambda's runtime: import the unzipped package's handler and invoke it.

Usage: python -I -S -B support/drivers/lambda_package_driver.py PACKAGE_DIR RUNTIME_SITE_DIR < events.json

Only the package folder and the runtime's own libraries (boto3) are importable:
-I and -S keep the development venv, PYTHONPATH and site-packages away, so a
module the package lacks fails here as it would on Lambda. Prints one JSON
line "RESULT {...}": each event's response (or error) and where the modules came from.
"""

import json
import sys

package_dir, runtime_dir = sys.argv[1], sys.argv[2]
sys.path[:0] = [package_dir]
sys.path.append(runtime_dir)


class Context:
    function_name = "driver"
    aws_request_id = "00000000-0000-0000-0000-000000000000"
    memory_limit_in_mb = 1024

    def get_remaining_time_in_millis(self):
        return 29_000


def runtime_logging():
    """The root logger as Lambda's Python runtime sets it up (awslambdaric, with AWS_LAMBDA_LOG_FORMAT and
    AWS_LAMBDA_LOG_LEVEL from the function's log format); the module whose request ID each line carries."""
    from awslambdaric import bootstrap

    log_format, level = bootstrap._AWS_LAMBDA_LOG_FORMAT, bootstrap._AWS_LAMBDA_LOG_LEVEL
    bootstrap._setup_logging(log_format, level, bootstrap.StandardLogSink())
    return bootstrap


def main() -> None:
    events = json.load(sys.stdin)
    runtime = runtime_logging()
    import lambda_function

    results = []
    for index, event in enumerate(events):
        runtime._GLOBAL_AWS_REQUEST_ID = f"00000000-0000-0000-0000-{index:012d}"
        try:
            results.append({"response": lambda_function.lambda_handler(event, Context())})
        except Exception as error:  # reported, so the test shows what failed
            results.append({"error": f"{type(error).__name__}: {error}"})
    origins = {
        name: getattr(sys.modules.get(name), "__file__", None) for name in ("django", "mangum", "lambda_function")
    }
    # The app logs to stdout too, as on Lambda: mark the line that carries the results.
    print("RESULT " + json.dumps({"results": results, "origins": origins}))


main()
