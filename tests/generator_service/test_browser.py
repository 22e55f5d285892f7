"""The page in a real browser (Debian's Chromium, driven by Playwright) against a real server."""

from __future__ import annotations

import io
import json
import os
import shutil
import zipfile
from pathlib import Path

import pytest
from helpers import REPO_DIR
from live_server import live_server

SCREENSHOTS = REPO_DIR / "build" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module", autouse=True)
def chromium_installed():
    if not os.path.exists(CHROMIUM):
        pytest.fail("Chromium is not installed: make test installs Debian's chromium when run as root, or apt-get it")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """uvicorn serving the site on 127.0.0.1, as `make serve` does."""
    with live_server(tmp_path_factory.mktemp("browser-server")) as running:
        yield running.url


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(viewport={"width": 1280, "height": 1600}, accept_downloads=True)
        page = context.new_page()
        page.goto(server)
        yield page
        browser.close()


def test_fill_toggle_see_error_preview_and_download(page, tmp_path):
    from playwright.sync_api import expect

    page.fill("#input-project_name", "Browser API")
    subnets = page.locator('[data-field="vpc_subnet_ids"]')
    expect(subnets).to_be_hidden()

    page.get_by_role("group", name="Run the function inside a VPC?").get_by_label("Yes").check()
    expect(subnets).to_be_visible()

    page.fill("#input-vpc_subnet_ids", "subnet-xyz")
    expect(page.locator("#error-vpc_subnet_ids")).to_contain_text("subnet-xyz is not valid")
    expect(page.locator("#input-vpc_subnet_ids")).to_have_attribute("aria-invalid", "")

    page.fill("#input-vpc_subnet_ids", "subnet-0123abcd, subnet-4567abcd")
    page.fill("#input-vpc_security_group_ids", "sg-0123abcd")
    page.keyboard.press("Enter")  # keyboard submit
    expect(page.locator("#error-vpc_subnet_ids")).to_have_text("")
    expect(page.locator("#project-name")).to_have_text("browser_api/")
    expect(page.locator("#diagram")).to_contain_text("VPC")
    assert "use_vpc=true" in page.url  # the address is the share link
    expect(page.locator("#command-cruft")).to_contain_text('"project_name": "Browser API", "use_vpc": true')

    page.locator('#file-tree a[data-path="zappa_settings.json"]').click()
    expect(page.locator("#file-view-content")).to_contain_text('"SubnetIds": ["subnet-0123abcd", "subnet-4567abcd"]')

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "generator.png", full_page=True)

    with page.expect_download() as download_info:
        page.click("#download-zip")
    download = download_info.value
    assert download.suggested_filename == "browser_api.zip"
    content = Path(download.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        settings = json.loads(archive.read("browser_api/zappa_settings.json"))
        manage_mode = (archive.getinfo("browser_api/manage.py").external_attr >> 16) & 0o777
    assert "browser_api/lambda_function.py" in names and "browser_api/.cruft.json" in names  # for cruft update
    assert settings["production"]["vpc_config"]["SecurityGroupIds"] == ["sg-0123abcd"]
    assert manage_mode == 0o755


def test_share_link_opens_prefilled(page, server):
    page.goto(f"{server}/?project_name=Shared+One&api_gateway=function_url&database=none&aws_region=nowhere")

    assert page.input_value("#input-project_name") == "Shared One"
    assert page.input_value("#input-api_gateway") == "function_url"
    assert "aws_region" in page.locator("#dropped-notice").inner_text()
    assert "Function URL" in page.locator("#diagram").inner_text()
