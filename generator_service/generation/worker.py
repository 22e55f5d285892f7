"""Inside a worker process: run cookiecutter for one job, every side effect kept in the job's folder."""

from __future__ import annotations

import os
import tempfile
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from generator_service.generation.errors import GenerationError, describe_failure
from generator_service.generation.project import Project, ProjectFile
from generator_service.generation.provenance import TemplateRelease, write_cruft_file
from generator_service.generation.sandbox import install_sandbox
from option_rules.unused_files import remove_unused


def collect_files(project_dir: Path, output_dir: Path) -> tuple[ProjectFile, ...]:
    """The generated files; refuses a project folder outside the output folder and any link.

    Walking without following links, every other entry lies inside the project folder.
    """
    root = output_dir.resolve()
    project = project_dir.resolve()
    if not project.is_relative_to(root) or project == root:
        raise GenerationError("the project folder is outside the job's folder")
    files = []
    for folder, folders, names in os.walk(project, followlinks=False):
        for name in folders + names:
            if os.path.islink(os.path.join(folder, name)):
                raise GenerationError(f"{name} is a link; generated projects hold none")
        for name in names:
            path = os.path.join(folder, name)
            relative = os.path.relpath(path, project).replace(os.sep, "/")
            with open(path, "rb") as file:
                files.append(ProjectFile(relative, bool(os.stat(path).st_mode & 0o111), file.read()))
    return tuple(sorted(files, key=lambda file: file.path))


def generate_in_folder(template_dir: str, release: TemplateRelease, values: dict[str, Any], job_dir: str) -> Project:
    """Run cookiecutter for validated values with every side effect kept inside job_dir.

    Without hook subprocesses (about a third of a generation's time): the values already passed the
    pre_gen hook's rules (values.resolve), and the post_gen hook's removals run here. The project gets
    the .cruft.json of the template release, for `cruft update`.
    """
    from cookiecutter.main import cookiecutter

    job = Path(job_dir)
    home, tmp, output = job / "home", job / "tmp", job / "out"
    for folder in (home, tmp, output):
        folder.mkdir()
    config = job / "cookiecutter.yaml"
    config.write_text(f'cookiecutters_dir: "{job / "cookiecutters"}"\nreplay_dir: "{job / "replay"}"\n')
    os.environ["HOME"] = str(home)
    os.environ["TMPDIR"] = str(tmp)
    tempfile.tempdir = str(tmp)  # cookiecutter's rendered hooks land here
    project_dir = cookiecutter(
        template_dir,
        no_input=True,
        extra_context=values,
        output_dir=str(output),
        config_file=str(config),
        accept_hooks=False,
    )
    remove_unused(Path(project_dir), values)  # the post_gen hook's work, done in this process
    write_cruft_file(Path(project_dir), job / "replay", release)
    return Project(slug=Path(project_dir).name, files=collect_files(Path(project_dir), output))


def worker_main(connection: Connection, template_dir: str, release: TemplateRelease) -> None:
    """A worker process: generate one job at a time until the pipe closes."""
    install_sandbox()
    import cookiecutter.main  # noqa: F401  (warm: imported once, not per job)

    while True:
        try:
            job = connection.recv()
        except (EOFError, KeyboardInterrupt):
            return
        try:
            connection.send(("ok", generate_in_folder(template_dir, release, job["values"], job["job_dir"])))
        except Exception as error:  # reported to the caller, the worker lives on
            connection.send(("error", describe_failure(error)))
