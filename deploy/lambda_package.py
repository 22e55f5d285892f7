"""Build the generator site's Lambda package: ``python -m deploy.lambda_package`` writes build/site-lambda/site.zip.

What goes in, at the zip's root (Lambda's /var/task, on sys.path):

* what the site reads (``PACKAGED``): generator_service/, the rules, and the template itself, which is the
  repository's root: cookiecutter.json, hooks/, template_extensions.py, ``{{cookiecutter.project_slug}}/`` and
  docs/benchmarks.json, whose figures the generated README quotes;
* generator_service/requirements.txt, the site's lock, installed as Linux x86_64 wheels for the runtime's
  Python (so the build works on macOS too), each checked against the lock's hashes, without their scripts.

Bytecode is compiled by the runtime's own Python (``--python``, else ``python3.13`` on PATH or in pyenv) in
``unchecked-hash`` mode: Lambda's code folder is read-only, so Python could never cache what it compiles
there, and the zip's fixed file times would make ordinary ``.pyc`` files look stale. The zip itself is
reproducible (sorted entries, fixed times, modes kept: the template's executable files stay executable), so
an unchanged checkout gives the same SHA-256 and a deploy finds nothing to update.

The package has no .git: the commit it holds (GENERATOR_TEMPLATE_COMMIT if set, else ``git rev-parse HEAD``)
goes into the function's environment (deploy.lambda_deploy), for the .cruft.json of every download.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parent.parent
BUILD_DIR = REPO_DIR / "build" / "site-lambda"
REQUIREMENTS = REPO_DIR / "generator_service" / "requirements.txt"
RUNTIME = "python3.13"  # deploy/site.yaml's Runtime
# What the site reads at run time, relative to the repository (the Dockerfile copies the same).
PACKAGED = (
    "generator_service",
    "option_rules",
    "cookiecutter.json",
    "hooks",
    "template_extensions.py",
    "{{cookiecutter.project_slug}}",
    "docs/benchmarks.json",
)
# Python source of the site, compiled; the template's .py files are Jinja templates, not Python.
COMPILED = ("generator_service", "option_rules", "template_extensions.py")
LINUX_PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_28_x86_64", "manylinux_2_34_x86_64")
LAMBDA_ROOT = "/var/task"  # where Lambda unpacks the code: tracebacks show real paths
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
COMMIT = re.compile(r"[0-9a-f]{40}")
PYENV_VERSIONS = Path.home() / ".pyenv" / "versions"


class BuildError(Exception):
    """Something the user must fix; the message says what."""


@dataclass(frozen=True)
class Package:
    path: Path
    commit: str  # the template commit it holds
    sha256: str

    def describe(self) -> str:
        with zipfile.ZipFile(self.path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
            files = len(archive.infolist())
        return (
            f"{self.path.relative_to(REPO_DIR)}: {self.path.stat().st_size / 2**20:.1f} MiB zipped, "
            f"{unzipped / 2**20:.1f} MiB unzipped, {files} files, template commit {self.commit} "
            "(Lambda's limits: 250 MiB unzipped)"
        )


def git(*arguments: str) -> str:
    try:
        done = subprocess.run(["git", "-C", str(REPO_DIR), *arguments], capture_output=True, text=True, check=False)
    except OSError as error:
        raise BuildError(f"git is not available ({error}): set GENERATOR_TEMPLATE_COMMIT to the commit") from None
    if done.returncode != 0:
        raise BuildError(f"git {arguments[0]} failed: {done.stderr.strip()}; set GENERATOR_TEMPLATE_COMMIT")
    return done.stdout


def template_commit() -> str:
    """The commit the package holds; warns when the packaged files differ from it."""
    commit = os.environ.get("GENERATOR_TEMPLATE_COMMIT") or git("rev-parse", "HEAD").strip()
    if not COMMIT.fullmatch(commit):
        raise BuildError(f"the template commit must be a full 40-character commit id, not {commit!r}")
    if not os.environ.get("GENERATOR_TEMPLATE_COMMIT"):
        changed = git("status", "--porcelain", "--", *PACKAGED).splitlines()
        if changed:
            print(
                f"Warning: {len(changed)} packaged file(s) differ from commit {commit[:12]}, which downloads will "
                f"name in .cruft.json (first: {changed[0][3:]}). Commit them for a package that matches its commit.",
                file=sys.stderr,
            )
    return commit


def runtime_python(python: str | None) -> str:
    """The interpreter that compiles the bytecode, of the runtime's version: the one given, else python3.13 on
    PATH or in pyenv (whose shim may exist on PATH without a usable version behind it)."""
    version = RUNTIME.removeprefix("python")
    installed = [shutil.which(RUNTIME), *map(str, sorted(PYENV_VERSIONS.glob(f"{version}.*/bin/python")))]
    candidates = [python] if python else installed
    for candidate in filter(None, candidates):
        done = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"], capture_output=True, text=True
        )
        if done.returncode == 0 and done.stdout.strip() == version:
            return candidate
    if python:
        raise BuildError(f"{python} is not Python {version}, the {RUNTIME} runtime's: bytecode is per version")
    raise BuildError(f"no Python {version} found to compile the bytecode with: install it, or pass --python")


def compile_bytecode(python: str, root: Path, paths: list[Path]) -> None:
    """Hash-checked-never bytecode, named as /var/task/... in tracebacks, by the runtime's interpreter."""
    command = [python, "-m", "compileall", "-q", "-f", "-j", "0", "--invalidation-mode", "unchecked-hash"]
    command += ["-s", str(root), "-p", LAMBDA_ROOT, *map(str, paths)]
    if subprocess.run(command, check=False).returncode != 0:
        raise BuildError(f"some files under {root} do not compile with {python}")


