"""Finding secrets in bytes and documents: every form a known secret could take, archives opened however deep.

:func:`find_leaks` searches bytes (files, streams, logs) for the forms :func:`leak_forms` gives of
each known secret; :func:`expand` opens the archives and compressed streams among them.
:func:`secret_looking_values` finds what looks like a secret in a JSON document without knowing it.
"""

from __future__ import annotations

import base64
import bz2
import gzip
import io
import lzma
import re
import tarfile
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from known_secrets import Secret

# Names of settings whose value would be a secret.
SECRET_NAME = re.compile(r"secret|passw|token|credential|private|api_?key|access_?key", re.IGNORECASE)
URL_WITH_PASSWORD = re.compile(r"://[^/@\s:]*:[^/@\s]+@")
MAX_ARCHIVE_DEPTH = 5


def leak_forms(secret: Secret) -> dict[bytes, str]:
    """The byte strings that would betray a secret, each with the form it stands for.

    The hex core as is also covers the URL-encoded, JSON and repr forms of the value: none of
    them change hex digits. Its base64 depends on where it starts in the encoded text, so each
    of the three alignments is searched, without the edges that depend on the bytes around it.
    """
    core = secret.core.encode()
    forms = {core: "as is", core.hex().encode(): "hex-encoded"}
    for shift in range(3):
        encoded = base64.b64encode(b"\0" * shift + core)[4 if shift else 0 : -4]
        forms.setdefault(encoded.translate(bytes.maketrans(b"+/", b"-_")), "url-safe base64")
        forms[encoded] = "base64"
    return forms


def unpack(data: bytes) -> list[tuple[str, bytes]]:
    """The members of an archive or compressed stream (zip, tar, gzip, bzip2, xz); [] for anything else."""
    stream = io.BytesIO(data)
    if data.startswith(b"PK\x03\x04") and zipfile.is_zipfile(stream):
        with zipfile.ZipFile(stream) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist() if not info.is_dir()]
    if data[257:262] == b"ustar":
        with tarfile.open(fileobj=stream) as archive:
            return [(member.name, archive.extractfile(member).read()) for member in archive if member.isfile()]
    if data.startswith(b"\x1f\x8b\x08"):
        return [("(gunzipped)", gzip.decompress(data))]
    if data.startswith(b"BZh") and data[4:10] == b"1AY&SY":
        return [("(bunzipped)", bz2.decompress(data))]
    if data.startswith(b"\xfd7zXZ\x00"):
        return [("(unxzed)", lzma.decompress(data))]
    return []


def expand(label: str, data: bytes, depth: int = 0) -> Iterator[tuple[str, bytes]]:
    """The bytes themselves, then what the archives among them hold, however deep (a wheel in a zip...)."""
    yield label, data
    assert depth < MAX_ARCHIVE_DEPTH, f"{label}: archives nested too deep to search"
    for name, inner in unpack(data):
        yield from expand(f"{label}!{name}", inner, depth + 1)


def files_under(folder: Path) -> Iterator[tuple[str, bytes]]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield from expand(str(path.relative_to(folder)), path.read_bytes())


def find_leaks(haystacks: Iterable[tuple[str, bytes]], known: Iterable[Secret]) -> tuple[list[str], int, int]:
    """Where any form of any secret occurs; also how many pieces and bytes were searched."""
    forms = [(needle, f"{secret.name} ({form})") for secret in known for needle, form in leak_forms(secret).items()]
    leaks, pieces, size = [], 0, 0
    for label, data in haystacks:
        pieces, size = pieces + 1, size + len(data)
        leaks += [f"{what} in {label}" for needle, what in forms if needle in data]
    return leaks, pieces, size


def secret_looking_values(node, path: str = "") -> Iterator[str]:
    """Where a JSON document holds what looks like a secret: a value under a secret's name, a URL with a password."""
    if isinstance(node, dict):
        for key, value in node.items():
            # A flag such as cors.allowCredentials can't hold a secret; any text or structure can.
            if SECRET_NAME.search(str(key)) and value not in ("", None, [], {}) and not isinstance(value, bool):
                yield f"{path}.{key}"
            yield from secret_looking_values(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from secret_looking_values(value, f"{path}[{index}]")
    elif isinstance(node, str) and URL_WITH_PASSWORD.search(node):
        yield path
