"""SnapStart runtime hooks, run the way the runtime runs them: every before-snapshot hook in the
registry's order, a snapshot (here: fork), then every after-restore hook in each restored copy."""

import json
import os
import random
{%- if (cookiecutter | derived).tasks %}
import sys
{%- endif %}

{% if cookiecutter.database == "postgresql" -%}
import pytest
{% endif -%}
import snapshot_restore_py
{%- if cookiecutter.database == "postgresql" %}
from django.db import connections
{%- endif %}

{%- if (cookiecutter | derived).tasks %}
from django.test import override_settings
{%- endif %}

import lambda_function
{%- if (cookiecutter | derived).tasks %}
from config.lambda_tasks import LambdaBackend
{%- endif %}
from tests.lambda_events import EVENT_SOURCES, LambdaContext
{%- if cookiecutter.database == "postgresql" %}

pytestmark = pytest.mark.django_db(transaction=True)
{%- endif %}


def run_hooks(registry):
    for function, args, kwargs in registry:
        function(*args, **kwargs)


def test_hooks_are_registered():
    before = [function for function, _, _ in snapshot_restore_py.get_before_snapshot()]
    after = [function for function, _, _ in snapshot_restore_py.get_after_restore()]

    assert lambda_function.prime_before_snapshot in before
    assert lambda_function.reseed_after_restore in after
{%- if cookiecutter.database == "postgresql" %}


def test_snapshot_holds_no_database_connection(monkeypatch):
    closed = []
    close_all = connections.close_all
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True) or close_all())
    lambda_function.lambda_handler(EVENT_SOURCES["http_api"]("GET", "/health/"), LambdaContext())  # connects

    run_hooks(snapshot_restore_py.get_before_snapshot())

    assert closed
    # Django never closes an in-memory SQLite test database (it would be gone); it holds no socket either.
    still_open = [
        connection.alias
        for connection in connections.all()
        if connection.connection is not None and not (connection.vendor == "sqlite" and connection.is_in_memory_db())
    ]
    assert still_open == []
{%- endif %}

{%- if (cookiecutter | derived).tasks %}


@override_settings(TASKS={"default": {"BACKEND": "config.lambda_tasks.LambdaBackend", "OPTIONS": {"FUNCTION": "f"}}})
def test_snapshot_holds_the_tasks_and_their_backend(monkeypatch):
    from {{ (cookiecutter | derived).tasks_api }} import task_backends

    monkeypatch.delitem(sys.modules, "{{ cookiecutter.project_slug }}.tasks", raising=False)
    assert task_backends.all(initialized_only=True) == []  # as after init: nothing has enqueued yet

    run_hooks(snapshot_restore_py.get_before_snapshot())

    assert "{{ cookiecutter.project_slug }}.tasks" in sys.modules
    assert [type(backend) for backend in task_backends.all(initialized_only=True)] == [LambdaBackend]
{%- endif %}


def test_restored_copies_serve_and_draw_different_numbers():
    run_hooks(snapshot_restore_py.get_before_snapshot())
    random.seed(42)  # the state a snapshot would freeze: identical in every copy without the hook

    outcomes = []
    for _ in range(2):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # a restored copy
            os.close(read)
            try:
                run_hooks(snapshot_restore_py.get_after_restore())
                event = EVENT_SOURCES["http_api"]("GET", "/health/")
                response = lambda_function.lambda_handler(event, LambdaContext())
                result = {"random": random.random(), "status": response["statusCode"]}  # noqa: S311
                os.write(write, json.dumps(result).encode())
            finally:
                os._exit(0)
        os.close(write)
        with os.fdopen(read) as pipe:
            outcomes.append(json.loads(pipe.read()))
        os.waitpid(pid, 0)

    assert [outcome["status"] for outcome in outcomes] == [200, 200]
    assert outcomes[0]["random"] != outcomes[1]["random"]
