"""Reading a request's option values: from its query string, a form or a JSON object."""

from __future__ import annotations

import json
from collections.abc import Collection
from typing import Any

from fastapi import Request

from generator_service.values import OptionErrors, Repeated, parse_input, resolve


class _Pairs(list):
    """A JSON object as its (key, value) pairs, in order."""


async def _body_items(request: Request) -> list[tuple[str, Any]]:
    """The (key, value) pairs of a POST body: a JSON object or a form; nothing else is accepted."""
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        try:
            # As pairs: json.loads alone would keep the last of a repeated key without a word.
            body = json.loads(await request.body() or b"{}", object_pairs_hook=_Pairs)
        except (ValueError, UnicodeDecodeError) as error:
            raise OptionErrors({"body": "is not valid JSON"}) from error
        if not isinstance(body, _Pairs):
            raise OptionErrors({"body": "must be a JSON object of option names and values"})
        return list(body)
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        return list((await request.form()).multi_items())
    if await request.body():
        raise OptionErrors({"body": "send JSON (application/json) or a form"})
    return []


async def raw_options(request: Request, reserved: Collection[str] = ()) -> dict[str, Any]:
    """The option values of a request: the query string, a form or a JSON object.

    A repeated key becomes a list, which parse_input rejects. ``reserved`` are the route's own
    parameters (such as ``format``), not options.
    """
    items = list(request.query_params.multi_items())
    if request.method == "POST":
        items += await _body_items(request)
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


async def resolved_options(request: Request, reserved: Collection[str] = ()) -> dict[str, Any]:
    """Every option's final value from what the request gave; OptionErrors if any is not valid.

    Called by the routes themselves, after FastAPI checked their own parameters: a bad ``format``
    is reported before the options are read, as it always was.
    """
    return resolve(parse_input(await raw_options(request, reserved)))
