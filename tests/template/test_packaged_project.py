"""The slow tier, as Lambda runs it: one bake per API type packaged by Zappa and run from its zip.

The production zip is built the project's own way (scripts/build_package.py), checked for size, contents and
bytecode, then unpacked read-only as Lambda unpacks it and run in the runtime's bare interpreter: by a driver
that invokes the handler with API Gateway events, and by AWS's own runtime client (awslambdaric). Each needs
the runtime's Python (3.12 or 3.13), PostgreSQL on 127.0.0.1:5432 and PyPI.
"""

from __future__ import annotations

import base64
import json
import re
import tomllib
import zipfile
from pathlib import Path

import pytest
from combinations import PAIRWISE_VALUES, row_id
from generated_project import Project
from helpers import reuse_lambda_requirements, run, share_lambda_requirements
from lambda_package import run_package, unpacked

from option_rules import validate
from option_rules.uv_lock import normalized
from support.events import api_gateway_event, api_host
from support.lambda_runtime import LambdaInstance, runtime_dir

pytestmark = pytest.mark.slow


def representative(api_gateway: str, **wanted) -> pytest.param:
    """The pairwise row with this API type closest to these values, given them: one Lambda package per API type,
    each built for x86_64, which this machine runs (test_arm64_package.py checks arm64's)."""
    rows = [row for row in PAIRWISE_VALUES if row["api_gateway"] == api_gateway]
    row = max(rows, key=lambda row: sum(row[key] == value for key, value in wanted.items()))
    values = {**row, **wanted, "architecture": "x86_64"}
    assert validate(values) == {}, values
    return pytest.param(values, id=row_id(values), marks=pytest.mark.xdist_group(row_id(values)))


# Together they also cover each API framework and, twice, SnapStart's priming (with a database and without).
# The database is one the test names in DATABASE_URL: not the stack's (use_vpc), whose login comes from RDS.
SNAPSTART = {"cold_start": "snap_start", "ephemeral_storage": 512}
OWN_DATABASE = {"database": "postgresql", "use_vpc": False}
REPRESENTATIVE = [
    representative("http_api", api_framework="drf", **OWN_DATABASE),
    representative("rest_api", api_framework="none", use_admin=True, storage="s3", **OWN_DATABASE, **SNAPSTART),
    representative("function_url", database="none", use_admin=False, api_framework="ninja", **SNAPSTART),
]
MAX_PACKAGE_BYTES = 15 * 2**20
DIST_INFO = re.compile(r"^([^/]+)\.dist-info/METADATA$")  # name-version.dist-info/ of each installed package


@pytest.fixture(scope="module", params=REPRESENTATIVE)
def project(request, cookies_session) -> Project:
    result = cookies_session.bake(extra_context=request.param)
    assert result.exit_code == 0, result.exception
    return Project(Path(result.project_path), result.context)


@pytest.fixture(scope="module")
def package(project) -> Path:
    """The production zip, built the project's own way (bytecode step + zappa package)."""
    reuse_lambda_requirements(project.path, project.context)
    project.run(str(project.bin / "python"), "scripts/build_package.py", "production", timeout=900)
    share_lambda_requirements(project.path, project.context)
    return project.path / ".zappa-build" / "production.zip"


def test_package_is_small_complete_and_has_usable_bytecode(project, package):
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
        handler_source = archive.read("lambda_function.py")
        pyc = archive.read(f"django/__pycache__/__init__.{cache_tag(project.python)}.pyc")

    assert package.stat().st_size < MAX_PACKAGE_BYTES
    assert handler_source == (project.path / "lambda_function.py").read_bytes()  # not replaced by Zappa's
    assert "handler.py" in names  # Zappa's own, unused: zappa_settings names lambda_function
    # Bytecode compiled by the runtime's Python, checked by hash-flag only: valid whatever the zip's timestamps.
    magic = run([project.python, "-c", "import importlib.util; print(importlib.util.MAGIC_NUMBER.hex())"]).stdout
    assert pyc[:4].hex() == magic.strip()
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, source never checked
    assert any(name.startswith("config/__pycache__/") for name in names)
    for unwanted in ("tests/", ".env", "requirements/", "scripts/", "boto3/", "botocore/", "pytest/", "zappa/"):
        assert not any(name.startswith(unwanted) for name in names), unwanted


def test_package_holds_the_locked_versions(project, package):
    """Every package in the zip is at its uv.lock version, and every runtime dependency of the project is there."""
    lock = tomllib.loads((project.path / "uv.lock").read_text())
    locked = {entry["name"]: entry["version"] for entry in lock["package"]}
    [own] = [entry for entry in lock["package"] if entry.get("source") == {"virtual": "."}]
    with zipfile.ZipFile(package) as archive:
        found = {match[1] for name in archive.namelist() if (match := DIST_INFO.match(name))}
    packaged = {normalized(name): version for name, version in (dist.rsplit("-", 1) for dist in found)}

    assert packaged == {name: locked[name] for name in packaged}
    assert {dependency["name"] for dependency in own["dependencies"]} <= packaged.keys()


def test_package_ships_the_translations_of_its_languages_only(package):
    """English for Django and each app: the settings' LANGUAGES and Django's fallback ('en'), and LANGUAGE_CODE
    ('en-us': 'en_US', which DRF has a catalog for); formats stay for all."""
    with zipfile.ZipFile(package) as archive:
        names = set(archive.namelist())
    catalogs = {name.split("/")[-3] for name in names if name.endswith(".mo") and "/locale/" in name}

    assert "en" in catalogs and catalogs <= {"en", "en_US"}, catalogs
    assert "django/conf/locale/en/LC_MESSAGES/django.mo" in names
    assert "django/conf/locale/fr/formats.py" in names


