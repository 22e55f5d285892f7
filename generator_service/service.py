"""What the routes share: reading options from a request, generating with a cache, archives."""

from __future__ import annotations

import asyncio
import hashlib
import json
import shlex
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import JSONResponse

from generator_service.archive import build_archive
from generator_service.config import Settings
from generator_service.generation import Project, ProjectCache, make_runner
from generator_service.options import (
    OptionErrors,
    Repeated,
    allowed_values,
    load_options,
    non_default,
    parse_input,
    resolve,
)


@dataclass(frozen=True)
class Archive:
    filename: str
    content: bytes
    etag: str


class GeneratorService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runner = make_runner(settings)
        self.projects = ProjectCache(settings.cache_entries)
        self.archives = ProjectCache(settings.cache_entries)

    async def project(self, resolved: dict[str, Any]) -> Project:
        key = json.dumps(resolved, sort_keys=True)
        project = self.projects.get(key)
        if project is None:
            project = await self.runner.generate(resolved)
            self.projects.put(key, project)
        return project

    async def archive(self, resolved: dict[str, Any], archive_format: str) -> Archive:
        key = json.dumps([resolved, archive_format], sort_keys=True)
        archive = self.archives.get(key)
        if archive is None:
            project = await self.project(resolved)
            # In a thread: compressing takes milliseconds, and zlib lets other requests run meanwhile.
            content = await asyncio.to_thread(build_archive, archive_format, project.slug, project.files)
            etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
            archive = Archive(f"{project.slug}.{archive_format}", content, etag)
            self.archives.put(key, archive)
        return archive

    async def close(self) -> None:
        await self.runner.close()


def get_service(request: Request) -> GeneratorService:
    return request.app.state.service


Service = Annotated[GeneratorService, Depends(get_service)]


async def raw_options(request: Request, reserved: set[str]) -> dict[str, Any]:
    """The option values of a request: the query string, a form or a JSON object.

    A repeated key becomes a list, which parse_input rejects. ``reserved`` are the route's own
    parameters (such as ``format``), not options.
    """
    items = list(request.query_params.multi_items())
    if request.method == "POST":
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json"):
            try:
                # As pairs: json.loads alone would keep the last of a repeated key without a word.
                body = json.loads(await request.body() or b"{}", object_pairs_hook=_Pairs)
            except (ValueError, UnicodeDecodeError) as error:
                raise OptionErrors({"body": "is not valid JSON"}) from error
            if not isinstance(body, _Pairs):
                raise OptionErrors({"body": "must be a JSON object of option names and values"})
            items += body
        elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            items += list((await request.form()).multi_items())
        elif await request.body():
            raise OptionErrors({"body": "send JSON (application/json) or a form"})
    values: dict[str, Any] = {}
    for key, value in items:
        if key in reserved:
            continue
        if key in values:
            earlier = values[key]
            values[key] = Repeated([*(earlier if isinstance(earlier, Repeated) else [earlier]), value])
        else:
            values[key] = value
    return values


class _Pairs(list):
    """A JSON object as its (key, value) pairs, in order."""


async def resolved_options(request: Request, reserved: set[str] = frozenset()) -> dict[str, Any]:
    return resolve(parse_input(await raw_options(request, set(reserved))))


def error_response(errors: dict[str, str], status_code: int = 422) -> JSONResponse:
    """422 with each bad field, what is wrong and, where it helps, what is allowed."""
    details = []
    for field, message in errors.items():
        entry: dict[str, Any] = {"field": field, "message": f"{field}: {message}"}
        allowed = allowed_values(field)
        if allowed is not None:
            entry["allowed"] = allowed
        details.append(entry)
    return JSONResponse({"detail": "invalid options", "errors": details}, status_code=status_code)


def option_query(resolved: dict[str, Any]) -> str:
    """The query string of the values that differ from the defaults: the share link's."""
    changed = non_default(resolved)
    return urlencode({name: _text(value) for name, value in changed.items()})


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def commands(resolved: dict[str, Any], base_url: str, template_source: str) -> dict[str, str]:
    """The cookiecutter and curl commands that produce the same project."""
    changed = non_default(resolved)
    pairs = " ".join(shlex.quote(f"{name}={_text(value)}") for name, value in changed.items())
    query = urlencode({"format": "zip", **{name: _text(value) for name, value in changed.items()}})
    slug = resolved["project_slug"]
    return {
        "cookiecutter": f"cookiecutter {template_source} --no-input {pairs}".rstrip(),
        "curl": f"curl -fL -o {slug}.zip {shlex.quote(base_url.rstrip('/') + '/api/generate?' + query)}",
    }


def options_metadata() -> list[dict[str, Any]]:
    return [option.as_json() for option in load_options().options.values()]
