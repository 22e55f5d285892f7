"""The Lambda entry point, called the way Lambda calls it, with each event source."""

import json
import logging
import shlex
from pathlib import Path

import pytest
from cfn_flip import load_yaml  # Zappa's own reader of CloudFormation templates

import lambda_function
from tests import lambda_events
from tests.lambda_events import EVENT_SOURCES, LambdaContext, response_body, response_cookies

{% if cookiecutter.database == "postgresql" -%}
# Transactional: requests here open and close real connections, as on Lambda.
pytestmark = [pytest.mark.urls("tests.urls"), pytest.mark.django_db(transaction=True)]
{% else -%}
pytestmark = pytest.mark.urls("tests.urls")
{% endif -%}

SOURCES = list(EVENT_SOURCES)


def invoke(event: dict) -> dict:
    # Lambda hands the handler the event after a JSON round trip.
    return lambda_function.lambda_handler(json.loads(json.dumps(event)), LambdaContext())


@pytest.mark.parametrize("source", SOURCES)
def test_health_answers_every_http_event_source(source):
    response = invoke(EVENT_SOURCES[source]("GET", "/health/"))

    assert response["statusCode"] == 200
    assert json.loads(response_body(response))["status"] == "ok"


@pytest.mark.parametrize("source", SOURCES)
def test_request_reaches_django_intact(source):
    event = EVENT_SOURCES[source]("GET", "/test/request/", query="page=2&q=caf%C3%A9", headers={"x-custom": "yes"})

    info = json.loads(response_body(invoke(event)))

    assert info["method"] == "GET"
    assert info["path_info"] == "/test/request/"
    assert info["path"] == ("/production" if source == "rest_api" else "") + "/test/request/"  # the REST API's stage
    assert info["query"] == {"page": "2", "q": "café"}
    assert info["is_secure"] is True
    assert info["x_custom"] == "yes"
    assert info["remote_addr"] == "203.0.113.7"


@pytest.mark.parametrize("event_for", [lambda_events.rest_api, lambda_events.http_api], ids=["rest_api", "http_api"])
def test_the_api_gateway_stage_stays_in_urls(event_for):
    # Zappa deploys both API types with a "production" stage: https://<id>.execute-api.../production/health/
    page = invoke(event_for("GET", "/health/", stage="production"))
    redirect = invoke(event_for("GET", "/health", stage="production"))

    assert page["statusCode"] == 200
    assert redirect["statusCode"] == 301
    assert redirect["headers"]["location"] == "/production/health/"


def test_a_function_url_has_no_stage_in_urls():
    redirect = invoke(lambda_events.function_url("GET", "/health"))

    assert redirect["headers"]["location"] == "/health/"
{%- if cookiecutter.api_framework != "none" %}


@pytest.mark.parametrize("event_for", [lambda_events.rest_api, lambda_events.http_api], ids=["rest_api", "http_api"])
def test_the_api_docs_keep_the_api_gateway_stage(event_for):
    # Swagger UI loads the schema from the page's link, then calls the paths the schema gives.
    docs = invoke(event_for("GET", "/api/docs/", stage="production"))
    schema = invoke(event_for("GET", "/api/openapi.json", stage="production"))

    assert docs["statusCode"] == 200
    assert "/production/api/openapi.json" in response_body(docs).decode()
    assert schema["statusCode"] == 200
    assert "/production/api/echo/" in json.loads(response_body(schema))["paths"]
{%- endif %}


@pytest.mark.parametrize("source", SOURCES)
def test_json_post(source):
    event = EVENT_SOURCES[source](
        "POST", "/api/echo/", headers={"content-type": "application/json"}, body='{"name": "Zoë"}'
    )

    response = invoke(event)

    assert response["statusCode"] == 200
    assert json.loads(response_body(response)) == {"received": {"name": "Zoë"}}


@pytest.mark.parametrize("source", SOURCES)
def test_base64_request_body(source):
    headers = {"content-type": "application/octet-stream"}
    event = EVENT_SOURCES[source]("POST", "/test/request/", headers=headers, body=b"\x00\xffraw", binary=True)

    info = json.loads(response_body(invoke(event)))

    assert info["body"] == "\x00\xffraw"


@pytest.mark.parametrize("source", SOURCES)
def test_binary_response_is_base64_encoded(source):
    response = invoke(EVENT_SOURCES[source]("GET", "/test/binary/"))

    assert response["isBase64Encoded"] is True
    assert response_body(response) == bytes(range(256))


@pytest.mark.parametrize("source", ["rest_api", "http_api", "function_url"])
def test_every_cookie_is_sent(source):
    response = invoke(EVENT_SOURCES[source]("GET", "/test/cookies/"))

    cookies = response_cookies(response)
    assert sorted(cookie.split(";")[0] for cookie in cookies) == ["first=1", "second=2"]


def test_request_cookies_from_http_api_reach_django():
    event = EVENT_SOURCES["http_api"]("GET", "/test/request/", cookies=["a=1", "b=2"])

    info = json.loads(response_body(invoke(event)))

    assert info["cookies"] == {"a": "1", "b": "2"}


