"""Benchmarks: `make bench` (python -m benchmarks.run) writes docs/benchmarks.md."""

import sys
from pathlib import Path

# The benchmarks reuse the test helpers (interpreters for the Lambda runtimes, project venvs).
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
