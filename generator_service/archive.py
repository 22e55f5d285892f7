"""The archive formats the site offers, and reproducible archives in them, kept for the next request.

The same project gives byte-identical zip and tar.gz files: entries are sorted, every timestamp is
1980-01-01 (the earliest a zip can hold), owners are empty and modes are 0644, or 0755 for
executables such as manage.py.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import io
import tarfile
import zipfile
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

from generator_service.generation.project import Project, ProjectFile
from generator_service.lru import LRU

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TAR_TIME = 315532800  # 1980-01-01T00:00:00Z


def _mode(file: ProjectFile) -> int:
    return 0o755 if file.executable else 0o644


def _sorted(files: Iterable[ProjectFile]) -> list[ProjectFile]:
    return sorted(files, key=lambda item: item.path)


def build_zip(top: str, files: Iterable[ProjectFile]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for file in _sorted(files):
            info = zipfile.ZipInfo(f"{top}/{file.path}", date_time=ZIP_TIME)
            info.create_system = 3  # Unix, so the mode below is honoured by unzip
            info.external_attr = (0o100000 | _mode(file)) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, file.content)
    return buffer.getvalue()


def build_tar_gz(top: str, files: Iterable[ProjectFile]) -> bytes:
    buffer = io.BytesIO()
    # mtime=0 and no file name keep the gzip header constant.
    with (
        gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0) as compressed,
        tarfile.open(fileobj=compressed, mode="w", format=tarfile.USTAR_FORMAT) as archive,
    ):
        for file in _sorted(files):
            info = tarfile.TarInfo(f"{top}/{file.path}")
            info.size = len(file.content)
            info.mode = _mode(file)
            info.mtime = TAR_TIME
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(file.content))
    return buffer.getvalue()


@dataclass(frozen=True)
class ArchiveFormat:
    media_type: str
    build: Callable[[str, Iterable[ProjectFile]], bytes]  # (top folder, files) -> the archive


# Every format the site offers, by the name the API takes (`format=`), which is also the file's suffix.
# The first is the default.
FORMATS: dict[str, ArchiveFormat] = {
    "zip": ArchiveFormat("application/zip", build_zip),
    "tar.gz": ArchiveFormat("application/gzip", build_tar_gz),
}
DEFAULT_FORMAT = next(iter(FORMATS))


def file_name(slug: str, archive_format: str) -> str:
    return f"{slug}.{archive_format}"


@dataclass(frozen=True)
class Archive:
    filename: str
    content: bytes
    etag: str
    media_type: str


class Archives:
    """Archives by their options and format, the last ones built kept (generation is deterministic)."""

    def __init__(self, size: int) -> None:
        self.cache: LRU[str, Archive] = LRU(size)

    async def get(self, key: str, archive_format: str, project: Callable[[], Awaitable[Project]]) -> Archive:
        """The archive of ``key`` (the options) in a format, from ``project()`` if not kept."""
        cache_key = f"{archive_format} {key}"
        archive = self.cache.get(cache_key)
        if archive is None:
            archive = await self._build(await project(), archive_format)
            self.cache.put(cache_key, archive)
        return archive

    @staticmethod
    async def _build(project: Project, archive_format: str) -> Archive:
        kind = FORMATS[archive_format]
        # In a thread: compressing takes milliseconds, and zlib lets other requests run meanwhile.
        content = await asyncio.to_thread(kind.build, project.slug, project.files)
        etag = '"' + hashlib.sha256(content).hexdigest()[:32] + '"'
        return Archive(file_name(project.slug, archive_format), content, etag, kind.media_type)
