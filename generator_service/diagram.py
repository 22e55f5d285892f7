"""An SVG picture of what a set of options deploys: the request path left to right, storage below,
and the VPC boundary around what runs inside it."""

from __future__ import annotations

from html import escape
from typing import Any

BOX_WIDTH, BOX_HEIGHT, GAP, MARGIN = 150, 56, 46, 20
ENTRY_POINTS = {
    "http_api": ("API Gateway", "HTTP API (v2)"),
    "rest_api": ("API Gateway", "REST API (v1)"),
    "function_url": ("Function URL", "no API Gateway"),
}


def _box(x: int, y: int, title: str, subtitle: str, css: str) -> str:
    return (
        f'<g class="node {css}"><rect x="{x}" y="{y}" width="{BOX_WIDTH}" height="{BOX_HEIGHT}" rx="8"/>'
        f'<text x="{x + BOX_WIDTH // 2}" y="{y + 24}" class="title">{escape(title)}</text>'
        f'<text x="{x + BOX_WIDTH // 2}" y="{y + 42}" class="subtitle">{escape(subtitle)}</text></g>'
    )


def _arrow(x1: int, y1: int, x2: int, y2: int) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" class="edge" marker-end="url(#arrow)"/>'


def architecture_svg(options: dict[str, Any]) -> str:
    entry_title, entry_subtitle = ENTRY_POINTS[options["api_gateway"]]
    chain = [
        ("Client", "HTTPS", "client"),
        (entry_title, entry_subtitle, "gateway"),
        ("Lambda", f"Django {options['django_version']}, {options['python_runtime']}", "lambda"),
    ]
    if options["database"] == "postgresql":
        if options["use_rds_proxy"]:
            chain.append(("RDS Proxy", "pooled connections", "proxy"))
        chain.append(("PostgreSQL", "Amazon RDS", "database"))

    top = MARGIN + 34
    xs = [MARGIN + index * (BOX_WIDTH + GAP) for index in range(len(chain))]
    parts = [_box(x, top, title, subtitle, css) for x, (title, subtitle, css) in zip(xs, chain, strict=True)]
    parts += [
        _arrow(x + BOX_WIDTH, top + BOX_HEIGHT // 2, x + BOX_WIDTH + GAP - 4, top + BOX_HEIGHT // 2) for x in xs[:-1]
    ]

    lambda_x = xs[2]
    height = top + BOX_HEIGHT + MARGIN
    if options["storage"] == "s3":
        s3_y = top + BOX_HEIGHT + GAP
        parts.append(_box(lambda_x, s3_y, "S3", "static/ and media/", "storage"))
        parts.append(_arrow(lambda_x + BOX_WIDTH // 2, top + BOX_HEIGHT, lambda_x + BOX_WIDTH // 2, s3_y - 4))
        height = s3_y + BOX_HEIGHT + MARGIN
    if options["use_vpc"]:
        left = lambda_x - 14
        right = xs[-1] + BOX_WIDTH + 14
        parts.insert(
            0,
            f'<g class="vpc"><rect x="{left}" y="{top - 30}" width="{right - left}" '
            f'height="{BOX_HEIGHT + 44}" rx="10"/>'
            f'<text x="{left + 10}" y="{top - 12}">VPC</text></g>',
        )
    width = xs[-1] + BOX_WIDTH + MARGIN + 14
    region = escape(options["aws_region"])
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="diagram-title" class="architecture">'
        f'<title id="diagram-title">Deployed in {region}: '
        + escape(" to ".join(title for title, _, _ in chain))
        + ("; S3 for files" if options["storage"] == "s3" else "")
        + ("; inside a VPC" if options["use_vpc"] else "")
        + "</title>"
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z"/></marker></defs>'
        f'<text x="{MARGIN}" y="{MARGIN + 4}" class="region">AWS {region}</text>' + "".join(parts) + "</svg>"
    )
