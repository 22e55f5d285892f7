"""Which processor a Lambda package's native code is for, read from ELF headers, not run.

The AWS stand-in runs a function's code only where this machine can (x86_64), and tests check the
machine code of an arm64 package they can't run: every shared library must be for the function's
architecture.
"""

from __future__ import annotations

import platform
from pathlib import Path

# e_machine values (the ELF specification's "Machine" field): EM_X86_64 and EM_AARCH64, by Lambda's names.
ELF_MACHINES = {62: "x86_64", 183: "arm64"}
HOST_ARCHITECTURE = {"x86_64": "x86_64", "aarch64": "arm64"}.get(platform.machine(), platform.machine())


def architecture_of(header: bytes) -> str | None:
    """The Lambda architecture an ELF file's first 20 bytes are for; None for a file that isn't ELF."""
    if header[:4] != b"\x7fELF" or len(header) < 20:
        return None
    machine = int.from_bytes(header[18:20], "little" if header[5] == 1 else "big")
    return ELF_MACHINES.get(machine, f"ELF machine {machine}")


def native_code(folder: Path) -> dict[str, str]:
    """Each ELF file under a folder (its path relative to the folder) and the architecture it is for."""
    found = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                architecture = architecture_of(file.read(20))
            if architecture:
                found[str(path.relative_to(folder))] = architecture
    return found
