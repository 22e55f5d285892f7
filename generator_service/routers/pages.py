"""The web page: a form that works without JavaScript, the preview, the diagram and the commands.

curl and HTTPie get plain-text help instead of HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.templating import Jinja2Templates

from generator_service.diagram import architecture_svg
from generator_service.generation import Busy, GenerationError, Project
from generator_service.openapi import option_parameters
from generator_service.options import OptionErrors, load_options, parse_input, resolve
from generator_service.service import Service, commands, option_query, raw_options

router = APIRouter(tags=["pages"])
templates = Jinja2Templates(directory=Path(__file__).resolve().parent.parent / "templates")
TEXT_CLIENTS = ("curl/", "httpie/", "wget/")


def wants_text(request: Request) -> bool:
    agent = request.headers.get("user-agent", "").lower()
    return agent.startswith(TEXT_CLIENTS) and "text/html" not in request.headers.get("accept", "")


def text_help(base_url: str) -> str:
    option_set = load_options()
    lines = [
        "cookiecutter-django-lambda generator: a Django API for AWS Lambda, ready to deploy with Zappa.",
        "",
        "Download a project (options you leave out keep their defaults):",
        f"  curl -fL -o my_api.zip '{base_url}api/generate?format=zip&project_name=My+API&aws_region=eu-west-1'",
        f"  curl -fL -o my_api.tar.gz '{base_url}api/generate?format=tar.gz&use_vpc=true"
        "&vpc_subnet_ids=subnet-0123abcd&vpc_security_group_ids=sg-0123abcd'",
        "  curl -fL -o my_api.zip -H 'Content-Type: application/json' -d '{\"database\": \"none\"}' "
        f"'{base_url}api/generate'",
        "",
        f"Machine-readable options: {base_url}api/options   API docs: {base_url}docs",
        "",
        f"{'OPTION':<24} {'DEFAULT':<34} ALLOWED",
    ]
    for option in option_set.options.values():
        default = (
            "(derived)"
            if option.derived
            else str(option.default).lower()
            if isinstance(option.default, bool)
            else str(option.default)
        )
        if option.type == "choice":
            allowed = ", ".join(choice["value"] for choice in option.choices)
        elif option.type == "boolean":
            allowed = "true, false"
        elif option.type == "integer":
            allowed = f"{option.minimum}-{option.maximum}"
        else:
            allowed = option.allowed or "text"
        lines.append(f"{option.name:<24} {default[:33]:<34} {allowed}")
    return "\n".join(lines) + "\n"


@dataclass
class FormState:
    """What the page shows: the values as given, errors per field, what had to be dropped, and the
    options the preview uses (the given values minus those that broke a rule)."""

    given: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    dropped: dict[str, str] = field(default_factory=dict)
    resolved: dict[str, Any] = field(default_factory=dict)


def read_form(raw: dict[str, Any]) -> FormState:
    state = FormState()
    for key, value in raw.items():
        try:
            state.given.update(parse_input({key: value}))
        except OptionErrors as error:
            # Keyed by the key as given (the page escapes it), so the notice can say what was wrong.
            state.errors[key] = next(iter(error.errors.values()))
            state.dropped[key] = str(value)[:100]
    usable = dict(state.given)
    rules = load_options().rules
    for _ in range(len(load_options().options)):
        try:
            state.resolved = resolve(usable)
            return state
        except OptionErrors as error:
            state.errors.update(error.errors)
            for name in error.errors:
                # Drop the value at fault; for a missing value, the option that made it necessary.
                culprit = name if name in usable else (rules.RULES[name].depends_on or (name, None))[0]
                if culprit in usable:
                    usable.pop(culprit)
                    state.dropped[culprit] = str(raw.get(culprit, ""))[:100]
                    state.errors.setdefault(culprit, f"needs {name}, which is not valid")
    state.resolved = resolve({})
    return state


def file_tree(project: Project) -> list[dict[str, Any]]:
    """Folders and files in display order, each with its depth."""
    rows, seen = [], set()
    for file in sorted(project.files, key=lambda item: item.path):
        parts = file.path.split("/")
        for depth, folder in enumerate(parts[:-1]):
            key = "/".join(parts[: depth + 1])
            if key not in seen:
                seen.add(key)
                rows.append({"depth": depth, "name": folder + "/", "path": None})
        rows.append({"depth": len(parts) - 1, "name": parts[-1], "path": file.path, "size": len(file.content)})
    return rows


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
    base_url = str(request.base_url)
    if wants_text(request):
        return PlainTextResponse(text_help(base_url))
    state = read_form(await raw_options(request, {"file"}))
    resolved = state.resolved
    project, problem = None, None
    try:
        project = await service.project(resolved)
    except Busy:
        problem = "The generator is busy: the preview will be back in a moment."
    except GenerationError:
        problem = "The preview could not be generated; downloading may still work."
    selected = project.file(file) if project and file else None
    query = option_query(resolved)
    context = {
        "option_set": load_options(),
        "inactive": {
            name for name in resolved if not load_options().rules.is_active(name, {**resolved, **state.given})
        },
        "given": state.given,
        "resolved": resolved,
        "errors": state.errors,
        "dropped": state.dropped,
        "project": project,
        "tree": file_tree(project) if project else [],
        "selected": selected,
        "selected_text": selected.content.decode("utf-8", errors="replace") if selected else None,
        "problem": problem,
        "query": query,
        "commands": commands(resolved, base_url, service.settings.template_source),
        "diagram": architecture_svg(resolved),
    }
    # The page still shows the form (and a preview of what was usable), but says the input was bad.
    status = 422 if state.errors else 200
    return templates.TemplateResponse(request, "index.html", context, status_code=status)