def install_requirements(python: str) -> Path:
    """generator_service/requirements.txt as Linux wheels, compiled; reused while the requirements are the same."""
    target = BUILD_DIR / "packages"
    stamp = BUILD_DIR / "packages.sha256"
    wanted = hashlib.sha256(REQUIREMENTS.read_bytes() + f"{RUNTIME}\0{LINUX_PLATFORMS}".encode()).hexdigest()
    if target.is_dir() and stamp.exists() and stamp.read_text() == wanted:
        return target
    shutil.rmtree(target, ignore_errors=True)
    stamp.unlink(missing_ok=True)
    command = [sys.executable, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-compile"]
    command += ["--require-hashes"]  # the lock's versions, each file checked against the lock's hashes
    command += ["--no-warn-conflicts"]  # with the running Python's own packages, which the package doesn't hold
    command += ["--only-binary=:all:", "--implementation", "cp", "--python-version", RUNTIME.removeprefix("python")]
    for platform in LINUX_PLATFORMS:
        command += ["--platform", platform]
    command += ["--target", str(target), "-r", str(REQUIREMENTS)]
    if subprocess.run(command, check=False).returncode != 0:
        raise BuildError(f"pip could not install {REQUIREMENTS.relative_to(REPO_DIR)} for {RUNTIME}")
    shutil.rmtree(target / "bin", ignore_errors=True)  # console scripts: Lambda runs none
    compile_bytecode(python, target, [target])
    stamp.write_text(wanted)
    return target


def stage_sources(python: str) -> Path:
    """A copy of what the site reads, without stale bytecode, with its own compiled."""
    source = BUILD_DIR / "source"
    shutil.rmtree(source, ignore_errors=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.py[cod]")
    for name in PACKAGED:
        path = REPO_DIR / name
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=ignore)
        else:
            shutil.copy2(path, source / name)
    compile_bytecode(python, source, [source / name for name in COMPILED])
    return source


def files_under(root: Path) -> dict[str, Path]:
    return {path.relative_to(root).as_posix(): path for path in root.rglob("*") if path.is_file()}


def write_zip(output: Path, *roots: Path) -> None:
    """One zip of the roots' files, the same bytes for the same files: sorted, fixed times, modes kept."""
    entries: dict[str, Path] = {}
    for root in roots:
        for name, path in files_under(root).items():
            if name in entries:
                raise BuildError(f"{name} is both in the site and in its requirements")
            entries[name] = path
    partial = output.with_suffix(".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            mode = 0o755 if entries[name].stat().st_mode & 0o111 else 0o644
            info.external_attr = (0o100000 | mode) << 16
            archive.writestr(info, entries[name].read_bytes())
    partial.replace(output)


def build(python: str | None = None) -> Package:
    python = runtime_python(python)
    commit = template_commit()
    BUILD_DIR.mkdir(parents=True, exist_ok=True)
    # One build at a time: two (a deploy and a test, say) would empty each other's folders mid-zip.
    with open(BUILD_DIR / "build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        packages = install_requirements(python)
        source = stage_sources(python)
        output = BUILD_DIR / "site.zip"
        write_zip(output, source, packages)
        return Package(output, commit, hashlib.sha256(output.read_bytes()).hexdigest())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--python", help=f"the {RUNTIME} interpreter that compiles the bytecode")
    arguments = parser.parse_args()
    try:
        package = build(arguments.python)
    except BuildError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    print(package.describe())
    return 0


if __name__ == "__main__":
    sys.exit(main())