def cache_tag(python: str) -> str:
    """'cpython-313': the tag in the names of the bytecode files of an interpreter."""
    return run([python, "-c", "import sys; print(sys.implementation.cache_tag)"]).stdout.strip()


def request_host(project: Project) -> str:
    """The host requests name: the API Gateway or function URL domain of the project's region."""
    region = project.context["aws_region"]
    if project.context["api_gateway"] == "function_url":
        return f"abcdefghijklmnop.lambda-url.{region}.on.aws"
    return api_host(region)


def body_of(response: dict) -> bytes:
    return base64.b64decode(response["body"]) if response.get("isBase64Encoded") else response["body"].encode()


def test_package_answers_lambda_events(project, package, tmp_path, request):
    database_url = None
    if project.has_database:
        database_url = request.getfixturevalue("postgres_database")
    env = project.lambda_environment(database_url)
    host = request_host(project)
    events = [{"manage": "migrate --noinput"}] if project.has_database else []
    # As the deployed source sends them: Zappa gives both API types a "production" stage.
    version, stage = {"http_api": ("v2", "production"), "rest_api": ("v1", "production")}.get(
        project.context["api_gateway"], ("v2", "$default")
    )
    events += [
        api_gateway_event("v2", "GET", "/health/", host),
        api_gateway_event("v1", "GET", "/health/", host),
        api_gateway_event(version, "GET", "/health", host, stage=stage),
    ]
    if project.has_database:
        events.append(api_gateway_event("v2", "GET", "/api/notes/", host))
    framework = project.context["api_framework"] != "none"
    if framework:  # their pages need files besides the framework's modules (HTML templates): the package keeps them
        events += [api_gateway_event("v2", "GET", path, host) for path in ("/api/openapi.json", "/api/docs/")]

    outcome, _ = run_package(project.python, package, tmp_path, events, env)
    results = outcome["results"]

    code_dir = str(tmp_path / "var-task")
    assert all(str(origin).startswith(code_dir) for origin in outcome["origins"].values()), outcome["origins"]
    for result in results:
        assert "error" not in result, result["error"]
    responses = [result["response"] for result in results]
    if framework:
        schema, docs = responses.pop(-2), responses.pop()
        assert (schema["statusCode"], docs["statusCode"]) == (200, 200), (schema, docs)
        assert "/api/echo/" in json.loads(body_of(schema))["paths"]
        assert b"swagger-ui-bundle.js" in body_of(docs)
    if project.has_database:
        migrate = responses.pop(0)
        assert migrate["exit_status"] == 0 and "Applying" in migrate["output"]
        notes = responses.pop()
        assert notes["statusCode"] == 200 and json.loads(notes["body"]) == {"notes": []}
    v2, v1, no_slash = responses
    for response in (v2, v1):
        assert response["statusCode"] == 200, response
        assert json.loads(body_of(response))["status"] == "ok"
    # APPEND_SLASH redirects; an API Gateway stage must stay in the URL.
    prefix = "" if stage == "$default" else f"/{stage}"
    assert no_slash["statusCode"] == 301
    assert no_slash["headers"]["location"] == f"{prefix}/health/"


def test_package_under_awslambdaric_answers_events_and_reports_errors(project, package, tmp_path, request):
    """AWS's own runtime client runs the package: an HTTP event, the manage event, an unsupported event and a
    failing command, whose errors reach the Runtime API as Lambda reports them; the environment survives."""
    database_url = request.getfixturevalue("postgres_database") if project.has_database else None
    snap_start = project.context["cold_start"] == "snap_start"
    environment = {**project.lambda_environment(database_url), "AWS_LAMBDA_FUNCTION_NAME": "api-production"}
    host = request_host(project)
    with unpacked(package, tmp_path) as code_dir:
        instance = LambdaInstance(
            project.python, code_dir, "lambda_function.lambda_handler", environment,
            runtime_dir(project.python), timeout_seconds=60, snap_start=snap_start,
        )  # fmt: skip
        try:
            health, health_log = instance.invoke(json.dumps(api_gateway_event("v2", "GET", "/health/", host)).encode())
            manage, _ = instance.invoke(json.dumps({"manage": "check"}).encode())
            unsupported, _ = instance.invoke(json.dumps({"hello": "world"}).encode())
            failing, failing_log = instance.invoke(json.dumps({"manage": "no_such_command"}).encode())
            after, _ = instance.invoke(json.dumps(api_gateway_event("v2", "GET", "/health/", host)).encode())
            startup = "".join(instance.log_lines)
        finally:
            instance.close()

    assert (health.error_type, json.loads(health.payload)["statusCode"]) == (None, 200), health_log
    assert (manage.error_type, json.loads(manage.payload)["exit_status"]) == (None, 0)
    error = json.loads(unsupported.payload)
    assert unsupported.error_type and error["errorType"] == "UnsupportedEvent"
    assert "keys: hello" in error["errorMessage"] and error["stackTrace"]
    error = json.loads(failing.payload)
    assert error["errorType"] == "ManagementCommandFailed" and "no_such_command" in error["errorMessage"]
    # What CloudWatch shows, in Lambda's JSON log format: the error, with the invocation's request ID.
    [logged_error] = [json.loads(line) for line in failing_log.splitlines() if '"errorType"' in line]
    assert (logged_error["level"], logged_error["errorType"]) == ("ERROR", "ManagementCommandFailed")
    assert logged_error["requestId"]
    assert (after.error_type, json.loads(after.payload)["statusCode"]) == (None, 200)  # still serving
    assert ("Primed the snapshot: POST /api/echo/ answered 200" in startup) is snap_start
