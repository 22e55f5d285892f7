"""A drf-spectacular hook for the OpenAPI schema (POSTPROCESSING_HOOKS in config/settings/base.py)."""

from typing import Any

from django.urls import get_script_prefix


def paths_under_the_stage(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """Give each path the prefix the request came in under: API Gateway's stage (``/production``).

    The handler tells Django the stage, so Django's own links keep it; Swagger UI calls the paths as
    the schema writes them, so they need it too (Django Ninja's schema does the same).
    """
    prefix = get_script_prefix().rstrip("/")
    if prefix:
        result["paths"] = {prefix + path: item for path, item in result["paths"].items()}
    return result
