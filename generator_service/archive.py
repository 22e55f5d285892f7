"""Reproducible archives: the same project gives byte-identical zip and tar.gz files.

Entries are sorted, every timestamp is 1980-01-01 (the earliest a zip can hold),
owners are empty and modes are 0644, or 0755 for executables such as manage.py.
"""

from __future__ import annotations

import gzip
import io
import tarfile
import zipfile
from collections.abc import Iterable

from generator_service.generation import ProjectFile

ZIP_TIME = (1980, 1, 1, 0, 0, 0)
TAR_TIME = 315532800  # 1980-01-01T00:00:00Z
FORMATS = {"zip": "application/zip", "tar.gz": "application/gzip"}


def _mode(file: ProjectFile) -> int:
    return 0o755 if file.executable else 0o644


def build_zip(top: str, files: Iterable[ProjectFile]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for file in sorted(files, key=lambda item: item.path):
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
        for file in sorted(files, key=lambda item: item.path):
            info = tarfile.TarInfo(f"{top}/{file.path}")
            info.size = len(file.content)
            info.mode = _mode(file)
            info.mtime = TAR_TIME
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(file.content))
    return buffer.getvalue()


def build_archive(archive_format: str, top: str, files: Iterable[ProjectFile]) -> bytes:
    return build_zip(top, files) if archive_format == "zip" else build_tar_gz(top, files)
