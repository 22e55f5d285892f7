"""Isolation, limits and recovery of the generation runners, run directly."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from generator_service.config import Settings
from generator_service.generation.errors import Busy, GenerationTimeout, WorkerStopped
from generator_service.generation.runner import make_runner
from generator_service.values import resolve

VALUES = resolve({"project_name": "Runner Test"})


def settings(tmp_path, **overrides) -> Settings:
    return Settings(work_dir=tmp_path, **{"workers": 1, "queue_size": 0, **overrides})


def run(coroutine):
    return asyncio.run(coroutine)


def test_pool_generates_and_leaves_nothing_behind(tmp_path):
    async def scenario():
        pool = make_runner(settings(tmp_path))
        try:
            return await pool.generate(VALUES)
        finally:
            await pool.close()

    project = run(scenario())

    assert project.slug == "runner_test"
    assert project.file("manage.py").executable
    assert list(tmp_path.iterdir()) == []  # job folder, HOME, TMPDIR, replay files: all gone


def test_full_pool_answers_busy_at_once(tmp_path):
    async def scenario():
        pool = make_runner(settings(tmp_path))
        try:
            first = asyncio.create_task(pool.generate(VALUES))
            await asyncio.sleep(0)  # the first job takes the only place
            with pytest.raises(Busy):
                await pool.generate(VALUES)
            return await first  # and it still finishes
        finally:
            await pool.close()

    assert run(scenario()).slug == "runner_test"


def test_overrunning_job_is_stopped_and_its_worker_replaced(tmp_path):
    async def scenario():
        pool = make_runner(settings(tmp_path, generation_timeout_seconds=0.01))
        try:
            pid_before = pool.idle._queue[0].process.pid
            os.kill(pid_before, signal.SIGSTOP)  # a worker that hangs: it can't finish in time
            with pytest.raises(GenerationTimeout):
                await pool.generate(VALUES)
            assert list(tmp_path.iterdir()) == []
            pool.settings.generation_timeout_seconds = 30
            pid_after = pool.idle._queue[0].process.pid
            return pid_before, pid_after, await pool.generate(VALUES)
        finally:
            await pool.close()

    pid_before, pid_after, project = run(scenario())
    assert pid_before != pid_after
    assert project.slug == "runner_test"


def test_killed_worker_gives_a_clean_error_and_is_replaced(tmp_path):
    async def scenario():
        pool = make_runner(settings(tmp_path))
        try:
            worker = pool.idle._queue[0]
            os.kill(worker.process.pid, signal.SIGSTOP)  # so the job can't finish before the kill
            task = asyncio.create_task(pool.generate(VALUES))
            await asyncio.sleep(0.05)
            os.kill(worker.process.pid, signal.SIGKILL)
            with pytest.raises(WorkerStopped):
                await task
            return await pool.generate(VALUES)
        finally:
            await pool.close()

    assert run(scenario()).slug == "runner_test"
    assert list(tmp_path.iterdir()) == []


def test_in_process_runner_matches_the_pool_and_restores_the_environment(tmp_path):
    home_before, tmpdir_before = os.environ.get("HOME"), os.environ.get("TMPDIR")

    async def scenario():
        pool = make_runner(settings(tmp_path))
        try:
            in_process = make_runner(settings(tmp_path, runner="inprocess"))
            return await in_process.generate(VALUES), await pool.generate(VALUES)
        finally:
            await pool.close()

    in_process, pooled = run(scenario())

    assert in_process == pooled
    assert (os.environ.get("HOME"), os.environ.get("TMPDIR")) == (home_before, tmpdir_before)
    assert list(tmp_path.iterdir()) == []
