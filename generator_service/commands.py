"""The same project by other means: the share link's query, and the cookiecutter, cruft and curl commands."""

from __future__ import annotations

import json
import shlex
from typing import Any
from urllib.parse import urlencode

import option_rules
from generator_service.archive import DEFAULT_FORMAT, file_name
from generator_service.values import non_default


def as_text(value: Any) -> str:
    """A value as a query string or command line writes it: booleans as true and false."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def option_query(resolved: dict[str, Any]) -> str:
    """The query string of the values that differ from the defaults: the share link's."""
    return urlencode({name: as_text(value) for name, value in non_default(resolved).items()})


def curl_command(
    resolved: dict[str, Any], base_url: str, archive_format: str = DEFAULT_FORMAT, as_json: bool = False
) -> str:
    """curl downloading the project of these options: the ones that differ from the defaults in the
    query string, or as a JSON body. A refusal (422) fails the command and is shown: ``--fail-with-body``
    keeps the site's answer, in the output file (``-f`` would drop it), which ``cat`` then prints."""
    changed = non_default(resolved)
    url = base_url.rstrip("/") + "/api/generate"
    archive = file_name(resolved["project_slug"], archive_format)
    output, on_failure = f"curl --fail-with-body -sSL -o {archive}", f"|| (cat {archive}; false)"
    if as_json:
        body = _quoted(json.dumps(changed))
        return f"{output} -H 'Content-Type: application/json' -d {body} {_quoted(url)} {on_failure}"
    query = urlencode({"format": archive_format, **{name: as_text(value) for name, value in changed.items()}})
    return f"{output} {_quoted(url + '?' + query)} {on_failure}"


def _quoted(text: str) -> str:
    """In single quotes for a shell, even where none are needed (shlex.quote leaves plain words bare)."""
    return "'" + text.replace("'", "'\"'\"'") + "'"


def commands(resolved: dict[str, Any], base_url: str, template_url: str) -> dict[str, str]:
    """The cookiecutter, cruft and curl commands that produce the same project (cruft's, and the download,
    with the .cruft.json that `cruft update` needs). cruft's begins with the line that installs a cruft that
    can update."""
    changed = non_default(resolved)
    pairs = " ".join(shlex.quote(f"{name}={as_text(value)}") for name, value in changed.items())
    extra_context = f" --extra-context {_quoted(json.dumps(changed))}" if changed else ""
    return {
        "cookiecutter": f"cookiecutter {template_url} --no-input {pairs}".rstrip(),
        "cruft": f"{option_rules.CRUFT_INSTALL}\ncruft create {template_url} --no-input{extra_context}",
        "curl": curl_command(resolved, base_url),
    }
