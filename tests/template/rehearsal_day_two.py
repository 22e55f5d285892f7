"""What a deployed stage does after the response and on its own: tasks, schedules, failed events, alarms, logs.

After the first deploy (test_deploy_rehearsal.py):

- the function's configuration: Lambda's JSON log format, X-Ray as the option says, and, on the alias
  requests use, two retries then the stack's dead-letter queue for failed asynchronous events;
- the alarms, each on its metric with its threshold, notifying the stack's topic (and the e-mail address);
- a request's log: JSON lines that all carry the invocation's request ID, one of them the access line;
- the schedules: their target (the alias), input and role; fired, the handler runs the command;
- tasks, where the options have them: POST /api/events/ enqueues one, which runs under awslambdaric on the
  alias, with the deployed code, and delivers to a webhook receiver on 127.0.0.1; against a receiver that
  always fails, the task runs three times with one request ID, then its event waits in the dead-letter
  queue; the README's "Operating it" commands list it, and send it again once the receiver works.
"""

from __future__ import annotations

import json
from pathlib import Path

from deployed_state import unexplained_parliament_findings
from documented_commands import readme_commands
from iam_calls import Need, allowed, granted_actions, needs
from rehearsal import Rehearsal
from rehearsal_checks import Api

from support.webhook_receiver import WebhookReceiver

OPERATING_HEADING = "## Operating it"
# What scripts/deploy.py promises for failed asynchronous events (Lambda's most): two retries, six hours.
RETRIES, MAX_EVENT_AGE_SECONDS = 2, 21600
ASYNC_TIMEOUT_SECONDS = 120


def send_webhooks_to(project: Path, url: str) -> None:
    """DJANGO_WEBHOOK_URL in every stage, as the README says to set it: the rehearsal's receiver."""
    path = project / "zappa_settings.json"
    settings = json.loads(path.read_text())
    for stage in settings.values():
        stage["aws_environment_variables"]["DJANGO_WEBHOOK_URL"] = url
    path.write_text(json.dumps(settings, indent=2))


def tasks_on(context: dict) -> bool:
    return context["tasks"] == "lambda" or (context["tasks"] == "auto" and not context["use_vpc"])


def check_function_configuration(rehearsal: Rehearsal, outputs: dict[str, str]) -> None:
    """JSON logs and X-Ray on the version requests run; failed asynchronous events retried, then kept."""
    deployment, context = rehearsal.deployment, rehearsal.context
    lambda_client = deployment.client("lambda")
    qualifier = rehearsal.alias or "$LATEST"
    invoke_config = lambda_client.get_function_event_invoke_config(
        FunctionName=deployment.function_name, Qualifier=qualifier
    )
    assert (invoke_config["MaximumRetryAttempts"], invoke_config["MaximumEventAgeInSeconds"]) == (
        RETRIES,
        MAX_EVENT_AGE_SECONDS,
    )
    assert invoke_config["DestinationConfig"]["OnFailure"]["Destination"] == outputs["DeadLetterQueueArn"]
    serving = deployment.configuration(deployment.aliases().get(rehearsal.alias) if rehearsal.alias else None)
    assert serving["LoggingConfig"]["LogFormat"] == "JSON"
    assert serving["LoggingConfig"]["ApplicationLogLevel"] == "INFO"
    assert serving["TracingConfig"]["Mode"] == ("Active" if context["xray_tracing"] else "PassThrough")
    tasks_function = serving["Environment"]["Variables"].get("DJANGO_TASKS_FUNCTION")
    expected = deployment.function_name + (f":{rehearsal.alias}" if rehearsal.alias else "")
    assert tasks_function == (expected if tasks_on(context) else None)


