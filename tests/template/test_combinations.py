"""The claims of combinations.py hold: every value, every feasible pair and every region is baked,
and what it calls impossible is exactly what the template's rules refuse."""

from __future__ import annotations

import itertools
import json

import pytest
from combinations import (
    DIMENSIONS,
    PAIRWISE_VALUES,
    REGIONAL,
    SECURITY_GROUPS,
    SUBNETS,
    complete,
    conflict,
    feasible_pairs,
    pairs_in,
    regions,
)
from helpers import REPO_DIR

from option_rules import validate

OPTIONS = {
    key: value for key, value in json.loads((REPO_DIR / "cookiecutter.json").read_text()).items() if key[0] != "_"
}
# AWS's limits, from https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html:
# memory 128-10,240 MB, timeout up to 900 s, /tmp 512-10,240 MB.
LAMBDA_BOUNDS = {"memory_size": (128, 10240), "timeout_seconds": (1, 900), "ephemeral_storage": (512, 10240)}


def test_every_choice_and_both_booleans_are_dimensions():
    for name, default in OPTIONS.items():
        if isinstance(default, list) and name != "aws_region":
            assert set(DIMENSIONS[name]) == set(default), name
        elif isinstance(default, bool):
            assert set(DIMENSIONS[name]) == {False, True}, name
    for name, (low, high) in LAMBDA_BOUNDS.items():
        assert {low, high, OPTIONS[name]} <= set(DIMENSIONS[name]), name


def test_every_feasible_pair_is_baked():
    baked = set().union(*(pairs_in(row) for row in PAIRWISE_VALUES))

    assert feasible_pairs() - baked == set()
    assert len(feasible_pairs()) > 400  # 13 options, most of whose values pair freely


def test_every_value_is_baked_and_every_region():
    for name, values in DIMENSIONS.items():
        assert {row[name] for row in PAIRWISE_VALUES} == set(values), name
    assert [param.values[0]["aws_region"] for param in REGIONAL] == regions() == OPTIONS["aws_region"]
    assert len({row["aws_region"] for row in PAIRWISE_VALUES}) >= len(PAIRWISE_VALUES) // 2


def with_vpc_ids(values: dict) -> dict:
    return {**values, "vpc_subnet_ids": SUBNETS, "vpc_security_group_ids": SECURITY_GROUPS}


@pytest.mark.parametrize(("a", "b"), list(itertools.combinations(DIMENSIONS, 2)))
def test_the_rules_refuse_exactly_the_pairs_called_impossible(a, b):
    defaults = {name: values[0] for name, values in DIMENSIONS.items()}
    for value_a, value_b in itertools.product(DIMENSIONS[a], DIMENSIONS[b]):
        pair = {a: value_a, b: value_b}
        row = complete(pair, set())
        if row is None:  # impossible: the rules must refuse it, whatever else is chosen
            assert conflict({**defaults, **pair}) is not None
            assert validate(with_vpc_ids({**defaults, **pair})), pair
        else:
            assert validate(with_vpc_ids(row)) == {}, (pair, row)


def test_every_baked_row_and_region_is_accepted():
    for values in PAIRWISE_VALUES + [param.values[0] for param in REGIONAL]:
        assert validate(values) == {}, values


@pytest.mark.parametrize("region", regions())
def test_regional_gaps_agree_with_the_rules(region):
    gaps = [
        {"api_gateway": "function_url"},
        {"cold_start": "snap_start"},
        {"use_rds_proxy": True},
        {"architecture": "arm64"},
    ]
    for change in gaps:
        values = {"aws_region": region, "cold_start": "none", "use_vpc": True, "database": "postgresql", **change}
        values = with_vpc_ids(values)
        assert bool(validate(values)) is (conflict(values) is not None), values
