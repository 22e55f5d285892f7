"""The Lambda packages the benchmarks compare, each built the way its users would build it."""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from support.commands import run
from support.drivers import DRIVERS_DIR
from support.interpreters import required_runtime_python
from support.lambda_runtime import runtime_dir
from support.paths import CACHE_DIR, REPO_DIR
from support.postgres import database_url
from support.venvs import BUILD_PACKAGE, project_environment, project_venv

BENCH_DIR = CACHE_DIR / "bench"
RUNTIME = "python3.13"
# What each function gets outside its package, as the stage's secrets and Lambda's own variables (the
# log format scripts/deploy.py sets reaches the runtime as the last two).
SECRET_ENV = {
    "DJANGO_SECRET_KEY": "b" * 60,
    "DJANGO_ALLOWED_HOSTS": ".execute-api.us-east-1.amazonaws.com",
    "DJANGO_S3_BUCKET": "bench-assets",
    "DJANGO_TASKS_FUNCTION": "bench-production",  # scripts/deploy.py sets it where tasks run
    "AWS_REGION": "us-east-1",
    "AWS_LAMBDA_LOG_FORMAT": "JSON",
    "AWS_LAMBDA_LOG_LEVEL": "INFO",
}
DJANGO_FOR_BASELINE = "5.2.19"
# Everything that adds to init: a REST API, a VPC with the stack's database behind RDS Proxy, the admin.
LARGEST_FEATURES = {
    "api_gateway": "rest_api",
    "use_vpc": True,
    "vpc_subnet_ids": "subnet-0123456789abcdef0,subnet-89abcdef",
    "vpc_security_group_ids": "sg-0123456789abcdef0",
    "use_rds_proxy": True,
    "use_admin": True,
}
# The largest option set also on the other runtime and Django release, as issue reports measure it.
LARGEST = {**LARGEST_FEATURES, "project_name": "Largest", "python_runtime": "python3.12", "django_version": "6.1"}
POOLED = {**LARGEST_FEATURES, "project_name": "Pooled", "use_admin": False}
NO_DATABASE = {"project_name": "No Database", "database": "none", "storage": "none"}
# The default project without background tasks: what tasks add to the package and the cold start.
NO_TASKS = {"project_name": "No Tasks", "tasks": "none"}
# The default project with its API written with each framework instead of plain views: what the framework costs.
NINJA = {"project_name": "Ninja API", "api_framework": "ninja"}
DRF = {"project_name": "DRF API", "api_framework": "drf"}
FRAMEWORK_PACKAGES = ("ours: Django Ninja", "ours: Django REST framework")


@dataclass
class Package:
    name: str
    zip_path: Path
    handler: str
    code_dir: Path  # unzipped, with the zip's timestamps, as Lambda sees it
    python: str  # the interpreter of its runtime
    options: dict | None = None  # what it was baked with (None: not ours)
    stack_database: bool = False  # use_vpc: the login comes from the stack (support/drivers/bench_settings.py)

    @property
    def app_label(self) -> str:
        """Ours only: the project's package (its Django app), the name of the project's folder."""
        return self.zip_path.parent.parent.name

    @property
    def handler_module(self) -> str:
        """'lambda_function' for the handler 'lambda_function.lambda_handler'."""
        return self.handler.rsplit(".", 1)[0]

    def sizes(self) -> tuple[int, int]:
        with zipfile.ZipFile(self.zip_path) as archive:
            return self.zip_path.stat().st_size, sum(info.file_size for info in archive.infolist())


