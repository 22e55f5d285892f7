"""A real app with real worker processes, shared by the module's tests."""

from __future__ import annotations

import io
import zipfile

import pytest
from fastapi.testclient import TestClient

from generator_service.config import Settings
from generator_service.main import create_app


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("generator-jobs")


@pytest.fixture(scope="module")
def client(work_dir):
    app = create_app(Settings(work_dir=work_dir, workers=2, template_source="gh:example/cookiecutter-django-lambda"))
    with TestClient(app) as test_client:
        yield test_client


def zip_entries(content: bytes) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {info.filename: info for info in archive.infolist()}


def zip_files(content: bytes) -> dict[str, tuple[bytes, bool]]:
    """{path below the top folder: (content, executable)}."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            info.filename.split("/", 1)[1]: (archive.read(info), bool((info.external_attr >> 16) & 0o111))
            for info in archive.infolist()
        }