def check_alarms(rehearsal: Rehearsal, outputs: dict[str, str]) -> None:
    """One alarm per signal of the README's "Operating it", each notifying the stack's topic."""
    deployment, context = rehearsal.deployment, rehearsal.context
    name = deployment.function_name
    listed = deployment.client("cloudwatch").describe_alarms(AlarmNamePrefix=f"{name}-")["MetricAlarms"]
    alarms = {alarm["MetricName"]: alarm for alarm in listed}
    assert set(alarms) == {"Errors", "Throttles", "Duration", "ApproximateNumberOfMessagesVisible"}
    near_timeout = int(context["timeout_seconds"]) * 1000 * 0.9
    expected = {  # metric: (namespace, statistic, threshold, dimension)
        "Errors": ("AWS/Lambda", "Sum", 1, {"Name": "FunctionName", "Value": name}),
        "Throttles": ("AWS/Lambda", "Sum", 1, {"Name": "FunctionName", "Value": name}),
        "Duration": ("AWS/Lambda", "Maximum", near_timeout, {"Name": "FunctionName", "Value": name}),
        "ApproximateNumberOfMessagesVisible": (
            "AWS/SQS",
            "Maximum",
            1,
            {"Name": "QueueName", "Value": outputs["DeadLetterQueueArn"].rsplit(":", 1)[1]},
        ),
    }
    for metric, (namespace, statistic, threshold, dimension) in expected.items():
        alarm = alarms[metric]
        assert (alarm["Namespace"], alarm["Statistic"], alarm["Threshold"]) == (namespace, statistic, threshold)
        assert alarm["Dimensions"] == [dimension] and alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["AlarmActions"] == [outputs["AlarmTopicArn"]]
    sns = deployment.client("sns")
    subscribed = sns.list_subscriptions_by_topic(TopicArn=outputs["AlarmTopicArn"])["Subscriptions"]
    email = context["alarm_email"]
    assert [(item["Protocol"], item["Endpoint"]) for item in subscribed] == ([("email", email)] if email else [])


def check_request_log(api: Api) -> None:
    """Every line a request logs is JSON with the invocation's request ID; one is the access line."""
    answer, log = api.request("GET", "/health/")
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert lines and len({line["requestId"] for line in lines}) == 1 and lines[0]["requestId"], log
    [access] = [line for line in lines if line["logger"] == "access"]
    assert (access["method"], access["status"]) == ("GET", answer["statusCode"]) and access["path"].endswith("/health/")
    assert access["duration_ms"] > 0


def check_schedules(rehearsal: Rehearsal) -> None:
    """The schedules' role invokes and dead-letters, nothing else; clearsessions where sessions exist: on the
    alias, with its input; fired, it runs."""
    deployment, context, aws = rehearsal.deployment, rehearsal.context, rehearsal.aws
    resources = deployment.client("cloudformation").describe_stack_resources(
        StackName=f"{deployment.function_name}-resources"
    )["StackResources"]
    role = next(item["PhysicalResourceId"] for item in resources if item.get("LogicalResourceId") == "SchedulerRole")
    role_policies = deployment.role_policies(f"role/{role}")
    assert granted_actions(role_policies) == {"lambda:InvokeFunction", "sqs:SendMessage"}
    assert unexplained_parliament_findings(role_policies) == []
    scheduler = deployment.client("scheduler")
    names = sorted(item["Name"] for item in scheduler.list_schedules()["Schedules"])
    assert names == ([f"{deployment.function_name}-clearsessions"] if context["use_admin"] else [])
    for name in names:
        schedule = scheduler.get_schedule(Name=name)
        target = schedule["Target"]
        assert target["Arn"] == deployment.arn(rehearsal.alias)
        assert json.loads(target["Input"]) == {"manage": "clearsessions", "schedule": "clearsessions"}
        assert target["RoleArn"].endswith(f"/{role}")
        assert allowed(Need("lambda:InvokeFunction", target["Arn"]), role_policies)
        before = len(aws.invocations())
        aws.fire_schedule(name, context["aws_region"])
        aws.wait_for_async(ASYNC_TIMEOUT_SECONDS)
        [run] = aws.invocations()[before:]
        assert run["event"] == json.loads(target["Input"]) and run["error_type"] is None
        assert run["qualifier"] == (rehearsal.alias or "$LATEST")


