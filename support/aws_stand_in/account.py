"""The account the stand-in answers for: its ID, the dummy credentials that sign for it, its functions' ARNs.

Tests, the stand-in's own answers and the code it runs all name the same account and Lambda
functions the same way; this is where that is written down, once.
"""

from __future__ import annotations

from moto.core import DEFAULT_ACCOUNT_ID

# The account moto answers for.
ACCOUNT_ID = DEFAULT_ACCOUNT_ID
# Credentials that can't sign anything real.
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing"}


def function_arn(region: str, name: str, qualifier: str | None = None) -> str:
    """A Lambda function's ARN, with the alias or version when there is one."""
    arn = f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{name}"
    return f"{arn}:{qualifier}" if qualifier else arn


def split_function_name(name_or_arn: str, qualifier: str | None = None) -> tuple[str, str | None]:
    """('my-fn', 'alias') from 'my-fn', 'my-fn:alias' or a full or partial ARN, an explicit Qualifier winning."""
    name, _, in_name = name_or_arn.split(":function:")[-1].partition(":")
    return name, qualifier or in_name or None
