"""The shared rule set, checked directly: it is what both the hook and the generator site apply."""

import pytest

from option_rules import GROUPS, RULES, derived_facts, load_template_options, reference, split_ids, validate
from option_rules.effects import EFFECTS

OPTIONS = load_template_options()


def test_every_option_has_exactly_one_rule():
    assert set(RULES) == set(OPTIONS)


def test_every_option_has_a_prompt_label():
    import json

    from option_rules import TEMPLATE_DIR

    prompts = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())["__prompts__"]
    assert set(prompts) == set(OPTIONS)


def test_defaults_are_valid():
    defaults = {name: value[0] if isinstance(value, list) else value for name, value in OPTIONS.items()}
    defaults["project_slug"] = "my_lambda_api"
    defaults["deployment_bucket"] = "my-lambda-api-zappa-deployments"

    assert validate(defaults) == {}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("aws_region", "moon-1", "must be one of: us-east-1, "),
        ("python_runtime", "python3.9", "must be one of: python3.13, python3.12"),
        ("use_vpc", "maybe", "must be true or false"),
        ("memory_size", "lots", "must be a whole number"),
        ("memory_size", 20000, "must be between 128 and 10240"),
        ("project_slug", "x", "must be at least 2 characters"),
        ("project_slug", "a" * 41, "must be at most 40 characters"),
        ("project_slug", "os", "standard library"),
        ("project_slug", "django_app", "clashes with a Django module"),
        ("project_slug", "config", "already used by the generated project"),
        ("project_name", "", "is required"),
        ("project_name", "{{ 7*7 }}", "may only contain letters, digits"),
        ("project_name", " padded", "may only contain"),
        ("description", "line\nbreak", "may only contain"),
        ("description", "nul\x00", "may only contain"),
        ("deployment_bucket", "xn--bucket", "reserves"),
        ("deployment_bucket", "a--b", "two hyphens"),
    ],
)
def test_invalid_values_are_named_with_what_is_allowed(field, value, message):
    errors = validate({field: value})

    assert message in errors[field]


def test_the_facts_templates_share_follow_the_vpc_and_the_database():
    """deploy/stack.yaml, the settings, the scripts and the README read these through the derived filter."""
    own = {"use_vpc": "yes", "vpc_subnet_ids": "subnet-0123abcd", "database": "postgresql"}
    assert derived_facts(own).items() >= {"new_vpc": False, "existing_vpc": True, "stack_database": True}.items()
    assert derived_facts(own)["url_database"] is False
    new = {**own, "vpc_subnet_ids": " , ", "database": "none"}
    new_facts = derived_facts(new)
    assert new_facts.items() >= {"new_vpc": True, "existing_vpc": False, "stack_database": False}.items()
    assert new_facts["url_database"] is False
    no_vpc = derived_facts({**own, "use_vpc": False})
    assert no_vpc.items() >= {"new_vpc": False, "existing_vpc": False, "stack_database": False}.items()
    assert no_vpc["url_database"] is True


def test_requests_arrive_under_the_host_of_the_way_in():
    """DJANGO_ALLOWED_HOSTS in zappa_settings.json, .env.example and the README."""
    assert derived_facts({"aws_region": "eu-west-1", "api_gateway": "http_api"})["allowed_hosts"] == (
        ".execute-api.eu-west-1.amazonaws.com"
    )
    assert derived_facts({"aws_region": "eu-west-1", "api_gateway": "function_url"})["allowed_hosts"] == (
        ".lambda-url.eu-west-1.on.aws"
    )


def test_a_vpc_takes_both_id_lists_or_neither():
    assert validate({"use_vpc": False, "vpc_subnet_ids": "", "vpc_security_group_ids": ""}) == {}
    # Neither: the stack creates the VPC.
    assert validate({"use_vpc": True, "vpc_subnet_ids": "", "vpc_security_group_ids": ""}) == {}
    errors = validate({"use_vpc": True, "vpc_subnet_ids": "subnet-0123abcd", "vpc_security_group_ids": " , "})
    assert set(errors) == {"vpc_security_group_ids"}
    assert "give both for your VPC, or neither for a new one" in errors["vpc_security_group_ids"]
    errors = validate({"use_vpc": True, "vpc_subnet_ids": "", "vpc_security_group_ids": "sg-0123abcd"})
    assert set(errors) == {"vpc_subnet_ids"}


