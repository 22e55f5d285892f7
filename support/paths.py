"""Where the repository is, and where tests and benchmarks keep what they build between runs (.cache/)."""

from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO_DIR / ".cache"
