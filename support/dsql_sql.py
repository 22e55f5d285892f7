"""SQL that Aurora DSQL refuses, as AWS documents it, and which statements of a migration hit it.

Each :class:`Refusal` is one documented limit, with the page that says so (docs/aurora-dsql.md has the
research). :func:`refusals` holds the statements ``manage.py sqlmigrate`` prints against them, so that a
migration DSQL would refuse fails a test instead of a deploy. The list follows AWS's pages of December
2026; where DSQL has since added a form (``DROP COLUMN``, ``DROP NOT NULL``, foreign keys, identity
columns), it is allowed here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

USER_GUIDE = "https://docs.aws.amazon.com/aurora-dsql/latest/userguide/"
UNSUPPORTED = USER_GUIDE + "working-with-postgresql-compatibility-unsupported-features.html"
ALTER_TABLE = USER_GUIDE + "alter-table-syntax-support.html"


@dataclass(frozen=True)
class Refusal:
    pattern: re.Pattern[str]  # matched against one statement, case-insensitively
    what: str
    source: str


def _refusal(pattern: str, what: str, source: str) -> Refusal:
    return Refusal(re.compile(pattern, re.IGNORECASE | re.DOTALL), what, source)


REFUSED = [
    _refusal(r"^ALTER TABLE .* ALTER COLUMN .* TYPE ", "changing a column's type", ALTER_TABLE),
    _refusal(r"^ALTER TABLE .* ALTER COLUMN .* SET NOT NULL", "SET NOT NULL on an existing column", ALTER_TABLE),
    _refusal(
        r"^ALTER TABLE .* ADD COLUMN [^,]*( NOT NULL| DEFAULT )",
        "adding a column with NOT NULL or a default (a type only)",
        ALTER_TABLE,
    ),
    _refusal(r"^ALTER TABLE .* ADD CONSTRAINT (?!.* NOT VALID)", "adding a constraint without NOT VALID", ALTER_TABLE),
    _refusal(r"^CREATE (UNIQUE )?INDEX (?!ASYNC )", "CREATE INDEX without ASYNC", UNSUPPORTED),
    _refusal(r"^(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b", "savepoints", UNSUPPORTED),
    _refusal(r"^TRUNCATE\b", "TRUNCATE (DELETE FROM instead)", UNSUPPORTED),
    _refusal(
        r"^CREATE (TEMPORARY |TEMP )?TABLE .* (INHERITS|PARTITION BY)\b", "inheritance or partitions", UNSUPPORTED
    ),
    _refusal(r"^CREATE (TEMPORARY|TEMP) TABLE\b", "temporary tables", UNSUPPORTED),
    _refusal(r"^CREATE (OR REPLACE )?TRIGGER\b", "triggers", UNSUPPORTED),
    _refusal(r"^CREATE EXTENSION\b", "extensions", UNSUPPORTED),
    _refusal(r"^CREATE DATABASE\b", "more than one database", UNSUPPORTED),
    _refusal(
        r"\s(SMALL|BIG)?SERIAL\b",
        "SERIAL columns: their implicit sequence has no CACHE, which DSQL requires",
        USER_GUIDE + "create-sequence-syntax-support.html",
    ),
]


def statements(sql: str) -> list[str]:
    """The statements of ``sqlmigrate``'s output, without comments, blank lines or the BEGIN/COMMIT around them."""
    lines = [line for line in sql.splitlines() if line.strip() and not line.lstrip().startswith("--")]
    found = [statement.strip() for statement in "\n".join(lines).split(";\n") if statement.strip()]
    return [statement.rstrip(";") for statement in found if statement.rstrip(";").upper() not in ("BEGIN", "COMMIT")]


def refusals(sql: str) -> list[tuple[str, Refusal]]:
    """Each statement DSQL would refuse, with the documented limit it breaks (the first that matches)."""
    found = []
    for statement in statements(sql):
        refusal = next((refusal for refusal in REFUSED if refusal.pattern.search(statement)), None)
        if refusal:
            found.append((statement, refusal))
    return found
