"""The JSON API: option metadata, previews and archives. Every route takes the options as a query
string, a form or a JSON object (POST)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import PlainTextResponse

from generator_service.archive import FORMATS
from generator_service.diagram import architecture_svg
from generator_service.service import Service, commands, option_query, options_metadata, resolved_options

router = APIRouter(prefix="/api", tags=["api"])

ArchiveFormat = Annotated[Literal["zip", "tar.gz"], Query(description="Archive format.")]


@router.get("/options", summary="Every template option: type, default, choices, rules, help")
async def get_options() -> dict[str, Any]:
    return {"options": options_metadata()}


ARCHIVE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {media: {} for media in FORMATS.values()}, "description": "The archive"},
    304: {"description": "Unchanged (If-None-Match)"},
    422: {"description": "Invalid options: each field, what is wrong, what is allowed"},
    503: {"description": "Busy: retry after Retry-After seconds"},
}


@router.get(
    "/generate",
    summary="The project as an archive with one top-level folder",
    response_class=Response,
    responses=ARCHIVE_RESPONSES,
    operation_id="generate_get",
)
@router.post(
    "/generate",
    summary="The project as an archive (options as JSON or form)",
    response_class=Response,
    responses=ARCHIVE_RESPONSES,
    operation_id="generate_post",
)
async def generate(request: Request, service: Service, format: ArchiveFormat = "zip") -> Response:  # noqa: A002
    archive = await service.archive(await resolved_options(request, {"format"}), format)
    headers = {"ETag": archive.etag, "Content-Disposition": f'attachment; filename="{archive.filename}"'}
    if archive.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(archive.content, media_type=FORMATS[format], headers=headers)


@router.get("/preview", summary="The files these options produce, and how to get them", operation_id="preview_get")
@router.post(
    "/preview", summary="The files these options produce (options as JSON or form)", operation_id="preview_post"
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
        "commands": commands(resolved, str(request.base_url), service.settings.template_source),
        "query": option_query(resolved),  # the share link's query: only what differs from the defaults
    }


@router.get(
    "/preview/file",
    response_class=PlainTextResponse,
    summary="One generated file's content",
    operation_id="preview_file_get",
)
@router.post(
    "/preview/file",
    response_class=PlainTextResponse,
    summary="One generated file's content",
    operation_id="preview_file_post",
)
async def preview_file(request: Request, service: Service, path: Annotated[str, Query(max_length=300)]) -> Response:
    project = await service.project(await resolved_options(request, {"path"}))
    file = project.file(path)
    if file is None:
        return PlainTextResponse(f"path: no file {path!r} in this project", status_code=404)
    return PlainTextResponse(file.content.decode("utf-8", errors="replace"))


@router.get("/diagram.svg", summary="What these options deploy, as an SVG picture", response_class=Response)
async def diagram(request: Request) -> Response:
    return Response(architecture_svg(await resolved_options(request)), media_type="image/svg+xml")
