"""The web page: a form that works without JavaScript, the preview, the diagram and the commands.

curl and HTTPie get plain-text help instead of HTML.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates

from generator_service.form import read_form
from generator_service.openapi import option_parameters
from generator_service.page import page_context
from generator_service.requests import raw_options
from generator_service.service import Service
from generator_service.text_help import text_help, wants_text

router = APIRouter(tags=["pages"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")


@router.get(
    "/",
    response_class=HTMLResponse,
    summary="The generator page (plain-text help for curl and HTTPie)",
    responses={
        200: {"content": {"text/html": {}, "text/plain": {}}, "description": "The page, or help for curl"},
        422: {"content": {"text/html": {}}, "description": "The page, with each invalid option marked"},
    },
    openapi_extra={"parameters": option_parameters()},
)
async def index(request: Request, service: Service, file: str | None = None) -> Response:
    if wants_text(request):
        return PlainTextResponse(text_help(str(request.base_url)))
    state = read_form(await raw_options(request, {"file"}))
    context = await page_context(state, service, str(request.base_url), file)
    # The page still shows the form (and a preview of what was usable), but says the input was bad.
    return templates.TemplateResponse(request, "index.html", context, status_code=422 if state.errors else 200)
