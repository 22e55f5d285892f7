"""What the page shows for a form: the project's preview and file tree, one file, commands, diagram."""

from __future__ import annotations

from typing import Any

from generator_service.archive import FORMATS
from generator_service.commands import commands, option_query
from generator_service.diagram import architecture_svg
from generator_service.form import FormState
from generator_service.generation.errors import Busy, GenerationError
from generator_service.generation.project import Project
from generator_service.options import load_options
from generator_service.service import GeneratorService


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


async def preview(service: GeneratorService, resolved: dict[str, Any]) -> tuple[Project | None, str | None]:
    """The project, or why the page can't show it (the form is still shown)."""
    try:
        return await service.project(resolved), None
    except Busy:
        return None, "The generator is busy: the preview will be back in a moment."
    except GenerationError:
        return None, "The preview could not be generated; downloading may still work."


async def page_context(state: FormState, service: GeneratorService, base_url: str, file: str | None) -> dict[str, Any]:
    """index.html's variables for a form's state and, optionally, the file to show."""
    resolved = state.resolved
    project, problem = await preview(service, resolved)
    selected = project.file(file) if project and file else None
    return {
        "option_set": load_options(),
        "inactive": state.inactive(),
        "given": state.given,
        "resolved": resolved,
        "errors": state.errors,
        "dropped": state.dropped,
        "project": project,
        "tree": file_tree(project) if project else [],
        "selected": selected,
        "selected_text": selected.content.decode("utf-8", errors="replace") if selected else None,
        "problem": problem,
        "query": option_query(resolved),
        "commands": commands(resolved, base_url, service.settings.template_url),
        "diagram": architecture_svg(resolved),
        "archive_formats": list(FORMATS),
    }
