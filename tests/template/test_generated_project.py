"""The slow tier: every generated project installed, tested, checked, and its settings loaded by Zappa.

Every row of the pairwise covering array (combinations.py) runs its own test suite, on PostgreSQL
where it has a database, and `check --deploy`, through `uv run`; the default runs it once more on SQLite,
as its README allows; Zappa loads its settings. Venvs (`uv sync --locked`) are shared by bakes whose locks
install the same packages. Each needs the runtime's Python (3.12 or 3.13), PostgreSQL on
127.0.0.1:5432 and PyPI. test_packaged_project.py packages one bake per API type and runs it as Lambda would.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path

import pytest
from combinations import PAIRWISE
from generated_project import Project

from option_rules import RULES
from option_rules.names import check_slug
from support.postgres import database_url

pytestmark = pytest.mark.slow

UV_RUN = ("uv", "run", "--locked", "--offline")  # the README's `uv run`, held to the lock as it is
PASSED = re.compile(r"^=+ \d+ passed in [\d.]+s", re.MULTILINE)  # no failure, error or skip on the line


@pytest.mark.parametrize("values", PAIRWISE)
def test_the_project_passes_its_own_suite(cookies_session, values):
    """Its own tests include `check --deploy` of the production settings (tests/test_settings.py)."""
    result = cookies_session.bake(extra_context=values)
    assert result.exit_code == 0, result.exception
    project = Project(Path(result.project_path), result.context)
    env = {"DATABASE_URL": ""}
    if project.has_database:  # pytest-django makes and drops its own test_<name> database there
        database = f"{project.context['project_slug']}_{uuid.uuid4().hex[:8]}"
        env = {"DATABASE_URL": database_url(database)}

    suite = project.run(*UV_RUN, "pytest", "-p", "no:cacheprovider", "-rA", env=env)

    assert PASSED.search(suite.stdout), suite.stdout[-3000:]
    assert "PASSED tests/test_settings.py::test_production_settings_pass_check_deploy" in suite.stdout


def test_a_database_project_passes_its_suite_on_sqlite(cookies_session):
    """Its README: `pytest` uses PostgreSQL when DATABASE_URL is set, SQLite otherwise."""
    result = cookies_session.bake(extra_context={})
    assert result.exit_code == 0, result.exception
    project = Project(Path(result.project_path), result.context)
    assert project.has_database

    suite = project.run(*UV_RUN, "pytest", "-p", "no:cacheprovider", "-rA", env={"DATABASE_URL": ""})

    assert PASSED.search(suite.stdout), suite.stdout[-3000:]


@pytest.mark.parametrize("values", PAIRWISE)
def test_no_module_the_project_installs_is_accepted_as_its_slug(cookies_session, values):
    """A project package named like an installed module shadows it: a slug `six` breaks botocore's imports."""
    result = cookies_session.bake(extra_context=values)
    assert result.exit_code == 0, result.exception
    project = Project(Path(result.project_path), result.context)
    (site_packages,) = project.venv.glob("lib/python3.*/site-packages")
    modules = {re.sub(r"(\.cpython.*|\.abi3)?\.(py|so)$", "", path.name) for path in site_packages.iterdir()}
    slug_shaped = {name for name in modules if re.fullmatch(RULES["project_slug"].pattern, name)}

    assert {name for name in slug_shaped if check_slug(name) is None} == set()


ZAPPA_LOADS = """
import json
from zappa.cli import ZappaCLI
loaded = {}
for stage in ("dev", "production"):
    cli = ZappaCLI()
    cli.api_stage = stage
    cli.load_credentials = False
    cli.load_settings("zappa_settings.json")
    loaded[stage] = {
        "handler": cli.lambda_handler, "runtime": cli.runtime, "region": cli.aws_region,
        "django_settings": cli.django_settings, "vpc": cli.vpc_config, "function_url": cli.use_function_url,
        "apigateway": cli.use_apigateway, "memory": cli.memory_size, "timeout": cli.timeout_seconds,
        "lambda_name": cli.lambda_name, "env": cli.aws_environment_variables,
        "keep_warm": cli.stage_config.get("keep_warm"), "snap_start": cli.snap_start,
        "provisioned": cli.provisioned_concurrency, "qualifier": cli.apigateway_lambda_qualifier,
    }
print(json.dumps(loaded))
"""


@pytest.mark.parametrize("values", PAIRWISE)
def test_zappa_loads_the_settings_of_every_combination(cookies_session, values):
    result = cookies_session.bake(extra_context=values)
    assert result.exit_code == 0, result.exception
    project = Project(Path(result.project_path), result.context)
    stages = json.loads(project.run(str(project.bin / "python"), "-c", ZAPPA_LOADS).stdout.splitlines()[-1])
    context = project.context

    for stage, loaded in stages.items():
        assert loaded["handler"] == "lambda_function.lambda_handler"
        assert loaded["runtime"] == context["python_runtime"]
        assert loaded["region"] == context["aws_region"]
        assert loaded["django_settings"] == "config.settings.production"
        assert loaded["lambda_name"] == f"{context['project_slug'].replace('_', '-')}-{stage}"
        assert loaded["function_url"] is (context["api_gateway"] == "function_url")
        assert loaded["apigateway"] is (context["api_gateway"] != "function_url")
        # A VPC the stack makes reaches Zappa through scripts/deploy.py (the rehearsal checks it), not the file.
        assert bool(loaded["vpc"]) is (context["use_vpc"] and bool(context["vpc_subnet_ids"]))
        assert loaded["memory"] == int(context["memory_size"])
        assert loaded["timeout"] == int(context["timeout_seconds"])
        production = stage == "production"
        cold_start = context["cold_start"]
        assert loaded["keep_warm"] is (cold_start == "keep_warm" and production)
        assert loaded["snap_start"] == ("PublishedVersions" if cold_start == "snap_start" and production else "None")
        wanted = int(context["provisioned_concurrency"]) if cold_start == "provisioned_concurrency" else None
        assert loaded["provisioned"] == (wanted if production else None)
        # Zappa points API Gateway at an alias for both (SnapStart never applies to $LATEST).
        aliased = production and cold_start in ("snap_start", "provisioned_concurrency")
        assert (loaded["qualifier"] is not None) is aliased
        assert loaded["env"]["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
