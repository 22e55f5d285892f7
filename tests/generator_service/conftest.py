"""A real app with real worker processes, shared by the module's tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from generator_service.config import Settings
from generator_service.main import create_app


@pytest.fixture(scope="module")
def work_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("generator-jobs")


@pytest.fixture(scope="module")
def client(work_dir):
    app = create_app(
        Settings(work_dir=work_dir, workers=2, template_url="https://github.com/example/cookiecutter-django-lambda")
    )
    with TestClient(app) as test_client:
        yield test_client
