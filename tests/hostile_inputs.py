"""A corpus of hostile option values, shared by the site's and the CLI's tests.

Each code-execution payload, if it ever ran, would create the canary file (a path the
test passes in); the test then checks that it doesn't exist. Values marked ``text`` are
hostile-looking but are plain text where an option takes free text (a description may
well say "../docs"): there they may be accepted, and must then appear literally in the
generated project, never evaluated.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

# Written here from docs/options.md, not read from the rules: the options that take free text (where
# a hostile-looking value may be plain text), and those the defaults leave unused (no VPC, SnapStart).
FREE_TEXT_OPTIONS = {"project_name", "description", "author_name"}
UNUSED_BY_DEFAULT = {"vpc_subnet_ids", "vpc_security_group_ids", "provisioned_concurrency"}


def harmless_unused(field: str, value: object) -> bool:
    """What an unused option may hold and be accepted (and ignored): a whole number for the number
    (provisioned_concurrency), plain words and lists for the text options."""
    if field == "provisioned_concurrency":
        return isinstance(value, int) and not isinstance(value, bool) or bool(re.fullmatch(r"[0-9]{1,6}", str(value)))
    return isinstance(value, str) and re.fullmatch(r"[\w ,.-]*", value) is not None


@dataclass(frozen=True)
class Hostile:
    id: str
    value: object
    text: bool = False  # acceptable as free text (no braces, quotes, controls: see option_rules.FREE_TEXT)


def _jinja(canary: str) -> list[Hostile]:
    touch = f"touch {canary}"
    return [
        Hostile("expression", "{{ 7*7 }}"),
        Hostile("statement", "{% raw %}x{% endraw %}"),
        Hostile("comment", "{# hidden #}"),
        Hostile("line-statement", f"# set x = cycler.__init__.__globals__.os.system('{touch}')\n"),
        Hostile("cycler-os", f"{{{{ cycler.__init__.__globals__.os.system('{touch}') }}}}"),
        Hostile("lipsum-popen", f"{{{{ lipsum.__globals__['os'].popen('{touch}').read() }}}}"),
        Hostile("joiner-os", f"{{{{ joiner.__init__.__globals__.os.system('{touch}') }}}}"),
        Hostile("namespace-os", f"{{{{ namespace.__init__.__globals__.os.system('{touch}') }}}}"),
        Hostile(
            "builtins-import",
            f"{{{{ self.__init__.__globals__.__builtins__.__import__('os').system('{touch}') }}}}",
        ),
        Hostile(
            "subclasses-walk",
            "{% for c in ''.__class__.__mro__[1].__subclasses__() %}{% if c.__name__ == 'catch_warnings' %}"
            f"{{{{ c()._module.__builtins__['__import__']('os').system('{touch}') }}}}{{% endif %}}{{% endfor %}}",
        ),
        Hostile("open-write", f"{{{{ cycler.__init__.__globals__.__builtins__.open('{canary}', 'w').write('x') }}}}"),
        Hostile("set-statement", f"{{% set x = cycler.__init__.__globals__.os.system('{touch}') %}}"),
        Hostile("include", "{% include '/etc/passwd' %}"),
        Hostile("import", "{% import 'os' as os %}{{ os }}"),
        Hostile("other-value", "{{ cookiecutter.project_slug }}"),
        Hostile("config-leak", "{{ config }}{{ self }}{{ cookiecutter }}"),
        Hostile("split-open", "{{"),
        Hostile("split-close", "}}"),
        Hostile("fullwidth-braces", "\uff5b\uff5b 7*7 \uff5d\uff5d"),
    ]


def _shell(canary: str) -> list[Hostile]:
    return [
        Hostile("command-substitution", f"$(touch {canary})"),
        Hostile("backticks", f"`touch {canary}`"),
        Hostile("semicolon", f"x; touch {canary}", text=True),  # plain text: no shell sees it
        Hostile("pipe", f"x | touch {canary}"),
        Hostile("quote-break", f"x' && touch {canary} && echo '", text=True),
    ]


def _paths(canary: str) -> list[Hostile]:
    return [
        Hostile("dot-dot", "../../../../tmp/escaped", text=True),
        Hostile("absolute", canary, text=True),
        Hostile("dot-dot-only", "..", text=True),
        Hostile("backslashes", "..\\..\\windows\\system32"),
        Hostile("url-encoded", "%2e%2e%2f%2e%2e%2fetc%2fpasswd"),
        Hostile("double-encoded", "%252e%252e%252fetc"),
        Hostile("overlong-utf8", "..%c0%af..%c0%afetc"),
        Hostile("dot-slash-tricks", "....//....//etc", text=True),
        Hostile("home", "~/.ssh/id_rsa"),
        Hostile("file-url", "file:///etc/passwd", text=True),
    ]


def _characters() -> list[Hostile]:
    return [
        Hostile("nul", "a\x00b"),
        Hostile("escape-sequence", "\x1b[31mred\x1b[0m"),
        Hostile("bell", "ding\x07"),
        Hostile("carriage-return", "a\rb"),
        Hostile("newline", "first\nsecond"),
        Hostile("tab", "a\tb"),
        Hostile("delete", "a\x7fb"),
        Hostile("right-to-left-override", "safe\u202etxt.exe"),
        Hostile("zero-width-space", "ad\u200bmin"),
        Hostile("byte-order-mark", "\ufeffname"),
        Hostile("cyrillic-lookalike", "\u0430dmin", text=True),
        Hostile("fullwidth-letters", "\uff50\uff52\uff4f\uff4a\uff45\uff43\uff54", text=True),
        Hostile("combining-marks", "e\u0301\u0301\u0301", text=True),
        Hostile("lone-surrogate", "a\ud800b"),
        Hostile("quotes", "x\" y ' z"),
        Hostile("html", "<script>alert(1)</script>"),
        Hostile("very-long", "x" * 5000),
        Hostile("leading-space", " padded "),
    ]


def hostile_values(canary: str) -> list[Hostile]:
    """Every value of the corpus; ``canary`` is the path a successful payload would create."""
    return [*_jinja(canary), *_shell(canary), *_paths(canary), *_characters()]


# Keys no request may set: cookiecutter's private and internal keys, its own arguments, nonsense.
HOSTILE_KEYS = [
    "_template",
    "_extensions",
    "_copy_without_render",
    "_output_dir",
    "_checkout",
    "__prompts__",
    "template",
    "checkout",
    "output_dir",
    "replay",
    "config_file",
    "colour",
    "../project_name",
    "project_name\x00",
    "{{ 7*7 }}",
    "",
]

# JSON values of the wrong type, for every option.
WRONG_JSON_TYPES = {
    "list": ["a", "b"],
    "object": {"nested": {"deeper": 1}},
    "null": None,
    "float": 1.5,
    "huge-integer": 10**40,
}


def project_texts(files: dict[str, str]) -> list[str]:
    """Where free text lands in a generated project, as a reader gets it: README.md, and every string of
    pyproject.toml decoded (its writer escapes non-ASCII letters)."""

    def strings(data: object) -> list[str]:
        if isinstance(data, dict):
            return [text for value in data.values() for text in strings(value)]
        if isinstance(data, list):
            return [text for value in data for text in strings(value)]
        return [data] if isinstance(data, str) else []

    return [files["README.md"], *strings(tomllib.loads(files["pyproject.toml"]))]
