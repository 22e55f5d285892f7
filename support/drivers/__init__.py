"""Scripts the tests and benchmarks run in other interpreters (``python <script>``), not imported: where each is.

Each sets up its own sys.path as the place it runs in would (a Lambda package's /var/task and the runtime's
folder, or a generated project's folder), so it imports nothing from this repository.
"""

from pathlib import Path

DRIVERS_DIR = Path(__file__).resolve().parent
# cookiecutter's CLI over a corpus of values, in one process (test_cli_hostile_input.py).
CLI_CORPUS_DRIVER = DRIVERS_DIR / "cli_corpus_driver.py"
# An unzipped Lambda package's handler invoked with events, in a bare interpreter (tests of the package).
LAMBDA_PACKAGE_DRIVER = DRIVERS_DIR / "lambda_package_driver.py"
# The same, timed: warm invocations, memory after init, SnapStart's hooks (benchmarks/warm.py, snapstart.py).
# Beside it, bench_settings.py: the settings it gives a package whose database is the stack's.
LAMBDA_BENCHMARK_DRIVER = DRIVERS_DIR / "lambda_benchmark_driver.py"
# 200 simulated Lambda instances of a generated project at once (test_connection_storm.py); STORM_DIR also
# holds the settings and routes the storm's Django loads (DJANGO_SETTINGS_MODULE=storm_settings).
STORM_DIR = DRIVERS_DIR / "storm"
STORM_DRIVER = STORM_DIR / "storm_driver.py"