def unzip_like_lambda(zip_path: Path, target: Path) -> Path:
    """Unpack keeping each entry's time (Zappa writes 1980-01-01), then make it read-only."""
    if target.exists():
        for path in [target, *target.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
        shutil.rmtree(target)
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(target)
        for info in archive.infolist():
            timestamp = time.mktime((*info.date_time, 0, 0, -1))
            os.utime(target / info.filename, (timestamp, timestamp))
    for path in [target, *target.rglob("*")]:
        path.chmod(path.stat().st_mode & ~0o222)
    return target


def bake(values: dict, python: str) -> Path:
    from cookiecutter.main import cookiecutter

    output = BENCH_DIR / "projects"
    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "config.yaml"
        config.write_text(f'replay_dir: "{home}/replay"\ncookiecutters_dir: "{home}/cc"\n')
        project = cookiecutter(
            str(REPO_DIR),
            no_input=True,
            extra_context=values,
            output_dir=str(output),
            overwrite_if_exists=True,
            config_file=str(config),
        )
    return Path(project)


def reuse(zip_path: Path) -> bool:
    """BENCH_REUSE=1 keeps packages built by an earlier run (for working on the benchmarks themselves)."""
    return os.environ.get("BENCH_REUSE") == "1" and zip_path.exists()


def our_package(name: str, values: dict, default_python: str) -> Package:
    runtime = values.get("python_runtime", RUNTIME)
    python = default_python if runtime == RUNTIME else required_runtime_python(runtime, "benchmarks", "make bench")
    zip_path = BENCH_DIR / "projects" / (values.get("project_name", "My Lambda API").lower().replace(" ", "_"))
    zip_path = zip_path / ".zappa-build" / "production.zip"
    if not reuse(zip_path):
        project = bake(values, python)
        venv = project_venv(project, python)
        run(BUILD_PACKAGE, project, project_environment(venv))
    code_dir = unzip_like_lambda(zip_path, BENCH_DIR / "code" / name)
    return Package(
        name, zip_path, "lambda_function.lambda_handler", code_dir, python, values, bool(values.get("use_vpc"))
    )


BASELINE_HANDLER = '''"""The recipe most tutorials give, named so that zappa package doesn't overwrite it."""
import os

import django
from mangum import Mangum

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tutorial.settings")
django.setup()

from django.core.asgi import get_asgi_application  # noqa: E402

handler = Mangum(get_asgi_application(), lifespan="off")
'''


def baseline_package(python: str) -> Package:
    """`django-admin startproject` + a Mangum handler module, packaged by `zappa package` as set up by most guides."""
    project = BENCH_DIR / "baseline"
    zip_path = project / "baseline.zip"
    if not reuse(zip_path):
        shutil.rmtree(project, ignore_errors=True)
        project.mkdir(parents=True)
        venv = baseline_venv(project / "venv", python)
        write_tutorial_project(project, venv)
        run(
            [str(venv / "bin" / "zappa"), "package", "production", "--output", str(zip_path)],
            cwd=project,
            env={**os.environ, "VIRTUAL_ENV": str(venv)},
        )
    code_dir = unzip_like_lambda(zip_path, BENCH_DIR / "code" / "baseline")
    return Package("baseline", zip_path, "tutorial_handler.handler", code_dir, python)


def baseline_venv(venv: Path, python: str) -> Path:
    """A venv with the three requirements a tutorial installs: Django, Mangum and Zappa, pinned."""
    uv = [sys.executable, "-m", "uv"]
    run([*uv, "venv", "--quiet", "--seed", "--python", python, str(venv)])
    pins = [f"django=={DJANGO_FOR_BASELINE}", "mangum==0.22.0", "zappa==0.63.0"]
    run([*uv, "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), *pins])
    return venv


def write_tutorial_project(project: Path, venv: Path) -> None:
    """startproject's files, a /health/ view, production settings and zappa_settings.json, as a tutorial has them."""
    run([str(venv / "bin" / "django-admin"), "startproject", "tutorial", "."], cwd=project)
    (project / "tutorial_handler.py").write_text(BASELINE_HANDLER)
    urls = project / "tutorial" / "urls.py"
    urls.write_text(
        urls.read_text().replace(
            "urlpatterns = [",
            "from django.http import JsonResponse\n\nurlpatterns = [\n"
            "    path('health/', lambda request: JsonResponse({'status': 'ok'})),",
        )
    )
    settings = project / "tutorial" / "settings.py"
    settings.write_text(
        settings.read_text()
        .replace("DEBUG = True", "DEBUG = False")
        .replace("ALLOWED_HOSTS = []", "ALLOWED_HOSTS = ['*']")
    )
    zappa_settings = {
        "production": {
            "project_name": "tutorial",
            "runtime": RUNTIME,
            "aws_region": "us-east-1",
            "s3_bucket": "tutorial-zappa",
            "lambda_handler": "tutorial_handler.handler",
            # The one change from Zappa's defaults: fetch no wheels from PyPI (Django and Mangum are pure Python).
            "use_precompiled_packages": False,
        }
    }
    (project / "zappa_settings.json").write_text(json.dumps(zappa_settings, indent=2))


def build_packages(python: str) -> dict[str, Package]:
    """Every package the benchmarks compare, by the name their tables give it."""
    return {
        "baseline": baseline_package(python),
        "ours: no database": our_package("ours: no database", NO_DATABASE, python),
        "ours: default": our_package("ours: default", {}, python),
        "ours: no tasks": our_package("ours: no tasks", NO_TASKS, python),
        "ours: RDS Proxy settings": our_package("ours: RDS Proxy settings", POOLED, python),
        "ours: largest option set": our_package("ours: largest option set", LARGEST, python),
        "ours: Django Ninja": our_package("ours: Django Ninja", NINJA, python),
        "ours: Django REST framework": our_package("ours: Django REST framework", DRF, python),
    }


def stack_database_env(database: str, port: int) -> dict[str, str]:
    """What a use_vpc package's settings read to find the stack's database (scripts/deploy.py sets them from the
    stack's outputs), here the local one on ``port``; bench_settings.py logs in without the secret."""
    return {
        "DJANGO_DATABASE_HOST": "127.0.0.1",
        "DJANGO_DATABASE_PORT": str(port),
        "DJANGO_DATABASE_NAME": database,
        "DJANGO_DATABASE_SECRET_ARN": "arn:aws:secretsmanager:us-east-1:123456789012:secret:unread",
        "DJANGO_SETTINGS_MODULE": "bench_settings",
    }


def init_environment(package: Package, database: str, port: int = 5432) -> dict[str, str]:
    """The function's environment for a package whose init and /health/ use ``database``, with PYTHONPATH
    as Lambda's (the package, then the runtime's folder; bench_settings' folder for the stack's database)."""
    path = [package.code_dir, runtime_dir(package.python), *([DRIVERS_DIR] if package.stack_database else [])]
    environment = {**SECRET_ENV, "PYTHONPATH": ":".join(map(str, path))}
    if package.stack_database:
        return {**environment, **stack_database_env(database, port)}
    return {**environment, "DATABASE_URL": database_url(database)}
