"""Bake every row of the pairwise covering array and every region, and check what a user would look at first."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from combinations import PAIRWISE, PAIRWISE_VALUES, REGIONAL, regions
from documented_commands import readme_commands, shell_commands

from option_rules import validate
from option_rules.dependencies import UV_VERSION
from support.venvs import tool_venv

UNRENDERED = re.compile(r"(?<!\$)\{\{|\{%|\{#|cookiecutter\.")


class CloudFormationLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms (!Ref, !Sub, ...) read as plain values."""


CloudFormationLoader.add_multi_constructor(
    "!",
    lambda loader, suffix, node: (
        loader.construct_scalar(node) if isinstance(node, yaml.ScalarNode) else loader.construct_sequence(node)
    ),
)


@pytest.fixture(scope="module", params=PAIRWISE)
def baked(request, cookies_session) -> tuple[dict, Path]:
    result = cookies_session.bake(extra_context=request.param)
    assert result.exit_code == 0, result.exception
    return result.context, Path(result.project_path)


def project_files(project: Path) -> list[Path]:
    return sorted(path for path in project.rglob("*") if path.is_file())


def test_nothing_is_left_unrendered(baked):
    _, project = baked
    for path in project_files(project):
        text = path.read_text(encoding="utf-8")
        for number, line in enumerate(text.splitlines(), 1):
            assert not UNRENDERED.search(line), f"{path.relative_to(project)}:{number}: {line}"
    assert not any(UNRENDERED.search(str(path)) for path in project.rglob("*"))


def test_config_files_parse(baked):
    _, project = baked

    def cloudformation(text: str) -> dict:
        return yaml.load(text, Loader=CloudFormationLoader)  # noqa: S506 (a safe loader with the tags added)

    parsers = {".json": json.loads, ".toml": tomllib.loads, ".yml": yaml.safe_load, ".yaml": cloudformation}
    parsed = 0
    for path in project_files(project):
        if path.suffix in parsers:
            parsers[path.suffix](path.read_text(encoding="utf-8"))
            parsed += 1
    assert parsed >= 4  # zappa_settings, deploy/stack.yaml, pyproject, pre-commit (+ workflow)


