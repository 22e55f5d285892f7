"""How the API's options and errors appear in its OpenAPI schema (/openapi.json, /docs).

The routes read options from the request themselves (query, form or JSON), so FastAPI can't see
them: their parameters and request bodies are described here from the same option set the site
validates with, and every error answer gets a model, so clients and schema-driven testers
(schemathesis runs in CI) know every status code and body the API may send.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from generator_service.options import Option, load_options


class FieldError(BaseModel):
    field: str
    message: str
    allowed: list[str | bool] | str | None = None  # the choices, true/false, or a range such as 128-10240


class InvalidOptions(BaseModel):
    detail: str
    errors: list[FieldError]


class Failure(BaseModel):
    detail: str


def _option_schema(option: Option) -> dict[str, Any]:
    schema: dict[str, Any] = {"description": f"{option.label}. {option.help}".strip()}
    if option.type == "choice":
        schema |= {"type": "string", "enum": [choice["value"] for choice in option.choices]}
    elif option.type == "boolean":
        schema["type"] = "boolean"
    elif option.type == "integer":
        schema |= {"type": "integer", "minimum": option.minimum, "maximum": option.maximum}
    else:
        schema |= {"type": "string", "maxLength": option.max_length or 1000}
    if not option.derived:
        schema["default"] = option.default
    return schema


def option_parameters() -> list[dict[str, Any]]:
    """Each option as an optional query parameter."""
    return [
        {"name": name, "in": "query", "required": False, "schema": _option_schema(option)}
        for name, option in load_options().options.items()
    ]


def options_body() -> dict[str, Any]:
    """The options as a JSON object or a form; any option left out keeps its default."""
    schema = {
        "type": "object",
        "properties": {name: _option_schema(option) for name, option in load_options().options.items()},
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
