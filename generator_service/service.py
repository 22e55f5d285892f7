"""The generator service the routes share: projects and archives for resolved options, kept in memory.

Routes get it as the ``Service`` dependency; the app makes one per process (main.py's lifespan).
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import Depends, Request

from generator_service.archive import Archive, Archives
from generator_service.config import Settings
from generator_service.generation.project import Project
from generator_service.generation.runner import make_runner
from generator_service.lru import LRU


def options_key(resolved: dict[str, Any]) -> str:
    """One text per set of options, whatever their order."""
    return json.dumps(resolved, sort_keys=True)


class GeneratorService:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.runner = make_runner(settings)
        self.projects: LRU[str, Project] = LRU(settings.cache_entries)
        self.archives = Archives(settings.cache_entries)

    async def project(self, resolved: dict[str, Any]) -> Project:
        key = options_key(resolved)
        project = self.projects.get(key)
        if project is None:
            project = await self.runner.generate(resolved)
            self.projects.put(key, project)
        return project

    async def archive(self, resolved: dict[str, Any], archive_format: str) -> Archive:
        return await self.archives.get(options_key(resolved), archive_format, lambda: self.project(resolved))

    async def close(self) -> None:
        await self.runner.close()


def get_service(request: Request) -> GeneratorService:
    return request.app.state.service


Service = Annotated[GeneratorService, Depends(get_service)]
