"""What AWS allows, with the page that says so: the limits and regional gaps the rules enforce."""

from __future__ import annotations

from typing import Any

# Lambda's own ranges (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html):
# memory 128-10240 MB, timeout up to 900 s, /tmp 512-10240 MB.
MEMORY_MB = (128, 10240)
TIMEOUT_SECONDS = (1, 900)
EPHEMERAL_STORAGE_MB = (512, 10240)

# How long API Gateway waits for the function: https://docs.aws.amazon.com/apigateway/latest/developerguide/
# http-api-quotas.html (HTTP API, 30 s, fixed) and api-gateway-execution-service-limits-table.html (REST
# API, 29 s; more only for Regional and private APIs on request, and Zappa deploys an edge-optimized one).
GATEWAY_TIMEOUT_SECONDS = {"http_api": 30, "rest_api": 29}

# SnapStart for Python: 3.12 and later, and only with the default 512 MB of /tmp
# (https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html, "Supported features and limitations").
SNAPSTART_MIN_PYTHON = (3, 12)
SNAPSTART_EPHEMERAL_STORAGE_MB = 512

# Lambda's instruction sets and the manylinux platform of each, for the package's wheels: the python3.12 and
# python3.13 runtimes run on Amazon Linux 2023, glibc 2.34 (https://docs.aws.amazon.com/lambda/latest/dg/
# lambda-runtimes.html). Duration is billed 20% less on arm64: $0.0000133334 against $0.0000166667 per
# GB-second in us-east-1 (https://aws.amazon.com/lambda/pricing/, read December 2026).
WHEEL_PLATFORMS = {"x86_64": "x86_64-manylinux_2_34", "arm64": "aarch64-manylinux_2_34"}

# Features missing from some of the regions in cookiecutter.json, as AWS lists them (read December 2026).
# (option, value): (regions without it, what it is, where AWS says so)
UNAVAILABLE_IN: dict[tuple[str, Any], tuple[frozenset[str], str, str]] = {
    ("api_gateway", "function_url"): (
        frozenset(
            {
                "ap-south-2",
                "ap-southeast-4",
                "ap-southeast-5",
                "ap-southeast-6",
                "ap-southeast-7",
                "ap-east-2",
                "ca-west-1",
                "eu-south-2",
                "eu-central-2",
                "il-central-1",
                "me-central-1",
            }
        ),
        "Lambda function URLs",
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-urls.html",
    ),
    ("cold_start", "snap_start"): (
        frozenset({"ap-east-2", "ap-southeast-6"}),
        "Lambda SnapStart",
        "https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html",
    ),
    # AWS: "The arm64 architecture is available in most AWS Regions", listed only in the pricing page's Arm
    # tab, which couldn't be read from here. Allowed where AWS's own Powertools for Lambda publishes arm64
    # layers (github.com/aws-powertools/powertools-lambda-python, .github/workflows/
    # reusable_deploy_v3_layer_stack.yml: has_arm64_support "true" in each of its 29 regions); refused in the
    # regions that list leaves out, until someone checks them.
    ("architecture", "arm64"): (
        frozenset({"ap-east-2", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "mx-central-1"}),
        "arm64 Lambda that this template could confirm",
        "https://docs.aws.amazon.com/lambda/latest/dg/foundation-arch.html",
    ),
    # The RDS for PostgreSQL rows of this table were not readable when checked; the Aurora and RDS for
    # MariaDB rows mark both regions "not available", and refusing costs less than a failed deploy.
    ("use_rds_proxy", True): (
        frozenset({"ap-east-2", "ap-southeast-6"}),
        "RDS Proxy",
        "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.RDS_Fea_Regions_DB-eng.Feature.RDSProxy.html",
    ),
}

# S3 bucket names: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
BUCKET_RESERVED_PREFIXES = ("xn--", "sthree-")
BUCKET_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3")


def gateway_limits() -> str:
    """The API Gateway limits in words, '29 s (REST API) or 30 s (HTTP API)', for help texts."""
    rest, http = GATEWAY_TIMEOUT_SECONDS["rest_api"], GATEWAY_TIMEOUT_SECONDS["http_api"]
    return f"{rest} s (REST API) or {http} s (HTTP API)"
