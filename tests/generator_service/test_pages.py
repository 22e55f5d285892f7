"""The HTML page without JavaScript, the share link, and plain-text help for command-line clients."""

from __future__ import annotations

BROWSER = {"user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0"}


def test_page_is_a_form_grouped_in_sections(client):
    page = client.get("/", headers=BROWSER)

    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for legend in ("Project", "AWS", "Network", "Data", "Delivery"):
        assert f"<legend>{legend}</legend>" in page.text
    assert '<label for="input-aws_region">AWS region</label>' in page.text
    assert 'aria-describedby="help-aws_region error-aws_region"' in page.text
    assert "lambda_function.py" in page.text  # the preview tree


def test_dependent_fields_are_hidden_until_their_option_is_on(client):
    off = client.get("/", headers=BROWSER).text
    on = client.get("/", params={"use_vpc": "true"}, headers=BROWSER).text

    assert 'data-field="vpc_subnet_ids"' in off
    assert off.split('data-field="vpc_subnet_ids"')[1].split(">")[0].strip().endswith("hidden")
    assert not on.split('data-field="vpc_subnet_ids"')[1].split(">")[0].strip().endswith("hidden")


def test_share_link_prefills_and_reports_dropped_values(client):
    page = client.get(
        "/", params={"project_name": "Shared API", "aws_region": "mars-1", "memory_size": "2048"}, headers=BROWSER
    ).text

    assert 'value="Shared API"' in page
    assert 'value="2048"' in page
    assert "Some values in the link could not be used" in page
    assert "<code>aws_region</code> = “mars-1”: must be one of" in page
    assert 'id="share-link" href="/?project_name=Shared+API&amp;memory_size=2048"' in page


def test_file_content_is_shown_without_javascript(client):
    page = client.get("/", params={"file": "config/settings/production.py"}, headers=BROWSER).text

    assert "SECURITY WARNING: keep the secret key used in production secret!" in page


def test_command_line_clients_get_plain_text_help(client):
    for agent in ("curl/8.5.0", "HTTPie/3.2.2"):
        response = client.get("/", headers={"user-agent": agent})
        assert response.headers["content-type"].startswith("text/plain")
        assert "aws_region" in response.text and "api/generate?format=zip" in response.text


def test_openapi_docs(client):
    assert client.get("/docs").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/api/options", "/api/generate", "/api/preview"} <= set(paths)


def test_help_examples_pass_the_rules_and_name_the_project_they_make(client):
    text = client.get("/", headers={"user-agent": "curl/8.5.0"}).text

    download = "curl --fail-with-body -sSL -o"
    assert f"{download} my_api.zip 'http://testserver/api/generate?format=zip&project_name=My+API" in text
    # The VPC example: the ID lists, the switch they depend on and the example IDs of their rules.
    assert (
        f"{download} my_lambda_api.tar.gz 'http://testserver/api/generate?format=tar.gz&use_vpc=true"
        "&vpc_subnet_ids=subnet-0123456789abcdef0&vpc_security_group_ids=sg-0123456789abcdef0'"
        " || (cat my_lambda_api.tar.gz; false)"
    ) in text
    assert "-d '{\"database\": \"none\"}' 'http://testserver/api/generate'" in text