def check_tasks(rehearsal: Rehearsal, api: Api, receiver: WebhookReceiver, outputs: dict[str, str]) -> None:
    """A task delivered; a task retried into the dead-letter queue, listed and sent again by the README's commands."""
    context = rehearsal.context
    commands = readme_commands(rehearsal.project, OPERATING_HEADING)
    listing = "uv run scripts/failed_events.py production"
    assert commands == [listing, f"{listing} --retry"]
    if not tasks_on(context):
        assert api.request("POST", "/api/events/", json.dumps({"order": 1}))[0]["statusCode"] == 404
        assert "no failed events" in rehearsal.run(commands[0])
        return
    delivered = enqueue_event(rehearsal, api, {"order": 42})
    assert receiver.delivered() == [delivered]
    [run] = task_runs(rehearsal, delivered)
    assert (run["invocation_type"], run["error_type"]) == ("Event", None)
    assert run["qualifier"] == (rehearsal.alias or "$LATEST")
    assert run["snap_start"] is (context["cold_start"] == "snap_start")

    receiver.failing = True
    failed = enqueue_event(rehearsal, api, {"order": 43})
    runs = task_runs(rehearsal, failed)
    assert [item["attempt"] for item in runs] == [1, 2, 3] and all(item["error_type"] for item in runs)
    assert len({item["request_id"] for item in runs}) == 1  # Lambda retries the same event
    [record] = dead_letters(rehearsal, outputs["DeadLetterQueueUrl"])
    assert record["requestPayload"]["task"]["id"] == failed
    assert (record["requestContext"]["condition"], record["requestContext"]["approximateInvokeCount"]) == (
        "RetriesExhausted",
        RETRIES + 1,
    )
    listed = rehearsal.run(commands[0])
    assert failed in listed and "RetriesExhausted after 3 attempts" in listed
    receiver.failing = False
    rehearsal.run(commands[1])
    rehearsal.aws.wait_for_async(ASYNC_TIMEOUT_SECONDS)
    assert receiver.delivered() == [delivered, failed]
    assert dead_letters(rehearsal, outputs["DeadLetterQueueUrl"]) == []
    check_own_calls(rehearsal)


def enqueue_event(rehearsal: Rehearsal, api: Api, event: dict) -> str:
    """POST /api/events/ as the API sends it; the task's ID once every asynchronous invocation is done."""
    answer, _ = api.request("POST", "/api/events/", json.dumps(event))
    assert answer["statusCode"] == 202, answer
    rehearsal.aws.wait_for_async(ASYNC_TIMEOUT_SECONDS)
    return json.loads(answer["body"])["task_id"]


def task_runs(rehearsal: Rehearsal, task_id: str) -> list[dict]:
    return [
        item
        for item in rehearsal.aws.invocations()
        if isinstance(item["event"], dict) and (item["event"].get("task") or {}).get("id") == task_id
    ]


def dead_letters(rehearsal: Rehearsal, queue_url: str) -> list[dict]:
    """What the dead-letter queue holds, left in it."""
    sqs = rehearsal.deployment.client("sqs")
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", [])
    return [json.loads(message["Body"]) for message in messages]


def check_own_calls(rehearsal: Rehearsal) -> None:
    """The function's enqueue calls are allowed by its role on the alias only: not $LATEST, nor another function."""
    deployment = rehearsal.deployment
    policies = deployment.role_policies(deployment.configuration()["Role"])
    enqueued = [
        call
        for call in rehearsal.aws.calls()
        if (call["service"], call["operation"]) == ("lambda", "Invoke") and "task" in (call.get("body") or {})
    ]
    assert enqueued
    for call in enqueued:
        assert all(allowed(need, policies) for need in needs(call, {})), call
    elsewhere = deployment.arn(None if rehearsal.alias else "1")  # $LATEST beside the alias, or a version
    others = [elsewhere, deployment.arn().replace(deployment.function_name, "another-function")]
    assert not any(allowed(Need("lambda:InvokeFunction", arn), policies) for arn in others)
