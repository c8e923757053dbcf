"""No template builds HTML by joining strings (issue 15).

With autoescaping on, `'<strong>' ~ (value | e)` escapes the literal because the other side is
already Markup, so the page shows `<strong>` as text; without `| e` the value is not escaped at
all. Markup belongs in the template itself ({% set x %}...{% endset %}, a macro, {% call %}).
This reads every template with Jinja's own lexer, so it sees expressions exactly as Jinja does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from jinja2 import Environment

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# A string literal holding a tag, or starting with the end of one: '<a href="', '<br>',
# '</strong>', '">', '>'. Text such as ' > ' (a separator) is not markup.
MARKUP_LITERAL = re.compile(r"</?[a-zA-Z!]|^\"?/?>")
JOINING_FILTERS = {"join", "replace"}
IGNORED_TOKENS = {"whitespace", "comment", "comment_begin", "comment_end", "linecomment"}


def markup_concatenations(source: str) -> list[tuple[int, str]]:
    """(line, literal) for each markup string literal joined with `~` or used to `join(...)`."""
    tokens = [t for t in Environment().lex(source) if t[1] not in IGNORED_TOKENS]
    found = []
    for index, (lineno, kind, value) in enumerate(tokens):
        if kind != "string" or not MARKUP_LITERAL.search(value[1:-1]):
            continue
        if _joins(tokens, index):
            found.append((lineno, value))
    return found


def _joins(tokens: list, index: int) -> bool:
    """Whether the literal at `index` is an operand of `~` (through any brackets round it) or
    an argument of `join(...)` or `replace(...)`, which escape it when the text is Markup."""
    before = index - 1
    while before >= 0 and tokens[before][2] == "(":
        before -= 1
    after = index + 1
    while after < len(tokens) and tokens[after][2] == ")":
        after += 1
    if (before >= 0 and tokens[before][2] == "~") or (
            after < len(tokens) and tokens[after][2] == "~"):
        return True
    return _enclosing_call(tokens, index) in JOINING_FILTERS


def _enclosing_call(tokens: list, index: int) -> str | None:
    """The name of the call whose brackets hold the token at `index`, if any."""
    depth = 0
    for position in range(index - 1, -1, -1):
        kind, value = tokens[position][1], tokens[position][2]
        if kind in ("variable_begin", "block_begin") or value in ("{", "["):
            return None
        if value == ")":
            depth += 1
        elif value == "(":
            if depth == 0:
                return tokens[position - 1][2] if position else None
            depth -= 1
    return None


def _templates() -> list[Path]:
    return sorted(TEMPLATES.rglob("*.html"))


def test_the_lint_sees_the_patterns_that_escaped_markup():
    offenders = (
        "{{ x({'html': 'Your reference<br><strong>' ~ (ref | e) ~ '</strong>'}) }}\n"
        "{% set _ = links.append('<a href=\"' ~ url ~ '\">' ~ name ~ '</a>') %}\n"
        "{{ y({'html': links | join('<br>')}) }}\n"
        "{% set key = (q | e) ~ ((' <strong class=\"govuk-tag\">Copied</strong>') if c else '') %}\n"  # noqa: E501
        "{{ z({'html': (text | e | replace('\\n', '<br>'))}) }}\n"
    )
    lines = [line for line, _literal in markup_concatenations(offenders)]
    assert lines == [1, 1, 2, 2, 2, 3, 4, 5]
    clean = (
        "{% set title = 'Review the assessment of ' ~ supplier.name %}\n"
        "{% set key_html %}{{ q.short }} <strong class=\"govuk-tag\">Copied</strong>{% endset %}\n"
        "<p>{{ section ~ ' > ' ~ page }}</p>\n"
    )
    assert markup_concatenations(clean) == []


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_concatenates_markup_strings(template):
    found = markup_concatenations(template.read_text(encoding="utf-8"))
    assert not found, (
        f"{template.relative_to(TEMPLATES)} builds HTML by joining strings at "
        + ", ".join(f"line {line}: {literal}" for line, literal in found)
        + ". Write the markup in the template ({% set x %}...{% endset %}) and pass that."
    )
