{%- set api = (cookiecutter | derived).tasks_api -%}
{%- set error_key = "error" if cookiecutter.api_framework == "none" else "detail" -%}
"""Background tasks, end to end on this machine: POST /api/events/ enqueues a webhook delivery, the Lambda
backend sends it as an asynchronous invocation of the alias, and the handler runs what Lambda would deliver."""

import json
import math
import re
from datetime import UTC, datetime

import pytest
from {{ api }} import default_task_backend

import lambda_function
{#- Sorted as ruff's isort sorts them, wherever the package's name falls. #}
{%- set local_imports = [
    "from config import lambda_tasks",
    "from tests.http_recorder import Recorder",
    "from tests.lambda_events import LambdaContext",
    "from " ~ cookiecutter.project_slug ~ ".tasks import deliver_webhook",
] %}
{%- for line in local_imports | sort %}
{{ line }}
{%- endfor %}

FUNCTION = "{{ cookiecutter.project_slug.replace('_', '-') }}-production:snapstart"


@pytest.fixture(autouse=True)
def no_tasks_left_over():
    default_task_backend.clear()  # the test settings' backend records what is enqueued


@pytest.fixture
def webhook(settings):
    """The receiver: answers 204 to every delivery."""
    with Recorder(lambda request: (204, b"")) as receiver:
        settings.WEBHOOK_URL = receiver.url + "/hooks/orders"
        yield receiver


def lambda_api_answering(status: int, settings, monkeypatch) -> Recorder:
    """Lambda's Invoke API on 127.0.0.1, answering ``status``; the tasks go to it through the Lambda backend."""
    recorder = Recorder(lambda request: (status, b"" if status == 202 else {"__type": "TooManyRequestsException"}))
    monkeypatch.setenv("AWS_ENDPOINT_URL", recorder.url)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    settings.TASKS = {"default": {"BACKEND": "config.lambda_tasks.LambdaBackend", "OPTIONS": {"FUNCTION": FUNCTION}}}
    return recorder


@pytest.fixture
def lambda_api(settings, monkeypatch):
    """As Lambda answers an asynchronous invocation: 202, the event queued."""
    with lambda_api_answering(202, settings, monkeypatch) as recorder:
        yield recorder


def test_an_event_is_queued_and_answered_at_once(client, webhook):
    response = client.post("/api/events/", {"order": 42}, content_type="application/json")

    assert response.status_code == 202
    assert set(response.json()) == {"task_id", "status"} and response.json()["status"] == "READY"
    [queued] = default_task_backend.results
    assert (queued.id, queued.args) == (response.json()["task_id"], [{"order": 42}])
    assert queued.task.func is deliver_webhook.func
    assert webhook.requests == []  # the response didn't wait for the delivery


def test_without_a_webhook_the_endpoint_says_so(client, settings):
    settings.WEBHOOK_URL = ""

    response = client.post("/api/events/", {"order": 42}, content_type="application/json")

    assert response.status_code == 503
    assert response.json() == {"{{ error_key }}": "no webhook is configured: set DJANGO_WEBHOOK_URL"}
    assert default_task_backend.results == []


def test_enqueue_sends_one_asynchronous_invocation_of_the_alias(lambda_api, webhook):
    delivery = deliver_webhook.enqueue({"order": 42})

    [request] = lambda_api.requests
    name, alias = FUNCTION.split(":")
    assert (request["method"], request["path"]) == ("POST", f"/2015-03-31/functions/{name}/invocations")
    assert request["query"] == {"Qualifier": alias}
    assert request["headers"]["x-amz-invocation-type"] == "Event"
    assert request["headers"]["authorization"].startswith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
    task = json.loads(request["body"])["task"]
    assert (task["id"], task["args"], task["kwargs"]) == (delivery.id, [{"order": 42}], {})
    assert task["path"] == "{{ cookiecutter.project_slug }}.tasks.deliver_webhook"


@pytest.mark.parametrize(
    ("event", "problem"),
    [
        ({"at": datetime.now(UTC)}, "argument 1['at'] is a datetime"),
        ({1: "one"}, 'argument 1 has the key 1, which arrives as the string "1"'),
        ({"ratio": math.nan}, "argument 1['ratio'] is nan, which JSON has no way to write"),
        ({"items": ("a", "b")}, "argument 1['items'] is a tuple"),
        ({"nested": [{"when": {b"raw"}}]}, "argument 1['nested'][0]['when'] is a set"),
    ],
)
def test_arguments_that_are_not_json_are_refused_at_enqueue(lambda_api, event, problem):
    with pytest.raises(TypeError, match=re.escape(f"deliver_webhook.enqueue(): {problem}.")):
        deliver_webhook.enqueue(event)

    assert lambda_api.requests == []  # nothing was queued


def test_an_event_over_lambdas_limit_is_refused_before_sending(lambda_api):
    with pytest.raises(lambda_tasks.EnqueueFailed, match="at most 1048576"):
        deliver_webhook.enqueue({"blob": "x" * lambda_tasks.MAX_EVENT_BYTES})

    assert lambda_api.requests == []


def test_when_lambda_takes_no_task_the_endpoint_answers_503(client, webhook, settings, monkeypatch):
    with lambda_api_answering(429, settings, monkeypatch):
        response = client.post("/api/events/", {"order": 42}, content_type="application/json")

    assert response.status_code == 503
    assert response.json() == {"{{ error_key }}": "the event could not be queued; try again"}


@pytest.fixture
{%- if cookiecutter.database == "postgresql" %}
def deliver(transactional_db):
    """What Lambda does with an asynchronous invocation: the event, after its JSON round trip, to the handler.
    A task opens and closes database connections as a request does, so it runs outside a test transaction."""
{%- else %}
def deliver():
    """What Lambda does with an asynchronous invocation: the event, after its JSON round trip, to the handler."""
{%- endif %}

    def handle(event: dict) -> dict:
        return lambda_function.lambda_handler(json.loads(json.dumps(event)), LambdaContext())

    return handle


def test_the_handler_runs_the_task_lambda_delivers(lambda_api, webhook, deliver):
    delivery = deliver_webhook.enqueue({"order": 42})

    outcome = deliver(json.loads(lambda_api.requests[0]["body"]))

    assert outcome == {"task_id": delivery.id, "status": "SUCCESSFUL"}
    [received] = webhook.requests
    assert json.loads(received["body"]) == {"order": 42}
    assert received["path"] == "/hooks/orders"
    assert received["headers"]["webhook-id"] == delivery.id
    assert received["headers"]["content-type"] == "application/json"


def test_a_failed_delivery_fails_the_invocation_and_a_retry_keeps_its_id(lambda_api, settings, caplog, deliver):
    with Recorder(lambda request: (500, b"down")) as receiver:
        settings.WEBHOOK_URL = receiver.url
        delivery = deliver_webhook.enqueue({"order": 42})
        event = json.loads(lambda_api.requests[0]["body"])

        for _attempt in range(2):  # Lambda sends the same event again
            with pytest.raises(lambda_tasks.TaskFailed, match="HTTP Error 500"):
                deliver(event)

    assert [request["headers"]["webhook-id"] for request in receiver.requests] == [delivery.id, delivery.id]
    failures = [record for record in caplog.records if getattr(record, "task_id", None) == delivery.id]
    assert [record.status for record in failures] == ["FAILED", "FAILED"]


def test_an_event_naming_anything_but_a_task_runs_nothing(deliver):
    event = {"task": {"id": "x", "path": "os.system", "args": ["id"], "kwargs": {}, "backend": "default"}}
    event["task"]["enqueued_at"] = datetime.now(UTC).isoformat()

    with pytest.raises(lambda_tasks.TaskFailed, match="os.system is not a task"):
        deliver(event)


def test_a_task_logs_its_outcome(lambda_api, webhook, caplog, deliver):
    caplog.set_level("INFO")
    delivery = deliver_webhook.enqueue({"order": 42})

    deliver(json.loads(lambda_api.requests[0]["body"]))

    [line] = [record for record in caplog.records if getattr(record, "task_id", None) == delivery.id]
    assert (line.task, line.status) == ("{{ cookiecutter.project_slug }}.tasks.deliver_webhook", "SUCCESSFUL")
    assert line.duration_ms >= 0 and line.queued_ms >= 0
