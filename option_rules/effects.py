"""What each option changes in the generated project, in the words of docs/options.md ("What it does").

What an option accepts is not repeated here: docs/options.md derives that column from the rules.
"""

from __future__ import annotations

EFFECTS: dict[str, str] = {
    "project_name": "Title of the README, `lambda_description`, app verbose name.",
    "project_slug": "Project folder, Python package of the API, Lambda function names (`my-lambda-api-production`).",
    "description": "README and `pyproject.toml`.",
    "author_name": "`pyproject.toml`.",
    "author_email": "`pyproject.toml`.",
    "aws_region": "`aws_region` of both stages, S3 region, allowed hosts, CI. 17 of the regions are opt-in: enable "
    "them for the account before the first deploy.",
    "python_runtime": "Lambda runtime; the CI's and the build's Python version (bytecode only works on the version "
    "that compiled it).",
    "architecture": "The function's instruction set (`architecture` in `zappa_settings.json`), and the Linux wheels "
    "`scripts/build_package.py` installs (`x86_64-manylinux_2_34` or `aarch64-manylinux_2_34`). `x86_64` is the "
    "default: AWS offers it in every region, and the template's tests run its packages under AWS's runtime client. "
    "`arm64` costs 20% less per GB-second and supports SnapStart and provisioned concurrency as x86_64 does; this "
    "machine's tests check its package's native code by ELF header and wheel tag, and run it only where it has none. "
    "Switching an existing stage: `scripts/deploy.py` changes the function's architecture with the new package.",
    "django_version": "Pinned Django release in `pyproject.toml` (and `uv.lock`); 5.2 is the long-term support release "
    "(supported until April 2028).",
    "api_framework": "How the API under `/api/` is written; `/health/` stays a plain view. `none`: plain Django "
    "views (`views.py`), no OpenAPI schema. `ninja`: Django Ninja routes with typed schemas (`api.py`). `drf`: Django "
    "REST framework views and serializers, JSON only, no session or basic authentication (the API uses no cookies). "
    "Both frameworks serve the OpenAPI schema at `/api/openapi.json` (its paths keep the API Gateway stage) and "
    "Swagger UI at `/api/docs/`, whose script comes from a CDN. The sample API (echo, and notes with PostgreSQL) "
    "answers with the same JSON fields in all three (times in ISO 8601, Ninja's to the millisecond); errors are each "
    "framework's own (a `detail` field; Ninja answers 422 to a body that isn't a JSON object), and the project's "
    "tests check each. A framework is loaded by the first request, "
    "which it makes slower: [docs/benchmarks.md](benchmarks.md) measures both.",
    "api_gateway": "How requests reach the function. `http_api`: API Gateway v2, cheaper and faster. `rest_api`: "
    "API Gateway v1. Zappa deploys both with a named stage, so their URLs carry it (`/production/…`); the handler "
    "reads the stage from each event and tells Django (`SCRIPT_NAME`), so links and redirects keep it. "
    "`function_url`: no API Gateway; no API Gateway time limit, no API Gateway features (throttling, API keys).",
    "memory_size": "Lambda gives CPU in proportion to memory: cold starts and CPU-bound requests get faster with more.",
    "timeout_seconds": "The function's timeout. API Gateway ends every request at its own limit, so a longer Lambda "
    "timeout only runs on after the client got a 504.",
    "use_vpc": "Puts the function in a VPC (yours, or one the stack creates: see `vpc_subnet_ids`) and gives its role "
    "the network-interface permissions. With PostgreSQL, the stack then creates the database there. A function in a "
    "VPC has no internet access without a NAT gateway: the stack (`deploy/stack.yaml`) adds a Secrets Manager "
    "interface endpoint (billed per hour per AZ) for the secret and, with `storage=s3`, a free S3 gateway endpoint, "
    "unless the VPC has them.",
    "vpc_subnet_ids": "`vpc_config.SubnetIds`. Empty, with no security groups either: each stage's stack creates its "
    "own VPC (two private subnets in two Availability Zones, a route table with no route out, the function's security "
    "group allowing only HTTPS and PostgreSQL inside the VPC), and `scripts/deploy.py` passes its subnets and group to "
    "Zappa. Pick private subnets in at least two availability zones (with a database, `scripts/deploy.py` refuses "
    "fewer: RDS needs two).",
    "vpc_security_group_ids": "`vpc_config.SecurityGroupIds`. The stack's database accepts 5432 from the VPC's "
    "address range.",
    "database": "PostgreSQL through psycopg 3, an example `Note` model and read API, a `/health/` that checks the "
    "database, the migrate step in CI. With `use_vpc`, the stack creates the database (RDS for PostgreSQL, private, "
    "encrypted, 7 days of backups) and RDS keeps and rotates its password in a secret of its own, which `config/rds/` "
    "reads at the first connection and again after a rotation. Without a VPC it is yours: `DATABASE_URL`, kept in the "
    "stage's Secrets Manager secret. `none`: no database, no models.",
    "use_rds_proxy": "Without it, every connection is closed after its request (`CONN_MAX_AGE = 0`): each concurrent "
    "Lambda instance would otherwise hold one while idle, and a db.t3.micro accepts about 87. With it, the stack adds "
    "RDS Proxy in front of its database, logging in with the same secret, and the function connects to the proxy; "
    "each instance keeps its connection to the proxy across warm invocations (`CONN_MAX_AGE = 600`, "
    "`CONN_HEALTH_CHECKS = True`) and server-side cursors are off, as a transaction pooler needs.",
    "storage": "`s3`: django-storages with the `STORAGES` setting, static files under `static/` and uploads under "
    "`media/` of one bucket per stage, credentials from the function's role, `collectstatic` by the deploy command, "
    "the bucket made by the stack (encrypted; only `static/` public). `none`: a pure API without files.",
    "use_admin": "Adds the admin, auth, sessions and messages apps and their middleware, and a daily `clearsessions` "
    "schedule in the stack. Off by default: it adds to every cold start, and an API rarely needs it in production.",
    "cold_start": "How production avoids cold starts; the `dev` stage always uses none of them. `snap_start` "
    "(default): Lambda snapshots the initialised function once per published version and restores new instances from "
    "it; Zappa keeps a `snapstart` alias, and every way in (API Gateway, or the function URL, which the deploy command "
    "moves there) targets it. It costs little per request, needs no guess of the traffic, and works for every "
    "concurrent instance, which is why it is the default; the handler registers the runtime hooks it needs (priming "
    "before the snapshot, closing connections, re-seeding `random` after restore). Not with provisioned concurrency, "
    "EFS, or more than 512 MB of `/tmp` (AWS's rules). `provisioned_concurrency`: that many instances stay "
    "initialised, billed all the time; best for steady traffic with strict latency; it serves through Zappa's "
    "`provisioned-concurrency` alias. `keep_warm`: Zappa's 4-minute ping; keeps one instance warm only. `none`: "
    "plain on-demand.",
    "provisioned_concurrency": "Instances kept initialised.",
    "ephemeral_storage": "Size of `/tmp`.",
    "deployment_bucket": "`s3_bucket` of `zappa_settings.json`, where Zappa uploads packages and its API's "
    "CloudFormation template and deletes them once used. The stack of `deploy/deployment-bucket.yaml` creates it "
    "(private, encrypted, HTTPS only, leftovers expire after 7 days), shared by the stages; the destroy command "
    "deletes it with the last stage.",
    "ci_tool": "A pipeline with ruff, the tests against a PostgreSQL service and, on `main`, the README's deploy "
    "command (`uv run scripts/deploy.py production`) run by a role it assumes through OIDC: no stored keys. "
    "`github_actions`: `.github/workflows/ci.yml`; only the repository's `production` environment may assume the "
    "role. `gitlab_ci`: `.gitlab-ci.yml`; the deploy job asks for an `id_tokens` token (audience "
    "`sts.amazonaws.com`), and only a job of the project's `main` branch may assume the role (the token's `sub` "
    "claim; IAM can test no other claim of a GitLab token, so GitLab's protection of `main`, which the README has "
    "you keep, decides who may push there). `uv run scripts/ci_access.py production` creates that role "
    "(`deploy/ci-access.yaml`, which holds the trust policy): it may release the app but not change IAM.",
    "tasks": "Django's Tasks API (`@task`, `.enqueue()`; on Django 5.2 through the `django-tasks` backport, which has "
    "the same API) with a backend, `config/lambda_tasks.py`, that runs each task in the function itself: `enqueue()` "
    "checks that the arguments are JSON and sends one asynchronous invocation to the alias the API uses. Lambda "
    "retries a failed task twice (a minute, then two minutes later), then keeps its event in the stack's dead-letter "
    "queue, whose alarm fires. The sample `POST /api/events/` answers 202 at once, and a task delivers the event to "
    "`DJANGO_WEBHOOK_URL`. `auto`: on where it costs nothing at rest, off with `use_vpc` (in a VPC the function "
    "reaches Lambda's API through an interface endpoint, billed per hour in each AZ); `lambda`: on, with that "
    "endpoint in a VPC; `none`: no tasks.",
    "xray_tracing": "`xray_tracing` in `zappa_settings.json`: Lambda traces sampled invocations and sends them to "
    "X-Ray, and the role may write traces (`xray:PutTraceSegments`, `xray:PutTelemetryRecords`). Billed per trace "
    "beyond X-Ray's free tier.",
    "alarm_email": "The stack's alarms (function errors, throttles, duration near the timeout, an event in the "
    "dead-letter queue) publish to an SNS topic of the stack; this address is subscribed to it once its owner follows "
    "the link in AWS's confirmation e-mail. Empty: subscribe any address or endpoint to the topic later.",
}
