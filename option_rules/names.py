"""Names and text the generated project can take: free text, the package name, the bucket name."""

from __future__ import annotations

import keyword
import sys

from option_rules.aws import BUCKET_RESERVED_PREFIXES, BUCKET_RESERVED_SUFFIXES

# Free text ends up in Markdown, docstrings and TOML strings. Letters of any
# script, digits and plain punctuation only: no braces (Jinja), no quotes or
# backslashes (string escapes), no control or bidi characters.
FREE_TEXT = r"(?!\s)[\w .,:;!?'()&+/@-]*(?<!\s)"
FREE_TEXT_ALLOWED = "letters, digits, spaces and . , : ; ! ? ' ( ) & + / @ -"
# An e-mail address as the author's and the alarms' options take it: no quotes, comments or IP literals.
EMAIL_ADDRESS = r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
EMAIL_ADDRESS_ALLOWED = "an address such as you@example.com"

# App labels of django.contrib: a project package with one of these names
# would clash with the app of the same label.
DJANGO_APP_LABELS = {
    "admin",
    "admindocs",
    "auth",
    "contenttypes",
    "flatpages",
    "gis",
    "humanize",
    "messages",
    "postgres",
    "redirects",
    "sessions",
    "sitemaps",
    "sites",
    "staticfiles",
    "syndication",
}
# Top-level names the generated project or its packages already use: a project package of the same name would
# shadow the module (a slug `six` breaks botocore's imports). The packages' names are every top-level module
# that some option set's venv holds, and Lambda's runtime; tests/template/test_generated_project.py fails when
# one is missing. Names starting with "django" are refused on their own (check_slug).
TAKEN_NAMES = {
    # the generated project's own
    "config",
    "docs",
    "handler",
    "lambda_function",
    "manage",
    "package_info",
    "requirements",
    "scripts",
    "test",
    "tests",
    "zappa_settings",
    "django_zappa_app",
    # its packages', and the runtime's
    "annotated_types",
    "argcomplete",
    "asgiref",
    "attr",
    "attrs",
    "awslambdaric",
    "boto3",
    "botocore",
    "certifi",
    "cfn_clean",
    "cfn_flip",
    "cfn_tools",
    "charset_normalizer",
    "click",
    "dateutil",
    "drf_spectacular",
    "durationpy",
    "hjson",
    "idna",
    "inflection",
    "iniconfig",
    "jmespath",
    "jsonschema",
    "jsonschema_specifications",
    "mangum",
    "markupsafe",
    "ninja",
    "packaging",
    "pip",
    "placebo",
    "pluggy",
    "psycopg",
    "psycopg_binary",
    "py",
    "pydantic",
    "pydantic_core",
    "pygments",
    "pytest",
    "pytest_django",
    "referencing",
    "requests",
    "rest_framework",
    "rpds",
    "ruff",
    "s3transfer",
    "setuptools",
    "six",
    "slugify",
    "snapshot_restore_py",
    "sqlparse",
    "storages",
    "text_unidecode",
    "toml",
    "tqdm",
    "troposphere",
    "typing_extensions",
    "typing_inspection",
    "uritemplate",
    "urllib3",
    "werkzeug",
    "wheel",
    "yaml",
    "zappa",
}


def check_slug(slug: str) -> str | None:
    """not a Python keyword, standard-library module, Django module or app label, nor a name the project
    already uses (`config`, `tests`, `zappa`, …)"""
    if keyword.iskeyword(slug):
        return f"'{slug}' is a Python keyword"
    if slug in sys.stdlib_module_names:
        return f"'{slug}' is a Python standard library module"
    if slug in DJANGO_APP_LABELS or slug.startswith("django"):
        return f"'{slug}' clashes with a Django module or app label"
    if slug in TAKEN_NAMES:
        return f"'{slug}' is already used by the generated project or its packages"
    return None


def check_bucket(name: str) -> str | None:
    """no `--`, not `xn--…`, `sthree-…`, `…-s3alias` or `…--ol-s3` (S3 reserves them)"""
    if name.startswith(BUCKET_RESERVED_PREFIXES) or name.endswith(BUCKET_RESERVED_SUFFIXES):
        return "uses a prefix or suffix that S3 reserves"
    if "--" in name:
        return "must not contain two hyphens in a row"
    return None