def test_unused_ids_must_still_be_plain_text():
    assert "vpc_subnet_ids" in validate({"use_vpc": False, "vpc_subnet_ids": "{{ 7*7 }}"})


@pytest.mark.parametrize(
    "subnets",
    [
        "subnet-0123abcd",
        "subnet-0123456789abcdef0",
        "subnet-0123abcd,subnet-4567cdef",
        " subnet-0123abcd , subnet-4567cdef ",
    ],
)
def test_valid_subnets(subnets):
    assert validate({"use_vpc": True, "vpc_subnet_ids": subnets, "vpc_security_group_ids": "sg-0123abcd"}) == {}


@pytest.mark.parametrize(
    ("subnets", "message"),
    [
        ("subnet-0123ABCD", "expected comma-separated IDs"),
        ("subnet-0123abc", "expected comma-separated IDs"),
        ("subnet-0123abcd,subnet-0123abcd", "same ID twice"),
        (",".join(f"subnet-{i:08x}" for i in range(17)), "at most 16"),
    ],
)
def test_invalid_subnets(subnets, message):
    errors = validate({"use_vpc": True, "vpc_subnet_ids": subnets, "vpc_security_group_ids": "sg-0123abcd"})

    assert message in errors["vpc_subnet_ids"]


def test_split_ids():
    assert split_ids(" a, b ,,c ") == ["a", "b", "c"]


def test_rds_proxy_only_matters_with_postgresql():
    assert validate({"database": "none", "use_rds_proxy": True}) == {}
    assert "use_rds_proxy" in validate({"database": "postgresql", "use_rds_proxy": True, "use_vpc": False})


def test_function_url_allows_long_timeouts():
    assert validate({"api_gateway": "function_url", "timeout_seconds": 900}) == {}
    assert "timeout_seconds" in validate({"api_gateway": "http_api", "timeout_seconds": 31})


def test_docs_options_md_is_the_one_the_rules_write():
    assert set(EFFECTS) == set(OPTIONS)
    assert reference.DOCUMENT.read_text(encoding="utf-8") == reference.render(), (
        "docs/options.md is out of date: run make docs"
    )
    for name in OPTIONS:
        assert f"| `{name}` |" in reference.render(), name


def test_the_documented_command_line_is_accepted():
    typed_as_text = {
        name: str(value).lower() if isinstance(value, bool) else value for name, value in reference.EXAMPLE.items()
    }

    assert validate(typed_as_text) == {}
    assert all(f"{name}=" in reference.example_command() for name in typed_as_text)


def test_every_rule_is_in_a_group_the_form_and_the_docs_show():
    assert {rule.group for rule in RULES.values()} <= set(GROUPS)
    assert len({group.key for group in GROUPS}) == len(GROUPS)


# Written from AWS's pages, not from the rules: function URLs
# (https://docs.aws.amazon.com/lambda/latest/dg/lambda-urls.html), SnapStart
# (https://docs.aws.amazon.com/lambda/latest/dg/snapstart.html) and RDS Proxy.
@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"aws_region": "eu-central-2", "api_gateway": "function_url", "cold_start": "none"}, "api_gateway"),
        ({"aws_region": "il-central-1", "api_gateway": "function_url", "cold_start": "none"}, "api_gateway"),
        ({"aws_region": "ap-east-2", "cold_start": "snap_start"}, "cold_start"),
        ({"aws_region": "ap-southeast-6", "cold_start": "snap_start"}, "cold_start"),
        (
            {
                "aws_region": "ap-east-2",
                "cold_start": "none",
                "database": "postgresql",
                "use_vpc": True,
                "vpc_subnet_ids": "subnet-0123abcd",
                "vpc_security_group_ids": "sg-0123abcd",
                "use_rds_proxy": True,
            },
            "use_rds_proxy",
        ),
    ],
)
def test_features_aws_lacks_in_a_region_are_refused_with_the_source(values, field):
    errors = validate(values)

    assert list(errors) == [field]
    assert values["aws_region"] in errors[field] and "https://docs.aws.amazon.com/" in errors[field]


@pytest.mark.parametrize(
    "values",
    [
        {"aws_region": "eu-west-1", "api_gateway": "function_url"},
        {"aws_region": "ap-east-2", "cold_start": "keep_warm"},
        {"aws_region": "ap-southeast-6", "cold_start": "none", "api_gateway": "rest_api", "use_rds_proxy": True},
    ],
)
def test_the_same_features_are_accepted_where_aws_offers_them(values):
    assert validate(values) == {}
