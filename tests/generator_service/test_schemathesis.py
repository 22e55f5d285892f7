"""schemathesis against the site's own OpenAPI schema, served by a real uvicorn.

It generates requests from /openapi.json (every option as a query parameter or body field,
valid and invalid, with its coverage and fuzzing phases) and checks every answer: no server error,
only documented status codes, content types and headers, and bodies that match their schemas.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from live_server import live_server

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("schemathesis")]

CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]


def test_every_answer_matches_the_schema(tmp_path):
    with live_server(tmp_path / "server", workers=2) as server:
        run = subprocess.run(
            [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{server.url}/openapi.json",
                "--checks",
                ",".join(CHECKS),
                "--phases",
                "examples,coverage,fuzzing",
                "--max-examples",
                "30",
                "--no-color",
            ],
            cwd=tmp_path,  # hypothesis keeps its example database in the working folder
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
        leftovers = server.leftovers()
    summary = run.stdout[run.stdout.rfind("SUMMARY") :]
    print("\n" + summary)

    assert run.returncode == 0, run.stdout[-8000:] + run.stderr[-2000:]
    assert "passed" in summary and "failures" not in summary.lower()
    assert leftovers == {"home": [], "tmp": [], "cwd": [], "jobs": []}
