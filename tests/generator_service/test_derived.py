"""Facts with one home in the site, and what is derived from them: what each option allows (Option),
the archive formats (archive.FORMATS), the diagram's boxes (the option set's labels and rules)."""

from __future__ import annotations

import asyncio

import pytest

from generator_service import diagram
from generator_service.archive import DEFAULT_FORMAT, FORMATS, Archives, file_name
from generator_service.generation.project import Project, ProjectFile
from generator_service.lru import LRU
from generator_service.options import load_options
from generator_service.values import resolve

OPTIONS = load_options().options
BROWSER = {"user-agent": "Mozilla/5.0"}


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("database", ["postgresql", "none"]),
        ("use_vpc", [True, False]),
        ("memory_size", "128-10240"),
        ("author_email", "an address such as you@example.com"),
        ("vpc_subnet_ids", "comma-separated IDs such as subnet-0123456789abcdef0"),
    ],
)
def test_option_allowed_by_type(name, allowed):
    assert OPTIONS[name].allowed() == allowed


def test_option_json_names_the_rule_words_allowed():
    data = OPTIONS["author_email"].as_json()

    assert data["allowed"] == "an address such as you@example.com"
    assert "allowed_text" not in data
    assert "allowed" not in OPTIONS["database"].as_json()  # a choice says what it allows in choices


def test_every_option_schema_in_openapi_is_the_option_own(client):
    spec = client.get("/openapi.json").json()
    parameters = {item["name"]: item["schema"] for item in spec["paths"]["/api/preview"]["get"]["parameters"]}
    body = spec["paths"]["/api/preview"]["post"]["requestBody"]["content"]["application/json"]["schema"]

    for name, option in OPTIONS.items():
        assert parameters[name] == body["properties"][name] == option.json_schema()
    assert parameters["use_vpc"]["type"] == "boolean" and parameters["database"]["enum"] == ["postgresql", "none"]


def test_error_lists_what_the_option_allows(client):
    errors = client.get("/api/preview", params={"memory_size": "1", "use_vpc": "maybe"}).json()["errors"]

    assert {error["field"]: error["allowed"] for error in errors} == {
        "memory_size": OPTIONS["memory_size"].allowed(),
        "use_vpc": [True, False],
    }


def test_archive_formats_drive_the_query_the_schema_and_the_page(client):
    spec = client.get("/openapi.json").json()["paths"]["/api/generate"]["get"]
    (format_parameter,) = [item for item in spec["parameters"] if item["name"] == "format"]
    page = client.get("/", headers=BROWSER).text

    assert format_parameter["schema"]["enum"] == list(FORMATS)
    assert format_parameter["schema"]["default"] == DEFAULT_FORMAT == "zip"
    assert list(spec["responses"]["200"]["content"]) == [kind.media_type for kind in FORMATS.values()]
    for name in FORMATS:
        assert f'href="/api/generate?format={name}" download>Download .{name}</a>' in page


def test_archives_are_built_once_and_named_by_their_format():
    project = Project("demo", (ProjectFile("b.txt", False, b"b"), ProjectFile("a.sh", True, b"a")))
    generated = []

    async def make() -> Project:
        generated.append(project)
        return project

    async def scenario() -> list:
        archives = Archives(8)
        return [await archives.get("options", name, make) for name in [*FORMATS, *FORMATS]]

    built = asyncio.run(scenario())
    assert [archive.filename for archive in built] == [file_name("demo", name) for name in [*FORMATS, *FORMATS]]
    assert [archive.media_type for archive in built[: len(FORMATS)]] == [kind.media_type for kind in FORMATS.values()]
    assert len(generated) == len(FORMATS)  # the second round came from the cache
    assert built[0].content == FORMATS[DEFAULT_FORMAT].build("demo", reversed(project.files))  # sorted entries


def test_lru_forgets_the_entry_used_longest_ago():
    cache: LRU[str, int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1
    cache.put("c", 3)

    assert (cache.get("a"), cache.get("b"), cache.get("c")) == (1, None, 3)


def test_diagram_words_come_from_a_choice_label_where_it_has_no_short_ones(monkeypatch):
    monkeypatch.delitem(diagram.BOX_WORDS, ("database", "postgresql"))
    svg = diagram.architecture_svg(resolve({}))

    assert ">PostgreSQL<" in svg and ">Amazon RDS or Aurora<" in svg  # "PostgreSQL (Amazon RDS or Aurora)"
    assert diagram.label_words("None") == ("None", "")


def test_diagram_draws_the_proxy_only_where_its_rule_says_it_matters():
    values = resolve({"use_vpc": True, "use_rds_proxy": True})
    inactive = {**values, "database": "none"}  # use_rds_proxy depends on database=postgresql

    assert "RDS Proxy" in diagram.architecture_svg(values)
    assert "RDS Proxy" not in diagram.architecture_svg(inactive)
