"""An arm64 project's Lambda package, checked where this x86_64 machine can't run it.

The package is built the project's own way (scripts/build_package.py) from a bake whose dependencies
carry native code (psycopg's binary, PyYAML's and rpds-py's extensions through drf-spectacular). Every
shared library must be AArch64 by its ELF header and come from a wheel tagged for aarch64; none may be
x86_64. The deploy rehearsal runs an arm64 project with no native code (test_deploy_rehearsal.py).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from generated_project import Project
from helpers import reuse_lambda_requirements, share_lambda_requirements
from lambda_package import build_package

from support.machine_code import architecture_of

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("arm64-package")]  # one build for both tests

NATIVE = {"psycopg_binary", "yaml", "rpds"}  # top-level packages of the bake's wheels with native code


@pytest.fixture(scope="module")
def package(cookies_session) -> tuple[Project, Path]:
    values = {"project_name": "Graviton", "architecture": "arm64", "api_framework": "drf", "database": "postgresql"}
    result = cookies_session.bake(extra_context=values)
    assert result.exit_code == 0, result.exception
    project = Project(Path(result.project_path), result.context)
    reuse_lambda_requirements(project.path, project.context)
    build = build_package(project.path, project.context, {})
    share_lambda_requirements(project.path, project.context)
    return project, build.package


def test_every_native_library_is_aarch64(package):
    _, zip_path = package
    with zipfile.ZipFile(zip_path) as archive:
        found = {
            name: architecture
            for name in archive.namelist()
            if (architecture := architecture_of(archive.open(name).read(20)))
        }

    assert {name.split("/")[0] for name in found} >= NATIVE, sorted(found)
    assert set(found.values()) == {"arm64"}, {name: arch for name, arch in found.items() if arch != "arm64"}


def test_every_wheel_with_native_code_is_tagged_for_aarch64(package):
    _, zip_path = package
    with zipfile.ZipFile(zip_path) as archive:
        tags = {
            name.split("/")[0]: [
                line.split(": ", 1)[1] for line in archive.read(name).decode().splitlines() if line.startswith("Tag: ")
            ]
            for name in archive.namelist()
            if name.endswith(".dist-info/WHEEL")
        }
    platform_tags = {dist: {tag.split("-")[-1] for tag in found} for dist, found in tags.items()}
    native = {dist: platforms for dist, platforms in platform_tags.items() if platforms != {"any"}}

    assert len(native) >= len(NATIVE), platform_tags
    assert all(platform.endswith("_aarch64") for platforms in native.values() for platform in platforms), native
