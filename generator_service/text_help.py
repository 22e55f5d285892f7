"""The page for curl, HTTPie and wget: plain-text help with example downloads and every option."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from generator_service.archive import FORMATS
from generator_service.commands import as_text, curl_command
from generator_service.options import Option, OptionSet, load_options
from generator_service.values import resolve

TEXT_CLIENTS = ("curl/", "httpie/", "wget/")
INTRO = "cookiecutter-django-lambda generator: a Django API for AWS Lambda, ready to deploy with Zappa."


def wants_text(request: Request) -> bool:
    agent = request.headers.get("user-agent", "").lower()
    return agent.startswith(TEXT_CLIENTS) and "text/html" not in request.headers.get("accept", "")


def _in_a_vpc(option_set: OptionSet) -> dict[str, Any]:
    """Your own VPC, as the rules describe it: the ID lists with the example IDs of their rules, and
    the switch they depend on."""
    lists = [option for option in option_set.options.values() if option.type == "id_list"]
    switches = {name: value for option in lists for name, value in (option.depends_on or {}).items()}
    return {**switches, **{option.name: option.example() for option in lists}}


def _examples(option_set: OptionSet, base_url: str) -> list[str]:
    """Downloads in every format, by query string and by JSON, written as the page writes its commands;
    the values pass the rules first, so an example can't name an option or value that no longer exists."""
    first, last = next(iter(FORMATS)), next(reversed(FORMATS))
    named = resolve({"project_name": "My API", "aws_region": "eu-west-1"}, option_set)
    in_vpc = resolve(_in_a_vpc(option_set), option_set)
    without_database = resolve({"database": "none"}, option_set)
    return [
        curl_command(named, base_url, first),
        curl_command(in_vpc, base_url, last),
        curl_command(without_database, base_url, first, as_json=True),
    ]


def _row(option: Option) -> str:
    default = "(derived)" if option.derived else as_text(option.default)
    allowed = option.allowed()
    shown = ", ".join(as_text(value) for value in allowed) if isinstance(allowed, list) else allowed or "text"
    return f"{option.name:<24} {default[:33]:<34} {shown}"


def text_help(base_url: str) -> str:
    option_set = load_options()
    lines = [
        INTRO,
        "",
        "Download a project (options you leave out keep their defaults):",
        *(f"  {example}" for example in _examples(option_set, base_url)),
        "",
        f"Machine-readable options: {base_url}api/options   API docs: {base_url}docs",
        "",
        f"{'OPTION':<24} {'DEFAULT':<34} ALLOWED",
        *(_row(option) for option in option_set.options.values()),
    ]
    return "\n".join(lines) + "\n"
