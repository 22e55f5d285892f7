"""The JSON API through FastAPI's TestClient, with real cookiecutter runs in worker processes."""

from __future__ import annotations

import io
import json
import tarfile

import pytest
from helpers import zip_entries

import option_rules

PUBLIC_OPTIONS = [
    key for key in json.loads((option_rules.TEMPLATE_DIR / "cookiecutter.json").read_text()) if not key.startswith("_")
]


def test_options_metadata_lists_exactly_the_template_options(client):
    options = client.get("/api/options").json()["options"]

    assert [option["name"] for option in options] == PUBLIC_OPTIONS
    by_name = {option["name"]: option for option in options}
    assert by_name["aws_region"]["type"] == "choice"
    assert {"value": "eu-west-1", "label": "Europe (Ireland)"} in by_name["aws_region"]["choices"]
    assert by_name["use_vpc"] == by_name["use_vpc"] | {"type": "boolean", "default": False, "group": "network"}
    assert by_name["vpc_subnet_ids"]["depends_on"] == {"use_vpc": True}
    assert by_name["use_rds_proxy"]["depends_on"] == {"database": "postgresql"}
    assert by_name["project_slug"]["derived"].startswith("{{ cookiecutter.project_name")
    assert by_name["memory_size"]["minimum"] == 128 and by_name["memory_size"]["maximum"] == 10240
    assert all(option["help"] and option["label"] for option in options)


def test_generate_zip_has_one_top_folder_and_keeps_executables(client):
    response = client.get("/api/generate", params={"format": "zip", "project_name": "Orders API"})

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["content-disposition"] == 'attachment; filename="orders_api.zip"'
    entries = zip_entries(response.content)
    assert {name.split("/")[0] for name in entries} == {"orders_api"}
    mode = {name: (info.external_attr >> 16) & 0o777 for name, info in entries.items()}
    assert mode["orders_api/manage.py"] == 0o755
    assert mode["orders_api/scripts/build_package.py"] == 0o755
    assert mode["orders_api/README.md"] == 0o644


@pytest.mark.parametrize("archive_format", ["zip", "tar.gz"])
def test_archives_are_reproducible_with_a_strong_etag(client, archive_format):
    params = {"format": archive_format, "database": "none", "aws_region": "eu-west-3"}

    first = client.get("/api/generate", params=params)
    client.app.state.service.archives.cache.entries.clear()  # force a rebuild from a new generation
    client.app.state.service.projects.entries.clear()
    second = client.get("/api/generate", params=params)

    assert first.status_code == second.status_code == 200
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    assert not first.headers["etag"].startswith("W/")
    cached = client.get("/api/generate", params=params, headers={"If-None-Match": first.headers["etag"]})
    assert cached.status_code == 304


def test_tarball_keeps_modes_and_fixed_times(client):
    response = client.post("/api/generate?format=tar.gz", json={"project_name": "Tar Ball"})

    assert response.headers["content-disposition"] == 'attachment; filename="tar_ball.tar.gz"'
    with tarfile.open(fileobj=io.BytesIO(response.content), mode="r:gz") as archive:
        members = {member.name: member for member in archive.getmembers()}
    assert members["tar_ball/manage.py"].mode == 0o755
    assert members["tar_ball/config/urls.py"].mode == 0o644
    assert {member.mtime for member in members.values()} == {315532800}
    assert all(name.startswith("tar_ball/") for name in members)


def test_post_json_form_and_query_give_the_same_project(client):
    values = {
        "project_name": "Same",
        "use_vpc": "true",
        "vpc_subnet_ids": "subnet-0123abcd",
        "vpc_security_group_ids": "sg-0123abcd",
    }

    by_query = client.get("/api/generate", params=values)
    by_form = client.post("/api/generate", data=values)
    by_json = client.post("/api/generate", json={**values, "use_vpc": True})

    assert by_query.content == by_form.content == by_json.content


def test_preview_lists_files_and_commands(client):
    preview = client.get(
        "/api/preview", params={"project_name": "Peek", "ci_tool": "none", "cold_start": "none"}
    ).json()

    paths = {file["path"] for file in preview["files"]}
    assert "lambda_function.py" in paths and "zappa_settings.json" in paths
    assert not any(path.startswith(".github/") for path in paths)
    assert preview["commands"]["cookiecutter"] == (
        "cookiecutter https://github.com/example/cookiecutter-django-lambda --no-input"
        " project_name=Peek cold_start=none ci_tool=none"
    )
    assert preview["commands"]["cruft"] == (
        "pip install cruft 'typer<0.29'   # typer 0.29 breaks cruft update's question\n"
        "cruft create https://github.com/example/cookiecutter-django-lambda --no-input --extra-context"
        """ '{"project_name": "Peek", "cold_start": "none", "ci_tool": "none"}'"""
    )
    assert preview["commands"]["curl"].startswith("curl --fail-with-body -sSL -o peek.zip ")
    assert preview["commands"]["curl"].endswith(" || (cat peek.zip; false)")
    assert "format=zip&project_name=Peek&cold_start=none&ci_tool=none" in preview["commands"]["curl"]


def test_preview_file_content(client):
    response = client.get("/api/preview/file", params={"path": "zappa_settings.json", "aws_region": "sa-east-1"})

    assert response.status_code == 200
    assert json.loads(response.text)["production"]["aws_region"] == "sa-east-1"
    assert client.get("/api/preview/file", params={"path": "../../etc/passwd"}).status_code == 404


def test_diagram_follows_the_options(client):
    plain = client.get("/api/diagram.svg").text
    pooled = client.get(
        "/api/diagram.svg",
        params={
            "use_vpc": "true",
            "vpc_subnet_ids": "subnet-0123abcd",
            "vpc_security_group_ids": "sg-0123abcd",
            "use_rds_proxy": "true",
        },
    ).text
    url_only = client.get(
        "/api/diagram.svg", params={"api_gateway": "function_url", "database": "none", "storage": "none"}
    ).text

    assert plain.startswith("<svg") and "API Gateway" in plain and "RDS Proxy" not in plain and ">VPC<" not in plain
    assert "RDS Proxy" in pooled and ">VPC<" in pooled
    assert "Function URL" in url_only and "PostgreSQL" not in url_only and ">S3<" not in url_only
