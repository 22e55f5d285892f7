"""The JSON API: option metadata, previews and archives. Every route takes the options as a query
string, a form or a JSON object (POST)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse

from generator_service.archive import DEFAULT_FORMAT, FORMATS
from generator_service.commands import commands, option_query
from generator_service.diagram import architecture_svg
from generator_service.openapi import (
    ARCHIVE_RESPONSES,
    DIAGRAM_RESPONSES,
    FILE_RESPONSES,
    GENERATES,
    TOO_LARGE,
    option_parameters,
    options_body,
)
from generator_service.options import load_options
from generator_service.requests import resolved_options
from generator_service.service import Service

router = APIRouter(prefix="/api", tags=["api"])

ArchiveFormat = Annotated[Literal[tuple(FORMATS)], Query(description="Archive format.")]  # type: ignore[valid-type]
# Options in the query string (GET) or the body (POST): what the schema says about each.
IN_QUERY = {"openapi_extra": {"parameters": option_parameters()}}
IN_BODY = {"openapi_extra": {"requestBody": options_body()}}


@router.get("/options", summary="Every template option: type, default, choices, rules, help")
async def get_options() -> dict[str, Any]:
    return {"options": load_options().as_json()}


@router.get(
    "/generate",
    summary="The project as an archive with one top-level folder",
    response_class=Response,
    responses=ARCHIVE_RESPONSES,
    operation_id="generate_get",
    **IN_QUERY,
)
@router.post(
    "/generate",
    summary="The project as an archive (options as JSON or form)",
    response_class=Response,
    responses={**ARCHIVE_RESPONSES, **TOO_LARGE},
    operation_id="generate_post",
    **IN_BODY,
)
async def generate(request: Request, service: Service, format: ArchiveFormat = DEFAULT_FORMAT) -> Response:  # noqa: A002
    archive = await service.archive(await resolved_options(request, {"format"}), format)
    headers = {"ETag": archive.etag, "Content-Disposition": f'attachment; filename="{archive.filename}"'}
    if archive.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(archive.content, media_type=archive.media_type, headers=headers)


@router.get(
    "/preview",
    summary="The files these options produce, and how to get them",
    operation_id="preview_get",
    responses=GENERATES,
    **IN_QUERY,
)
@router.post(
    "/preview",
    summary="The files these options produce (options as JSON or form)",
    operation_id="preview_post",
    responses={**GENERATES, **TOO_LARGE},
    **IN_BODY,
)
async def preview(request: Request, service: Service) -> dict[str, Any]:
    resolved = await resolved_options(request)
    project = await service.project(resolved)
    return {
        "project_slug": project.slug,
        "options": resolved,
        "files": [
            {"path": file.path, "size": len(file.content), "executable": file.executable} for file in project.files
        ],
        "commands": commands(resolved, str(request.base_url), service.settings.template_url),
        "query": option_query(resolved),  # the share link's query: only what differs from the defaults
    }


# Response, not PlainTextResponse, as the route's class: FastAPI would list the JSON errors as text/plain.
@router.get(
    "/preview/file",
    response_class=Response,
    summary="One generated file's content",
    operation_id="preview_file_get",
    responses=FILE_RESPONSES,
    **IN_QUERY,
)
@router.post(
    "/preview/file",
    response_class=Response,
    summary="One generated file's content",
    operation_id="preview_file_post",
    responses={**FILE_RESPONSES, **TOO_LARGE},
    **IN_BODY,
)
async def preview_file(request: Request, service: Service, path: Annotated[str, Query(max_length=300)]) -> Response:
    project = await service.project(await resolved_options(request, {"path"}))
    file = project.file(path)
    if file is None:
        return PlainTextResponse(f"path: no file {path!r} in this project", status_code=404)
    return PlainTextResponse(file.content.decode("utf-8", errors="replace"))


@router.get(
    "/diagram.svg",
    summary="What these options deploy, as an SVG picture",
    response_class=Response,
    responses=DIAGRAM_RESPONSES,
    **IN_QUERY,
)
async def diagram(request: Request) -> Response:
    return Response(architecture_svg(await resolved_options(request)), media_type="image/svg+xml")