def test_unknown_path_is_a_json_404():
    response = invoke(EVENT_SOURCES["http_api"]("GET", "/no/such/page/"))

    assert response["statusCode"] == 404
    assert json.loads(response_body(response)) == {"error": "not found"}


def test_header_with_underscore_cannot_pose_as_a_dashed_one():
    event = EVENT_SOURCES["http_api"]("GET", "/test/request/", headers={"x_custom": "spoofed"})

    info = json.loads(response_body(invoke(event)))

    assert info["x_custom"] is None


def test_head_request_has_no_body():
    response = invoke(EVENT_SOURCES["http_api"]("HEAD", "/test/binary/"))

    assert response["statusCode"] == 200
    assert response_body(response) == b""


def test_manage_event_runs_the_command_and_reports_output():
    # What `zappa manage production "showmigrations --list"` sends.
    result = invoke({"manage": "check"})

    assert result["exit_status"] == 0
    assert "no issues" in result["output"]


def test_failing_manage_command_fails_the_invocation():
    # A failed invocation makes `zappa manage` exit non-zero, which fails the deploy job.
    with pytest.raises(lambda_function.ManagementCommandFailed, match="exited with status 1") as failure:
        invoke({"manage": "no_such_command"})

    assert "Unknown command" in failure.value.result["errors"]


def test_logs_still_reach_stdout_after_a_management_command(capsys):
    # The command's django.setup() reconfigures logging while its output is being captured.
    invoke({"manage": "check"})
    logging.getLogger("lambda_function").warning("logged after the command")

    assert "logged after the command" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["shell -c 'import os'", "dbshell", "runserver", "diffsettings"])
def test_manage_refuses_unsafe_commands(command):
    with pytest.raises(lambda_function.ManagementCommandFailed, match="refused") as failure:
        invoke({"manage": command})

    assert failure.value.result["exit_status"] == 2


def test_each_request_logs_one_line_with_its_method_path_status_and_duration(caplog):
    caplog.set_level("INFO", logger="access")

    invoke(EVENT_SOURCES["http_api"]("GET", "/health/"))

    [line] = [record for record in caplog.records if record.name == "access"]
    # Lambda's JSON log format writes each as a field of its own, beside the request ID.
    assert (line.method, line.path, line.status) == ("GET", "/health/", 200)
    assert line.duration_ms > 0
    assert line.getMessage() == f"GET /health/ 200 {line.duration_ms:.2f} ms"


def test_a_schedule_runs_a_command_scheduled_commands_lists(settings):
    settings.SCHEDULED_COMMANDS = ["check"]

    result = invoke({"manage": "check", "schedule": "nightly-check"})

    assert result["exit_status"] == 0


def test_a_schedule_may_not_run_a_command_scheduled_commands_leaves_out(settings):
    settings.SCHEDULED_COMMANDS = ["clearsessions"]

    with pytest.raises(lambda_function.UnsupportedEvent, match="asked for 'flush', which SCHEDULED_COMMANDS doesn't"):
        invoke({"manage": "flush --noinput", "schedule": "typo"})


def test_every_schedule_of_the_stack_runs_a_command_scheduled_commands_lists(settings):
    template = load_yaml((Path(__file__).resolve().parent.parent / "deploy" / "stack.yaml").read_text())
    schedules = [item for item in template["Resources"].values() if item["Type"] == "AWS::Scheduler::Schedule"]
    events = [json.loads(schedule["Properties"]["Target"]["Input"]) for schedule in schedules]

    commands = [shlex.split(event["manage"])[0] for event in events]
    assert set(commands) <= set(settings.SCHEDULED_COMMANDS)
    if "django.contrib.sessions" in settings.INSTALLED_APPS:
        assert "clearsessions" in commands  # expired sessions are deleted daily
    for event in events:  # as the schedule sends it
        assert invoke(event)["exit_status"] == 0


def test_keep_warm_ping_returns_without_django(monkeypatch):
    def fail(*args):
        raise AssertionError("keep-warm must not reach Django")

    monkeypatch.setattr(lambda_function, "http_adapter", fail)
    # Apart, whatever the project's name: ruff format joins two literals that fit on one line.
    rule = "{{ cookiecutter.project_slug.replace('_', '-') }}-production-zappa-keep-warm-handler.keep_warm_callback"
    event = {
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "resources": [f"arn:aws:events:{{ cookiecutter.aws_region }}:123456789012:rule/{rule}"],
        "detail": {},
    }

    assert invoke(event) == {"warm": True}


def test_raw_command_is_refused():
    with pytest.raises(lambda_function.UnsupportedEvent, match="raw_command is refused"):
        invoke({"raw_command": "import os; os.system('id')"})


@pytest.mark.parametrize("event", [{}, {"Records": [{"eventSource": "aws:sqs"}]}, {"detail-type": "Scheduled Event"}])
def test_other_events_get_a_clear_error(event):
    with pytest.raises(lambda_function.UnsupportedEvent, match="Unsupported event"):
        invoke(event)
