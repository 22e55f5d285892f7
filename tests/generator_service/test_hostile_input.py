"""Hostile input through every channel of a real server: the form (POST), the JSON API, query
strings and the share link (the page). Every value is tried in every option.

After each batch: the canary a code-execution payload would create does not exist, the server
wrote nothing outside its job folder and started no process (audit hook), left no temp, replay or
job file behind, and still serves with the same workers (none crashed).
"""

from __future__ import annotations

import html
import io
import json
import re
import socket
import zipfile
from pathlib import Path
from urllib.parse import quote

import httpx2 as httpx
import pytest
from hostile_inputs import (
    FREE_TEXT_OPTIONS,
    HOSTILE_KEYS,
    UNUSED_BY_DEFAULT,
    WRONG_JSON_TYPES,
    Hostile,
    harmless_unused,
    hostile_values,
    project_texts,
)
from live_server import LiveServer, error_fields, live_server

from generator_service.options import load_options

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("hostile-input")]

OPTIONS = list(load_options().options)
CANARY_FOLDER = Path("/tmp/cookiecutter-django-lambda-canary")
CANARY = CANARY_FOLDER / "PWNED"
CORPUS = hostile_values(str(CANARY))
CHANNELS = ["query", "json", "form", "share-link"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with live_server(tmp_path_factory.mktemp("hostile-server"), workers=2) as running:
        yield running


@pytest.fixture
def watched(server: LiveServer):
    """Checks, after the test's requests, that the server kept everything in bounds."""
    CANARY_FOLDER.mkdir(exist_ok=True)
    workers, mark = server.workers(), server.audit_mark()
    yield server
    assert not CANARY.exists(), "a payload ran: the canary file exists"
    assert list(CANARY_FOLDER.iterdir()) == []
    assert server.writes_outside_jobs(mark) == []
    assert server.leftovers() == {"home": [], "tmp": [], "cwd": [], "jobs": []}
    assert server.process.poll() is None, server.output()
    assert server.workers() == workers, "a generation worker died"
    assert httpx.get(f"{server.url}/api/options").status_code == 200


def encoded(value: str) -> str:
    # surrogatepass: a lone surrogate goes out as its raw bytes, as a hostile client would send it
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def send(server: LiveServer, channel: str, pairs: list[tuple[str, object]]) -> httpx.Response:
    """One request carrying the (key, value) pairs, by the channel's means."""
    if channel == "json":
        body = "{" + ", ".join(f"{json.dumps(key)}: {json.dumps(value)}" for key, value in pairs) + "}"
        headers = {"content-type": "application/json"}
        return httpx.post(f"{server.url}/api/generate", content=body.encode("utf-8", "surrogatepass"), headers=headers)
    query = "&".join(f"{encoded(key)}={encoded(str(value))}" for key, value in pairs)
    if channel == "form":
        headers = {"content-type": "application/x-www-form-urlencoded"}
        return httpx.post(f"{server.url}/api/preview", content=query.encode(), headers=headers)
    path = "/api/generate" if channel == "query" else "/"
    return httpx.get(f"{server.url}{path}?{query}", headers={"user-agent": "Mozilla/5.0"})


def reported_errors(response: httpx.Response) -> dict[str, str]:
    """{field: message} from the JSON API's 422 or the page's inline errors and notice."""
    if response.headers["content-type"].startswith("text/html"):
        page = response.text
        inline = re.findall(r'id="error-([\w-]+)" role="status">([^<]+)</p>', page)
        dropped = re.findall(r"<li><code>(.*?)</code>(.*?)</li>", page)
        return {html.unescape(field): html.unescape(message) for field, message in [*inline, *dropped]}
    return error_fields(response)


def assert_rejected(response: httpx.Response, field: str) -> None:
    assert 400 <= response.status_code < 500, response.text[:500]
    errors = reported_errors(response)
    # The API names a key it can't print safely "(unreadable key)"; the page shows it, escaped.
    shown = field if re.fullmatch(r"[\w-]{1,40}", field) else "(unreadable key)"
    # A derived default (project_slug from project_name) names the option it was made from.
    named = shown in errors or field in errors or any(f"made from {field}" in text for text in errors.values())
    assert named, errors


def archive_files(content: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(content)) as project:
        return {name.split("/", 1)[1]: project.read(name).decode() for name in project.namelist()}


def what_was_made(channel: str, response: httpx.Response) -> object:
    """What the channel itself answered with, reduced to what a user gets: the zip's files (query, JSON
    API), the preview's options and file list (form), the page's text (share link)."""
    if channel in ("query", "json"):
        return archive_files(response.content)
    if channel == "form":
        preview = response.json()
        return {"options": preview["options"], "files": preview["files"]}
    return html.unescape(response.text)


@pytest.fixture(scope="module")
def default_answers(server) -> dict[str, object]:
    """Each channel's answer for the defaults, to compare what an ignored value made with."""
    return {channel: what_was_made(channel, send(server, channel, [])) for channel in CHANNELS}


def check_answer(server, channel: str, field: str, hostile: Hostile, response, defaults: dict) -> None:
    if 400 <= response.status_code < 500:
        assert_rejected(response, field)
        return
    assert response.status_code == 200, response.text[:500]
    made = what_was_made(channel, response)
    if field in UNUSED_BY_DEFAULT:  # ignored, if harmless: the very project the defaults give
        assert harmless_unused(field, hostile.value), f"{field} took {hostile.value!r}"
        if channel == "share-link":  # the form shows what was typed; its download is the default project
            link = html.unescape(re.search(r'id="download-zip" href="([^"]+)"', response.text).group(1))
            assert archive_files(httpx.get(f"{server.url}{link}").content) == defaults["query"], f"{field} was used"
        elif channel == "form":
            assert made["files"] == defaults[channel]["files"], f"{field} was used"
        else:
            assert made == defaults[channel], f"{field} was used"
        return
    # Only harmless free text may pass, and it must land in the project as the very same text.
    assert hostile.text and field in FREE_TEXT_OPTIONS, f"{channel}: {field}={hostile.value!r} was accepted"
    if channel == "form":
        assert made["options"][field] == hostile.value
    elif channel == "share-link":
        assert hostile.value in made
        assert "<script" not in response.text.split("<main", 1)[-1].lower()  # escaped, not markup
    else:
        assert any(hostile.value in text for text in project_texts(made))


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("hostile", CORPUS, ids=[hostile.id for hostile in CORPUS])
def test_hostile_value_in_every_option(watched, default_answers, channel, hostile):
    for field in OPTIONS:
        response = send(watched, channel, [(field, hostile.value)])
        check_answer(watched, channel, field, hostile, response, default_answers)


@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("key", HOSTILE_KEYS)
def test_private_unknown_and_malformed_keys(watched, channel, key):
    assert_rejected(send(watched, channel, [(key, "x")]), key)


@pytest.mark.parametrize("channel", CHANNELS)
def test_repeated_keys(watched, channel):
    for field in OPTIONS:
        response = send(watched, channel, [(field, "a"), (field, "b")])
        assert_rejected(response, field)
        assert "more than once" in reported_errors(response)[field]


@pytest.mark.parametrize("kind", WRONG_JSON_TYPES)
def test_wrong_json_types(watched, default_answers, kind):
    hostile = Hostile(kind, WRONG_JSON_TYPES[kind])
    for field in OPTIONS:
        check_answer(watched, "json", field, hostile, send(watched, "json", [(field, hostile.value)]), default_answers)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(b"x" * (2 * 2**20), id="2-MB-body"),
        pytest.param(b'{"project_name": "' + b"x" * 70_000 + b'"}', id="70-kB-JSON"),
        pytest.param(iter([b"{" + b" " * 60_000, b" " * 60_000 + b"}"]), id="chunked-without-length"),
    ],
)
def test_huge_bodies_are_refused(watched, body):
    response = httpx.post(f"{watched.url}/api/generate", content=body, headers={"content-type": "application/json"})

    assert response.status_code == 413
    assert "larger than" in response.json()["detail"]


def raw_request(server: LiveServer, request: bytes) -> bytes:
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        connection.sendall(request)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize(
    "target",
    [
        pytest.param(b"/api/generate?project_name=%ff%fe%00", id="invalid-utf8-and-nul"),
        pytest.param(b"/api/generate?project_name=%", id="broken-percent-escape"),
        pytest.param(b"/api/generate?project_name=" + b"x" * 100_000, id="100-kB-url"),
        pytest.param(b"/../../etc/passwd", id="traversal-in-path"),
        pytest.param(b"/static/../../generator_service/config.py", id="traversal-in-static"),
        pytest.param(b"/static/%2e%2e/%2e%2e/requirements.txt", id="encoded-traversal-in-static"),
    ],
)
def test_malformed_requests_get_a_4xx(watched, target):
    answer = raw_request(watched, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")

    status = int(answer.split(b" ", 2)[1])
    assert 400 <= status < 500, answer[:300]
    assert b"BaseSettings" not in answer and b"fastapi==" not in answer  # no file outside static/ served
