"""Option combinations the tests bake. Together they use every value of every option."""

import pytest

SUBNETS = "subnet-0123456789abcdef0, subnet-89abcdef"
SECURITY_GROUPS = "sg-0123456789abcdef0"

SUPPORTED_COMBINATIONS = [
    pytest.param({}, id="defaults"),
    pytest.param(
        {
            "project_name": "Rest Proxy Admin",
            "python_runtime": "python3.12",
            "django_version": "6.1",
            "api_gateway": "rest_api",
            "use_vpc": True,
            "vpc_subnet_ids": SUBNETS,
            "vpc_security_group_ids": SECURITY_GROUPS,
            "use_rds_proxy": True,
            "use_admin": True,
            "aws_region": "eu-central-1",
            "cold_start": "provisioned_concurrency",
            "provisioned_concurrency": 3,
        },
        id="rest_api-vpc-rds_proxy-admin-py312-dj61",
    ),
    pytest.param(
        {
            "project_name": "Url Minimal",
            "api_gateway": "function_url",
            "database": "none",
            "storage": "none",
            "ci_tool": "none",
            "cold_start": "none",
            "timeout_seconds": 300,
            "ephemeral_storage": 2048,
            "memory_size": 512,
            "django_version": "6.1",
        },
        id="function_url-no_db-no_storage-no_ci",
    ),
    pytest.param(
        {
            "project_name": "Vpc Without Proxy",
            "use_vpc": True,
            "vpc_subnet_ids": "subnet-0123abcd",
            "vpc_security_group_ids": "sg-0123abcd, sg-89abcdef",
            "aws_region": "ap-southeast-2",
            "python_runtime": "python3.12",
        },
        id="http_api-vpc-postgres_direct-py312",
    ),
    pytest.param(
        {
            "project_name": "Rest No Database",
            "api_gateway": "rest_api",
            "database": "none",
            "cold_start": "keep_warm",
            "deployment_bucket": "my-company-deployments",
        },
        id="rest_api-no_db-s3",
    ),
]

# (extra_context, field the hook must name)
UNSUPPORTED_COMBINATIONS = [
    pytest.param({"use_rds_proxy": True}, "use_rds_proxy", id="rds_proxy-without-vpc"),
    pytest.param({"use_admin": True, "database": "none"}, "use_admin", id="admin-without-database"),
    pytest.param({"use_admin": True, "storage": "none"}, "use_admin", id="admin-without-s3"),
    pytest.param({"timeout_seconds": 60}, "timeout_seconds", id="http_api-timeout-over-30s"),
    pytest.param({"api_gateway": "rest_api", "timeout_seconds": 30}, "timeout_seconds", id="rest_api-timeout-over-29s"),
    pytest.param({"use_vpc": True}, "vpc_subnet_ids", id="vpc-without-subnets"),
    pytest.param(
        {"use_vpc": True, "vpc_subnet_ids": "subnet-xyz", "vpc_security_group_ids": SECURITY_GROUPS},
        "vpc_subnet_ids",
        id="malformed-subnet",
    ),
    pytest.param(
        {"use_vpc": True, "vpc_subnet_ids": SUBNETS, "vpc_security_group_ids": "sg-123"},
        "vpc_security_group_ids",
        id="malformed-security-group",
    ),
    pytest.param({"project_slug": "json"}, "project_slug", id="slug-stdlib-module"),
    pytest.param({"project_slug": "class"}, "project_slug", id="slug-keyword"),
    pytest.param({"project_slug": "auth"}, "project_slug", id="slug-django-app-label"),
    pytest.param({"project_slug": "My-Api"}, "project_slug", id="slug-not-identifier"),
    pytest.param({"author_email": "not-an-email"}, "author_email", id="bad-email"),
    pytest.param({"memory_size": 64}, "memory_size", id="memory-too-small"),
    pytest.param({"deployment_bucket": "Bad_Bucket"}, "deployment_bucket", id="bad-bucket-name"),
    pytest.param({"cold_start": "snap_start", "ephemeral_storage": 1024}, "ephemeral_storage", id="snapstart-big-tmp"),
    pytest.param(
        {"cold_start": "provisioned_concurrency", "provisioned_concurrency": 0},
        "provisioned_concurrency",
        id="provisioned-zero",
    ),
]
