"""Fixtures shared by all tests; plain helpers live in helpers.py and, shared with the benchmarks, in support/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.postgres import database_url, throwaway_database


@pytest.fixture
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database; yields its URL and drops it afterwards."""
    with throwaway_database("lambda_pkg") as name:
        yield database_url(name)
