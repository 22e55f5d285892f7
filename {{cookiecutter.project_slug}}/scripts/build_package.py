#!/usr/bin/env python
"""Build the Lambda package for a stage: ``uv run scripts/build_package.py production``.

Why not plain ``zappa package``:

* Zappa's zip gives every file the same old timestamp, so ordinary ``.pyc``
  files look stale and Lambda, whose code folder is read-only, recompiles every
  module at every cold start. Here all bytecode is compiled in
  ``unchecked-hash`` mode, which Python trusts without comparing timestamps,
  by the runtime's own Python version.
* Zappa zips the active virtualenv, dev tools included. Here it zips a folder
  holding only the runtime packages of uv.lock, at their locked versions and
  checked against the lock's hashes, installed as Linux wheels (so the build
  also works on macOS), next to an allow-listed copy of the project. Two builds
  of one commit install the same files.
* Django and its apps ship translations for about a hundred languages, a fifth
  of the zipped package: only those of the project's languages (LANGUAGES and
  LANGUAGE_CODE in config/settings/base.py) and English, Django's own
  fallback, go in.

Run it through uv, which gives it the runtime's Python version and zappa
(``uv run scripts/build_package.py production``). The zip lands in
.zappa-build/<stage>.zip.
"""

import argparse
import ast
import compileall
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import py_compile
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BUILD_DIR = PROJECT_DIR / ".zappa-build"
# What the package needs from the project; everything else stays out.
PROJECT_FILES = [
    "lambda_function.py",
    "manage.py",
    "config",
    "{{ cookiecutter.project_slug }}",
    "zappa_settings.json",
    "deploy",
]
# The wheels of each "architecture" Zappa accepts: Lambda's python3.12 and python3.13 runtimes run on Amazon
# Linux 2023, whose glibc is 2.34, so wheels built for it or older work
# (https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html).
WHEEL_PLATFORMS = {{ wheel_platforms | tojson }}
LAMBDA_ROOT = "/var/task"  # where Lambda unpacks the code: tracebacks show real paths


class BuildError(Exception):
    pass


def stage_setting(stage: str, key: str, default: str | None = None) -> str:
    """A setting of the stage in zappa_settings.json, following "extends" as Zappa does."""
    settings = json.loads((PROJECT_DIR / "zappa_settings.json").read_text())
    if stage not in settings:
        raise BuildError(f"stage '{stage}' is not in zappa_settings.json; stages: {', '.join(settings)}")
    config = settings[stage]
    while key not in config and "extends" in config:
        config = settings[config["extends"]]
    return config.get(key, default)


def runtime_version(stage: str) -> str:
    """'3.13' for the stage's "runtime": "python3.13"."""
    return stage_setting(stage, "runtime").removeprefix("python")


def wheel_platform(stage: str) -> str:
    """The wheels of the stage's "architecture" (Zappa's default: x86_64)."""
    architecture = stage_setting(stage, "architecture", "x86_64")
    if architecture not in WHEEL_PLATFORMS:
        known = ", ".join(WHEEL_PLATFORMS)
        raise BuildError(f'zappa_settings.json has "architecture": "{architecture}"; Lambda has {known}')
    return WHEEL_PLATFORMS[architecture]


def check_interpreter(version: str) -> None:
    running = "{}.{}".format(*sys.version_info)
    if running != version:
        raise BuildError(
            f"the Lambda runtime is Python {version} but this is Python {running}: bytecode only "
            f"works on the version that compiled it. Run: python{version} scripts/build_package.py"
        )
    if importlib.util.find_spec("zappa") is None:
        raise BuildError("zappa is not installed here: run uv run scripts/build_package.py (uv sync installs it)")


def uv_command() -> str:
    """The uv running this script (uv run sets UV), or the one on PATH."""
    uv = os.environ.get("UV") or shutil.which("uv")
    if uv is None:
        raise BuildError("uv is not installed (https://docs.astral.sh/uv/): run uv run scripts/build_package.py")
    return uv


def locked_requirements(uv: str) -> str:
    """uv.lock's runtime packages as a requirements file: exact versions, each with its hashes. Fails when
    uv.lock doesn't match pyproject.toml (run uv lock)."""
    command = [uv, "export", "--locked", "--no-dev", "--no-emit-project", "--no-header", "--no-annotate"]
    command += ["--quiet", "--format", "requirements.txt"]
    return subprocess.run(command, cwd=PROJECT_DIR, check=True, capture_output=True, text=True).stdout


def stage_project(source_dir: Path) -> None:
    """Copy the allow-listed project files, without any stale bytecode."""
    shutil.rmtree(source_dir, ignore_errors=True)
    source_dir.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".*")
    for name in PROJECT_FILES:
        path = PROJECT_DIR / name
        if path.is_dir():
            shutil.copytree(path, source_dir / name, ignore=ignore)
        else:
            shutil.copy2(path, source_dir / name)


