"""The site on Lambda: Mangum in front, generations in-process."""

from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import zipfile

from helpers import REPO_DIR

SCRIPT = r"""
import json, sys
from generator_service import aws_lambda

def event(path, query=""):
    host = "abc123.execute-api.us-east-1.amazonaws.com"
    return {"version": "2.0", "routeKey": "$default", "rawPath": path, "rawQueryString": query,
            "headers": {"host": host, "x-forwarded-proto": "https"},
            "requestContext": {"http": {"method": "GET", "path": path, "sourceIp": "203.0.113.1"},
                               "domainName": host, "stage": "$default"},
            "isBase64Encoded": False}

options = aws_lambda.handler(event("/api/options"), None)
archive = aws_lambda.handler(event("/api/generate", "format=zip&project_name=On+Lambda"), None)
bad = aws_lambda.handler(event("/api/generate", "aws_region=nowhere"), None)
print(json.dumps({"options": options, "archive": archive, "bad": bad}))
"""


def test_site_answers_lambda_events_with_the_in_process_runner(tmp_path):
    # A fresh interpreter: the handler module configures the runner at import.
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=REPO_DIR,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "GENERATOR_WORK_DIR": str(tmp_path)},
    )
    assert result.returncode == 0, result.stderr
    responses = json.loads(result.stdout.splitlines()[-1])

    assert responses["options"]["statusCode"] == 200
    assert json.loads(responses["options"]["body"])["options"][0]["name"] == "project_name"
    archive = responses["archive"]
    assert archive["statusCode"] == 200 and archive["isBase64Encoded"] is True
    with zipfile.ZipFile(io.BytesIO(base64.b64decode(archive["body"]))) as content:
        assert "on_lambda/lambda_function.py" in content.namelist()
    assert responses["bad"]["statusCode"] == 422
    assert list(tmp_path.iterdir()) == []  # no job folder, replay file or hook left behind
