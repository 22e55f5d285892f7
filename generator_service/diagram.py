"""An SVG picture of what a set of options deploys: the request path left to right, storage below,
and the VPC boundary around what runs inside it.

What is drawn follows the option set: a choice's box is named by its label in cookiecutter.json
("PostgreSQL (Amazon RDS or Aurora)": PostgreSQL over Amazon RDS or Aurora) unless the picture has
shorter words for it (BOX_WORDS); a choice "none" draws nothing; RDS Proxy is drawn where its rule
says it matters (option_rules.is_active).
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

import option_rules
from generator_service.options import load_options

BOX_WIDTH, BOX_HEIGHT, GAP, MARGIN = 150, 56, 46, 20
# Words that fit a box where a choice's label is a sentence for the form: (title, subtitle).
BOX_WORDS: dict[tuple[str, Any], tuple[str, str]] = {
    ("api_gateway", "http_api"): ("API Gateway", "HTTP API (v2)"),
    ("api_gateway", "rest_api"): ("API Gateway", "REST API (v1)"),
    ("api_gateway", "function_url"): ("Function URL", "no API Gateway"),
    ("database", "postgresql"): ("PostgreSQL", "Amazon RDS"),
    ("storage", "s3"): ("S3", "static/ and media/"),
    ("use_rds_proxy", True): ("RDS Proxy", "pooled connections"),
}
Box = tuple[str, str, str]  # title, subtitle, CSS class


def _box_of(name: str, options: dict[str, Any], css: str) -> Box | None:
    """The box an option's value draws: its short words, else its choice label; none for "none"."""
    value = options[name]
    if value == "none" or value is False or not option_rules.is_active(name, options):
        return None
    if (name, value) in BOX_WORDS:
        return (*BOX_WORDS[name, value], css)
    label = next(choice["label"] for choice in load_options().options[name].choices if choice["value"] == value)
    return (*label_words(label), css)


def label_words(label: str) -> tuple[str, str]:
    """A choice's label as a box's title and subtitle: "Amazon S3 (django-storages)", or just a title."""
    match = re.fullmatch(r"(.*) \(([^()]*)\)", label, re.DOTALL)
    return (match[1], match[2]) if match else (label, "")


def _chain(options: dict[str, Any]) -> list[Box]:
    """The request's path: client, way in, function, then the proxy and database where there are."""
    boxes = [
        ("Client", "HTTPS", "client"),
        _box_of("api_gateway", options, "gateway"),
        ("Lambda", f"Django {options['django_version']}, {options['python_runtime']}", "lambda"),
        _box_of("use_rds_proxy", options, "proxy"),
        _box_of("database", options, "database"),
    ]
    return [box for box in boxes if box is not None]


def _box(x: int, y: int, box: Box) -> str:
    title, subtitle, css = box
    return (
        f'<g class="node {css}"><rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="8"/>'
        f'<text x="{x + BOX_WIDTH // 2}" y="{y + 24}" class="title">{escape(title)}</text>'
        f'<text x="{x + BOX_WIDTH // 2}" y="{y + 42}" class="subtitle">{escape(subtitle)}</text></g>'
    )


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="edge" marker-end="url(#arrow)"/>'


def _vpc(left: int, right: int, top: int) -> str:
    return (
        f'<g class="vpc"><rect x="{left}" y="{top - 30}" width="{right - left}" height="{BOX_HEIGHT + 44}" rx="10"/>'
        f'<text x="{left + 10}" y="{top - 12}">VPC</text></g>'
    )


def _drawing(options: dict[str, Any], chain: list[Box], storage: Box | None) -> tuple[list[str], int, int]:
    """The picture's parts, width and height."""
    top = MARGIN + 34
    xs = [MARGIN + index * (BOX_WIDTH + GAP) for index in range(len(chain))]
    middle = top + BOX_HEIGHT // 2
    parts = [_box(x, top, box) for x, box in zip(xs, chain, strict=True)]
    parts += [_arrow(x + BOX_WIDTH, middle, x + BOX_WIDTH + GAP - 4, middle) for x in xs[:-1]]
    lambda_x, height = xs[2], top + BOX_HEIGHT + MARGIN
    if storage:
        storage_y, centre = top + BOX_HEIGHT + GAP, lambda_x + BOX_WIDTH // 2
        parts += [_box(lambda_x, storage_y, storage), _arrow(centre, top + BOX_HEIGHT, centre, storage_y - 4)]
        height = storage_y + BOX_HEIGHT + MARGIN
    if options["use_vpc"]:
        parts.insert(0, _vpc(lambda_x - 14, xs[-1] + BOX_WIDTH + 14, top))
    return parts, xs[-1] + BOX_WIDTH + MARGIN + 14, height


def architecture_svg(options: dict[str, Any]) -> str:
    chain, storage = _chain(options), _box_of("storage", options, "storage")
    parts, width, height = _drawing(options, chain, storage)
    region = escape(options["aws_region"])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="diagram-title" class="architecture">'
        f'<title id="diagram-title">Deployed in {region}: '
        + escape(" to ".join(title for title, _, _ in chain))
        + (f"; {escape(storage[0])} for files" if storage else "")
        + ("; inside a VPC" if options["use_vpc"] else "")
        + "</title>"
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>'
        f'<text x="{MARGIN}" y="{MARGIN + 4}" class="region">AWS {region}</text>' + "".join(parts) + "</svg>"
    )