def test_ruff_finds_nothing(baked):
    _, project = baked
    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "--diff", "."]):
        result = subprocess.run([sys.executable, "-m", "ruff", *command], cwd=project, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr


def test_handler_module_is_not_named_handler_py(baked):
    _, project = baked
    assert not (project / "handler.py").exists()  # zappa package would overwrite it
    settings = json.loads((project / "zappa_settings.json").read_text())
    assert settings["production"]["lambda_handler"] == "lambda_function.lambda_handler"
    assert (project / "lambda_function.py").is_file()


def test_executables_keep_their_mode(baked):
    _, project = baked
    for name in ("manage.py", "scripts/build_package.py", "scripts/deploy.py"):
        assert (project / name).stat().st_mode & 0o111, name


def test_zappa_settings_follow_the_options(baked):
    context, project = baked
    settings = json.loads((project / "zappa_settings.json").read_text())
    production, dev = settings["production"], settings["dev"]

    assert dev["extends"] == "production"
    assert production["aws_region"] == context["aws_region"]
    assert production["runtime"] == context["python_runtime"]
    assert production["s3_bucket"] == context["deployment_bucket"]
    assert production["django_settings"] == "config.settings.production"
    assert production["memory_size"] == int(context["memory_size"])
    assert production["timeout_seconds"] == int(context["timeout_seconds"])
    cold_start = context["cold_start"]
    assert production["keep_warm"] is (cold_start == "keep_warm")
    assert production.get("snap_start") == ("PublishedVersions" if cold_start == "snap_start" else None)
    assert production.get("provisioned_concurrency") == (
        int(context["provisioned_concurrency"]) if cold_start == "provisioned_concurrency" else None
    )
    assert production["ephemeral_storage"] == {"Size": int(context["ephemeral_storage"])}
    # The dev stage never pays for warm instances.
    assert dev["keep_warm"] is False
    assert dev.get("snap_start", "None") == "None" and not dev.get("provisioned_concurrency")
    assert production["use_precompiled_packages"] is False  # the build must not download wheels
    assert production["xray_tracing"] is context["xray_tracing"]

    gateway = context["api_gateway"]
    assert production.get("function_url_enabled", False) is (gateway == "function_url")
    assert production["apigateway_enabled"] is (gateway != "function_url")
    if gateway != "function_url":
        assert production["apigateway_version"] == {"http_api": "v2", "rest_api": "v1"}[gateway]
    # The stack in deploy/stack.yaml makes each stage's role; Zappa must not make its own, broader one.
    assert production["manage_roles"] is False
    slug = context["project_slug"].replace("_", "-")
    assert (production["role_name"], dev["role_name"]) == (f"{slug}-production-role", f"{slug}-dev-role")

    if context["use_vpc"] and context["vpc_subnet_ids"]:  # combinations.SUBNETS and SECURITY_GROUPS, spaces and all
        assert production["vpc_config"] == {
            "SubnetIds": ["subnet-0123456789abcdef0", "subnet-89abcdef"],
            "SecurityGroupIds": ["sg-0123456789abcdef0"],
        }
    else:  # no VPC, or the stack's: scripts/deploy.py adds its subnets and group from the stack's outputs
        assert "vpc_config" not in production


def test_no_secret_or_key_in_committed_settings(baked):
    _, project = baked
    settings = (project / "zappa_settings.json").read_text()
    for word in ("SECRET_KEY", "PASSWORD", "DATABASE_URL", "AWS_ACCESS_KEY", "AWS_SECRET"):
        assert word not in settings
    production = (project / "config" / "settings" / "production.py").read_text()
    assert "ACCESS_KEY" not in production
    assert "DEFAULT_FILE_STORAGE" not in production and "STATICFILES_STORAGE" not in production


def test_files_follow_the_options(baked):
    context, project = baked
    app = project / context["project_slug"]
    expected = {
        ".github/workflows/ci.yml": context["ci_tool"] == "github_actions",
        ".gitlab-ci.yml": context["ci_tool"] == "gitlab_ci",
        "deploy/ci-access.yaml": context["ci_tool"] != "none",
        "scripts/ci_access.py": context["ci_tool"] != "none",
        f"{context['project_slug']}/models.py": context["database"] == "postgresql",
        f"{context['project_slug']}/migrations/0001_initial.py": context["database"] == "postgresql",
        f"{context['project_slug']}/admin.py": context["use_admin"],
        "config/settings/collectstatic.py": context["storage"] == "s3",
        "config/lambda_tasks.py": tasks_on(context),
        f"{context['project_slug']}/tasks.py": tasks_on(context),
        f"{context['project_slug']}/events.py": tasks_on(context),
        "tests/test_tasks.py": tasks_on(context),
    }
    for name, present in expected.items():
        assert (project / name).exists() is present, name

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    requirements = " ".join(pyproject["project"]["dependencies"])
    assert ("psycopg" in requirements) is (context["database"] == "postgresql")
    assert ("django-storages" in requirements) is (context["storage"] == "s3")
    assert f"Django=={context['django_version']}." in requirements
    # Django 6 has the Tasks API; 5.2 gets it from the backport.
    assert ("django-tasks==" in requirements) is (tasks_on(context) and context["django_version"] == "5.2")
    assert not any(name in requirements for name in ("pytest", "ruff", "zappa")), "tools stay out of the package"
    assert pyproject["project"]["requires-python"] == f"=={context['python_runtime'].removeprefix('python')}.*"
    assert ('"django.contrib.admin"' in (project / "config/settings/base.py").read_text()) is context["use_admin"]
    assert app.is_dir()


def tasks_on(context: dict) -> bool:
    """Background tasks: asked for, or `auto` where they cost nothing at rest (outside a VPC)."""
    return context["tasks"] == "lambda" or (context["tasks"] == "auto" and not context["use_vpc"])


def stack_resources(project: Path) -> dict[str, dict]:
    template = yaml.load((project / "deploy" / "stack.yaml").read_text(), Loader=CloudFormationLoader)  # noqa: S506
    return template["Resources"]


def test_the_stack_keeps_failed_events_and_alarms_on_them(baked):
    """The dead-letter queue, an alarm on each signal the README's "Operating it" names, their topic."""
    context, project = baked
    resources = stack_resources(project)
    kinds = {name: resource["Type"] for name, resource in resources.items()}
    assert kinds["DeadLetterQueue"] == "AWS::SQS::Queue"
    assert kinds["AlarmTopic"] == "AWS::SNS::Topic"
    alarms = {
        resource["Properties"]["MetricName"]: resource["Properties"]
        for resource in resources.values()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }
    assert set(alarms) == {"Errors", "Throttles", "Duration", "ApproximateNumberOfMessagesVisible"}
    assert all(alarm["AlarmActions"] == ["AlarmTopic"] for alarm in alarms.values())
    # A subscription whatever the address: a parameter's default decides, so changing it is one edit.
    assert kinds["AlarmEmailSubscription"] == "AWS::SNS::Subscription"
    parameters = yaml.load((project / "deploy" / "stack.yaml").read_text(), Loader=CloudFormationLoader)["Parameters"]  # noqa: S506
    assert parameters["AlarmEmail"]["Default"] == context["alarm_email"]


def test_the_stack_schedules_and_permits_what_the_options_ask(baked):
    context, project = baked
    resources = stack_resources(project)
    statements = {
        statement["Sid"]: statement
        for policy in resources["ExecutionRole"]["Properties"]["Policies"]
        for statement in policy["PolicyDocument"]["Statement"]
    }
    assert ("EnqueueTasks" in statements) is tasks_on(context)
    assert ("WriteTraces" in statements) is context["xray_tracing"]
    assert statements["KeepFailedEvents"]["Action"] == "sqs:SendMessage"
    schedules = [resource for resource in resources.values() if resource["Type"] == "AWS::Scheduler::Schedule"]
    expected = [{"manage": "clearsessions", "schedule": "clearsessions"}] if context["use_admin"] else []
    assert [json.loads(schedule["Properties"]["Target"]["Input"]) for schedule in schedules] == expected
    # In a VPC, enqueue() reaches Lambda's API only through an interface endpoint.
    assert ("LambdaEndpoint" in resources) is (tasks_on(context) and context["use_vpc"])


def test_production_database_settings_follow_the_pooler_choice(baked):
    context, project = baked
    production = (project / "config" / "settings" / "production.py").read_text()
    if context["database"] != "postgresql":
        assert "DATABASES" not in production
    elif context["use_rds_proxy"]:
        assert 'DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True' in production
        assert 'DATABASES["default"]["CONN_HEALTH_CHECKS"] = True' in production
        assert 'DATABASES["default"]["CONN_MAX_AGE"] = 600' in production
    else:
        assert 'DATABASES["default"]["CONN_MAX_AGE"] = 0' in production


def test_workflow_uses_the_runtime_and_oidc(baked):
    context, project = baked
    workflow_path = project / ".github" / "workflows" / "ci.yml"
    if context["ci_tool"] != "github_actions":
        assert not workflow_path.exists()
        return
    workflow = yaml.safe_load(workflow_path.read_text())
    assert (project / ".python-version").read_text().strip() == context["python_runtime"].removeprefix("python")
    for job in workflow["jobs"].values():  # the runtime's Python, the lock's uv, and the lock as it is
        uses = {step["uses"].split("@")[0]: step.get("with", {}) for step in job["steps"] if "uses" in step}
        assert uses["actions/setup-python"] == {"python-version-file": ".python-version"}
        assert uses["astral-sh/setup-uv"]["version"] == UV_VERSION and uses["astral-sh/setup-uv"]["enable-cache"]
        assert "uv sync --locked" in [step.get("run") for step in job["steps"]]
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"]["id-token"] == "write"
    text = workflow_path.read_text()
    assert "aws-access-key-id" not in text and "AWS_SECRET_ACCESS_KEY" not in text
    # The deploy job runs the README's deploy command (the deploy rehearsal runs both).
    assert [step["run"] for step in deploy["steps"] if "run" in step][-1] == "uv run scripts/deploy.py production"


def schema_findings(path: Path, schema: str) -> str:
    """What check-jsonschema finds wrong in a file against one of its built-in schemas; "" when it passes."""
    checker = Path(sys.executable).with_name("check-jsonschema")
    result = subprocess.run([str(checker), "--builtin-schema", schema, str(path)], capture_output=True, text=True)
    return "" if result.returncode == 0 else result.stdout + result.stderr


def test_workflow_matches_the_github_schema(baked):
    _, project = baked
    workflow = project / ".github" / "workflows" / "ci.yml"
    if workflow.exists():  # ci_tool=none has none (checked above)
        assert schema_findings(workflow, "vendor.github-workflows") == ""


def test_gitlab_pipeline_uses_the_runtime_and_oidc(baked):
    """What GitHub's workflow does, in GitLab's terms: ruff, the tests (on PostgreSQL with a database), and
    only on a push to main the README's deploy command, as the role the job's ID token assumes."""
    context, project = baked
    path = project / ".gitlab-ci.yml"
    if context["ci_tool"] != "gitlab_ci":
        assert not path.exists()
        return
    pipeline = yaml.safe_load(path.read_text())
    version = context["python_runtime"].removeprefix("python")
    assert pipeline["default"]["image"] == f"ghcr.io/astral-sh/uv:{UV_VERSION}-python{version}-bookworm-slim"
    assert pipeline["default"]["before_script"] == ["uv sync --locked"]
    assert pipeline["default"]["cache"]["key"]["files"] == ["uv.lock"]
    assert pipeline["default"]["cache"]["paths"] == [pipeline["variables"]["UV_CACHE_DIR"]]
    assert pipeline["variables"]["AWS_DEFAULT_REGION"] == context["aws_region"]
    assert pipeline["stages"] == ["lint", "test", "deploy"]
    lint, test, deploy = pipeline["lint"], pipeline["test"], pipeline["deploy"]
    assert lint["script"] == ["uv run ruff check .", "uv run ruff format --check ."]
    assert test["script"][-1] == "uv run pytest"
    if context["database"] == "postgresql":
        [service] = test["services"]
        assert service["name"].startswith("postgres:")
        variables = test["variables"]
        user = variables.get("POSTGRES_USER", "postgres")  # the postgres image's default superuser
        database = (
            f"postgres://{user}:{variables['POSTGRES_PASSWORD']}@{service['alias']}:5432/{variables['POSTGRES_DB']}"
        )
        assert variables["DATABASE_URL"] == database
    else:
        assert "services" not in test and "DATABASE_URL" not in test.get("variables", {})
    # Deploys only from a push to main (the role trusts no other ref), one at a time, in production.
    assert deploy["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "push" && $CI_COMMIT_BRANCH == "main"'}]
    assert (deploy["environment"], deploy["resource_group"]) == ("production", "production")
    [(token, request)] = deploy["id_tokens"].items()
    assert request == {"aud": "sts.amazonaws.com"}
    script = "\n".join(deploy["script"])
    assert f'"${token}" > "$AWS_WEB_IDENTITY_TOKEN_FILE"' in script and "AWS_ROLE_ARN=" in script
    assert "AWS_ACCESS_KEY_ID" not in path.read_text() and "AWS_SECRET_ACCESS_KEY" not in path.read_text()
    # The README's deploy command, last (the deploy rehearsal runs the job's script).
    assert deploy["script"][-1] == "uv run scripts/deploy.py production"


def test_gitlab_pipeline_matches_the_gitlab_schema(baked):
    _, project = baked
    pipeline = project / ".gitlab-ci.yml"
    if pipeline.exists():  # only with gitlab_ci (checked above)
        assert schema_findings(pipeline, "vendor.gitlab-ci") == ""


def test_renovate_keeps_the_lock_current_and_the_runtime_fixed(baked):
    """Renovate refreshes uv.lock weekly and never moves Python past the Lambda runtime; its own schema passes."""
    _, project = baked
    config = json.loads((project / "renovate.json").read_text())
    assert config["lockFileMaintenance"]["enabled"] is True
    assert {"matchDepNames": ["python"], "enabled": False}.items() <= config["packageRules"][0].items()
    assert schema_findings(project / "renovate.json", "vendor.renovate") == ""


@pytest.mark.slow
def test_stack_templates_pass_cfn_lint_in_every_region(baked):
    """No error, warning or note in deploy/*.yaml, in every region the options could have been baked for:
    cfn-lint knows which resource types, instance classes and engine versions each region offers."""
    values, project = baked
    usable = [region for region in regions() if not validate({**values, "aws_region": region})]
    templates = sorted((project / "deploy").glob("*.yaml"))
    expected = ["deployment-bucket.yaml", "stack.yaml"]
    if values["ci_tool"] != "none":
        expected.insert(0, "ci-access.yaml")
    assert [template.name for template in templates] == expected
    cfn_lint = Path(sys.executable).with_name("cfn-lint")
    result = subprocess.run([cfn_lint, "--regions", *usable, "--", *templates], capture_output=True, text=True)

    assert result.returncode == 0, result.stdout + result.stderr


def test_every_readme_command_is_in_a_section_the_tests_run(baked):
    """test_readme_as_written.py runs "Local development" and its subsections; test_deploy_rehearsal.py
    runs "Deploy" (teardown included), "The pipeline" and "Operating it"; template_updates.py "Updating
    from the template". A command anywhere else would run nowhere."""
    values, project = baked
    sections = ["## Local development", "## Deploy"]
    if values["ci_tool"] != "none":
        sections.append("## The pipeline")
    sections += ["## Operating it", "## Updating from the template"]
    covered = [command for heading in sections for command in readme_commands(project, heading)]
    assert shell_commands((project / "README.md").read_text(encoding="utf-8")) == covered


# In a venv of its own: checkov 3.3.30 pins packaging<24, which pytest 9 can't use.
CHECKOV = "checkov==3.3.30"


@pytest.mark.slow
def test_checkov_findings_are_each_explained_in_the_templates(cookies_session, tmp_path):
    """checkov's CloudFormation checks on deploy/*.yaml of every pairwise bake: nothing fails, and each
    check the templates skip says why (Metadata: checkov: skip: comment). It runs offline: its
    download of Prisma Cloud's guidelines is turned off."""
    for index, values in enumerate(PAIRWISE_VALUES):
        result = cookies_session.bake(extra_context=values)
        assert result.exit_code == 0, result.exception
        shutil.copytree(Path(result.project_path) / "deploy", tmp_path / f"bake-{index:02d}")
    checkov = tool_venv(CHECKOV) / "bin" / "checkov"
    command = [checkov, "-d", tmp_path, "--framework", "cloudformation", "--skip-download", "--output", "json"]
    result = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"})
    reports = json.loads(result.stdout)
    results = [report["results"] for report in (reports if isinstance(reports, list) else [reports])]
    failed = [f"{c['check_id']} {c['resource']} in {c['file_path']}" for r in results for c in r["failed_checks"]]
    assert failed == [], "\n".join(failed)
    skipped = [check for r in results for check in r["skipped_checks"]]
    assert skipped and all(len(check["check_result"]["suppress_comment"]) > 20 for check in skipped), skipped


@pytest.mark.parametrize("values", REGIONAL)
def test_every_region_bakes_into_its_own_endpoints(cookies_session, values):
    region = values["aws_region"]
    result = cookies_session.bake(extra_context=values)
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    production = json.loads((project / "zappa_settings.json").read_text())["production"]

    assert production["aws_region"] == region
    assert production["aws_environment_variables"]["DJANGO_ALLOWED_HOSTS"] == f".execute-api.{region}.amazonaws.com"
    assert yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())["env"]["AWS_REGION"] == region
    assert f"({values.get('python_runtime', 'python3.13')}, {region})" in (project / "README.md").read_text()
