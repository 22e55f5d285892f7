"""What the stand-in gives the function it runs: the JSON log format (LoggingConfig, kept by the versions
published after it), each invocation's own log lines when an event and a request share an environment,
container credentials for a SnapStart version, and version numbers never reused."""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request

import pytest
from stand_in_probe import FUNCTION, create_probe

from support.aws_stand_in import ACCOUNT_ID

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("aws-stand-in")]  # one stand-in, in one worker


def tail(response: dict) -> list[str]:
    return base64.b64decode(response["LogResult"]).decode().splitlines()


def json_lines(lines: list[str]) -> list[dict]:
    found = []
    for line in lines:
        try:
            found.append(json.loads(line))
        except ValueError:
            continue
    return [item for item in found if isinstance(item, dict)]


def test_the_json_log_format_is_kept_and_reaches_the_runtime(probe):
    lam, wanted = probe.lam, {"LogFormat": "JSON", "ApplicationLogLevel": "INFO", "SystemLogLevel": "INFO"}
    lam.update_function_configuration(FunctionName=FUNCTION, LoggingConfig=wanted)
    lam.get_waiter("function_updated_v2").wait(FunctionName=FUNCTION)
    published = lam.publish_version(FunctionName=FUNCTION)["Version"]

    latest = lam.get_function_configuration(FunctionName=FUNCTION)["LoggingConfig"]
    before = lam.get_function_configuration(FunctionName=FUNCTION, Qualifier="1")["LoggingConfig"]
    after = lam.get_function_configuration(FunctionName=FUNCTION, Qualifier=published)["LoggingConfig"]
    assert latest == after == {**wanted, "LogGroup": f"/aws/lambda/{FUNCTION}"}
    assert before == {"LogFormat": "Text", "LogGroup": f"/aws/lambda/{FUNCTION}"}  # published before the change

    as_json = lam.invoke(FunctionName=FUNCTION, Qualifier=published, LogType="Tail", Payload=b'{"label": "json"}')
    as_text = lam.invoke(FunctionName=FUNCTION, Qualifier="1", LogType="Tail", Payload=b'{"label": "text"}')
    json_id, text_id = (response["ResponseMetadata"]["RequestId"] for response in (as_json, as_text))
    assert json.loads(as_json["Payload"].read())["request_id"] == json_id
    records = {item.get("message"): item for item in json_lines(tail(as_json))}
    assert records["handling json"]["level"] == "INFO" and records["label json"]["level"] == "WARNING"
    assert {records[message]["requestId"] for message in ("handling json", "label json")} == {json_id}
    assert json_lines(tail(as_text)) == []
    assert any(line.startswith("[WARNING]") and text_id in line and "label text" in line for line in tail(as_text))
    assert not any("handling text" in line for line in tail(as_text))  # awslambdaric's text default: WARNING


def test_a_request_behind_an_event_gets_only_its_own_log(aws, probe):
    """The event and the request run one after the other in the version's one warm environment: the
    request's log starts when it does, not when it was queued while the event still ran (and logged)."""
    background = {"label": "background", "sleep": 1}
    probe.lam.invoke(FunctionName=FUNCTION, Qualifier="1", InvocationType="Event", Payload=json.dumps(background))
    time.sleep(0.2)  # the event is running
    response = probe.lam.invoke(FunctionName=FUNCTION, Qualifier="1", LogType="Tail", Payload=b'{"label": "fore"}')
    aws.wait_for_async(timeout=60)

    lines = tail(response)
    assert any("label fore" in line for line in lines) and not any("background" in line for line in lines)


def test_a_snapstart_version_gets_container_credentials(aws, probe):
    lam, name = probe.lam, "stand-in-probe-snapstart"
    create_probe(lam, name, probe.role, SnapStart={"ApplyOn": "PublishedVersions"})
    version = lam.publish_version(FunctionName=name)["Version"]

    restored = json.loads(
        lam.invoke(FunctionName=name, Qualifier=version, Payload=b'{"credentials": true}')["Payload"].read()
    )
    unpublished = json.loads(lam.invoke(FunctionName=name, Payload=b'{"credentials": true}')["Payload"].read())

    assert restored["credentials"] == "container-role" and restored["key_variables"] == []
    assert restored["container_uri"] == aws.url + "/_stand_in/credentials"
    assert restored["account"] == unpublished["account"] == ACCOUNT_ID  # boto3 inside the function still works
    assert unpublished["credentials"] == "env" and unpublished["container_uri"] is None
    assert unpublished["key_variables"] == ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
    assert aws.invocations()[-2]["snap_start"] is True
    for headers in ({}, {"Authorization": "not-a-token-it-issued"}):
        request = urllib.request.Request(aws.url + "/_stand_in/credentials", headers=headers)
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 401


def test_a_version_number_is_never_reused(probe):
    """Zappa deletes old versions; the next one is numbered after the highest, as Lambda numbers it."""
    lam, name = probe.lam, "stand-in-probe-versions"
    create_probe(lam, name, probe.role)
    published = []
    for description in ("first", "second", "third"):
        lam.update_function_configuration(FunctionName=name, Description=description)
        published.append(lam.publish_version(FunctionName=name)["Version"])
        if description == "second":
            lam.delete_function(FunctionName=name, Qualifier="1")

    versions = [item["Version"] for item in lam.list_versions_by_function(FunctionName=name)["Versions"]]
    lam.delete_function(FunctionName=name)
    assert published == ["1", "2", "3"] and versions == ["$LATEST", "2", "3"]


# The monitoring and schedules of deploy/stack.yaml, in little: a queue, a topic with an e-mail
# subscription, alarms on both, and two schedules of the alias: one whose role may invoke it, one whose
# role may invoke only the unqualified function.