def install_requirements(site_packages: Path, version: str, wheels: str) -> None:
    """uv.lock's runtime packages as ``wheels`` (uv's platform name) for the runtime's Python, hash-checked.

    Skipped when the folder already holds exactly these packages for this Python: the lock makes the
    result the same, and a release then only rebuilds the project's own files.
    """
    venv_dir = site_packages.parent.parent.parent
    uv = uv_command()
    requirements = locked_requirements(uv)
    stamp = venv_dir / ".requirements-sha256"
    languages = sorted(kept_locales())
    wanted = hashlib.sha256(f"{requirements}\0{wheels}\0{version}\0{languages}".encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted and site_packages.is_dir():
        return
    print(f"Installing the locked packages as {wheels} wheels for Python {version}", flush=True)
    shutil.rmtree(venv_dir, ignore_errors=True)
    site_packages.mkdir(parents=True)
    locked = venv_dir / "requirements.txt"
    locked.write_text(requirements)
    command = [uv, "pip", "install", "--quiet", "--python", sys.executable, "--target", str(site_packages)]
    command += ["--python-platform", wheels, "--python-version", version, "--only-binary", ":all:"]
    command += ["--require-hashes", "--no-deps", "-r", str(locked)]
    subprocess.run(command, check=True)
    remove_other_translations(site_packages, set(languages))
    compile_bytecode(site_packages)
    stamp.write_text(wanted)


def kept_locales() -> set[str]:
    """Locale folder names ('en', 'pt_BR', ...) of the languages config/settings/base.py sets, read
    without running the settings, plus English: Django falls back to its English catalog."""
    from django.utils.translation import to_locale

    settings = ast.parse((PROJECT_DIR / "config" / "settings" / "base.py").read_text())
    values = {
        target.id: ast.literal_eval(node.value)
        for node in settings.body
        if isinstance(node, (ast.Assign, ast.AnnAssign))
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id in ("LANGUAGE_CODE", "LANGUAGES")
    }
    codes = [values.get("LANGUAGE_CODE", "en-us"), *(code for code, _ in values.get("LANGUAGES", [])), "en"]
    # A catalog of 'de' also serves 'de-at': Django tries the language's own locale, then its base.
    return {to_locale(code) for code in codes} | {to_locale(code.split("-")[0]) for code in codes}


def remove_other_translations(site_packages: Path, locales: set[str]) -> None:
    """Delete the compiled translations (.mo) of every other language; formats and folders stay."""
    for catalog in site_packages.glob("**/locale/*/LC_MESSAGES/*.mo"):
        if catalog.parent.parent.name not in locales:
            catalog.unlink()


def compile_bytecode(*folders: Path) -> None:
    """Bytecode Python uses without checking source timestamps (Zappa's zip resets them)."""
    for folder in folders:
        ok = compileall.compile_dir(
            folder,
            ddir=LAMBDA_ROOT,
            force=True,
            quiet=1,
            workers=0,
            invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
        )
        if not ok:
            raise BuildError(f"some files under {folder} do not compile")


def run_zappa(stage: str, source_dir: Path, venv_dir: Path, output: Path) -> None:
    """`zappa package` from the staged copy, zipping the clean site-packages."""
    env = {**os.environ, "VIRTUAL_ENV": str(venv_dir)}
    command = [sys.executable, "-m", "zappa.cli", "package", stage, "--output", str(output)]
    subprocess.run(command, check=True, cwd=source_dir, env=env)


def describe(package: Path) -> str:
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        unzipped = sum(info.file_size for info in archive.infolist())
    bytecode = sum(name.endswith(".pyc") for name in names)
    return (
        f"{package.relative_to(PROJECT_DIR)}: {package.stat().st_size / 2**20:.1f} MiB zipped, "
        f"{unzipped / 2**20:.1f} MiB unzipped, {len(names)} files, {bytecode} .pyc "
        "(Lambda limits: 50 MiB zipped upload, 250 MiB unzipped)"
    )


def build(stage: str) -> Path:
    version, wheels = runtime_version(stage), wheel_platform(stage)
    check_interpreter(version)
    source_dir = BUILD_DIR / stage
    venv_dir = BUILD_DIR / "venv"
    site_packages = venv_dir / "lib" / f"python{version}" / "site-packages"
    output = BUILD_DIR / f"{stage}.zip"
    stage_project(source_dir)
    install_requirements(site_packages, version, wheels)
    compile_bytecode(source_dir)
    inputs = BUILD_DIR / f"{stage}.zip.inputs"
    digest = inputs_digest(stage, source_dir, venv_dir)
    if output.exists() and inputs.exists() and inputs.read_text() == digest:
        print(f"Nothing that goes into {output.name} changed since it was built: reusing it.")
        return output
    output.unlink(missing_ok=True)
    run_zappa(stage, source_dir, venv_dir, output)
    inputs.write_text(digest)
    return output


def inputs_digest(stage: str, source_dir: Path, venv_dir: Path) -> str:
    """What the zip is made of: the stage, Zappa (its handler goes in), the staged project with its
    settings and bytecode (which doesn't depend on file times) and the installed requirements."""
    digest = hashlib.sha256(f"{stage}\0{importlib.metadata.version('zappa')}\0".encode())
    digest.update((venv_dir / ".requirements-sha256").read_bytes())
    for path in sorted(source_dir.rglob("*")):
        if path.is_file():
            digest.update(f"{path.relative_to(source_dir)}\0".encode() + path.read_bytes())
    return digest.hexdigest()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stage", help="a stage of zappa_settings.json, e.g. production or dev")
    args = parser.parse_args()
    try:
        package = build(args.stage)
    except BuildError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(f"ERROR: {error.cmd[2:4]} failed with exit status {error.returncode}", file=sys.stderr)
        return 1
    print(describe(package))
    return 0


if __name__ == "__main__":
    sys.exit(main())
