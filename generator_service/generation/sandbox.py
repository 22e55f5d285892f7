"""Cookiecutter's Jinja environment swapped for a sandboxed one that keeps its compiled templates."""

from __future__ import annotations

import functools
from typing import Any

from generator_service.lru import LRU

COMPILED_TEMPLATES_KEPT = 4096


def install_sandbox() -> None:
    """Make cookiecutter render with Jinja's SandboxedEnvironment (defence in depth), and keep
    compiled templates between generations.

    Every cookiecutter environment is made by cookiecutter.utils.create_env_with_context from
    the StrictEnvironment named in that module. Cookiecutter makes new environments for each
    generation, so Jinja would parse and compile every file again (most of a generation's time);
    the generated code depends only on the source and this class's fixed configuration.
    """
    import cookiecutter.generate
    import cookiecutter.utils
    from cookiecutter.environment import StrictEnvironment
    from jinja2.sandbox import SandboxedEnvironment

    compiled: LRU[tuple[Any, ...], Any] = LRU(COMPILED_TEMPLATES_KEPT)

    class SandboxedStrictEnvironment(StrictEnvironment, SandboxedEnvironment):
        def compile(
            self,
            source: Any,
            name: str | None = None,
            filename: str | None = None,
            raw: bool = False,
            defer_init: bool = False,
        ) -> Any:
            key = (source, name, filename, raw, defer_init)
            code = compiled.get(key)
            if code is None:
                code = super().compile(source, name, filename, raw, defer_init)
                compiled.put(key, code)
            return code

    cookiecutter.utils.StrictEnvironment = SandboxedStrictEnvironment
    # Cookiecutter sniffs every template file for binary content at every generation (a quarter of
    # its time); the pinned template's files don't change while a worker lives.
    cookiecutter.generate.is_binary = functools.lru_cache(maxsize=1024)(cookiecutter.generate.is_binary)
