"""How the API's options and errors appear in its OpenAPI schema (/openapi.json, /docs).

The routes read options from the request themselves (query, form or JSON), so FastAPI can't see
them: their parameters and request bodies are described here from the same option set the site
validates with, and every error answer gets a model, so clients and schema-driven testers
(schemathesis runs in CI) know every status code and body the API may send.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from generator_service.archive import FORMATS
from generator_service.options import load_options


class FieldError(BaseModel):
    field: str
    message: str
    allowed: list[str | bool] | str | None = None  # the choices, true/false, or a range such as 128-10240


class InvalidOptions(BaseModel):
    detail: str
    errors: list[FieldError]


class Failure(BaseModel):
    detail: str


def option_parameters() -> list[dict[str, Any]]:
    """Each option as an optional query parameter."""
    return [
        {"name": name, "in": "query", "required": False, "schema": option.json_schema()}
        for name, option in load_options().options.items()
    ]


def options_body() -> dict[str, Any]:
    """The options as a JSON object or a form; any option left out keeps its default."""
    schema = {
        "type": "object",
        "properties": {name: option.json_schema() for name, option in load_options().options.items()},
        "additionalProperties": False,
    }
    media = {"schema": schema}
    return {
        "required": False,
        "content": {"application/json": media, "application/x-www-form-urlencoded": media},
    }


INVALID = {422: {"model": InvalidOptions, "description": "Invalid options: each field, what is wrong, what is allowed"}}
TOO_LARGE = {413: {"model": Failure, "description": "The request body is larger than the limit"}}
GENERATION_FAILED = {
    503: {"model": Failure, "description": "Busy or failed on the server's side: retry after Retry-After seconds"},
    504: {"model": Failure, "description": "The generation took longer than the time limit"},
}

GENERATES = {**INVALID, **GENERATION_FAILED}
ARCHIVE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {kind.media_type: {} for kind in FORMATS.values()}, "description": "The archive"},
    304: {"description": "Unchanged (If-None-Match)"},
    **GENERATES,
}
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "The file's text", "content": {"text/plain": {"schema": {"type": "string"}}}},
    404: {"description": "No file of that path in the project", "content": {"text/plain": {}}},
    **GENERATES,
}
DIAGRAM_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"image/svg+xml": {}}, "description": "The diagram"},
    **INVALID,
}
