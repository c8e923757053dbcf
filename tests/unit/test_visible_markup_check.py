"""The crawl's "markup shown as text" check (tests/plugins/page_checks.py) sees what escaped
markup looks like on a page, and leaves ordinary prose alone."""

from __future__ import annotations

import pytest

from tests.plugins.page_checks import markup_in_text


@pytest.mark.parametrize("shown", [
    'Your reference<br><strong>DEC-000002</strong>',
    'Fingerprint (SHA-256) <code class="app-hash">9f86d0</code>',
    'Evidence <a class="govuk-link" href="/officer/declarations/2/evidence/1">s.pdf</a>',
    "Organisation name <strong class=\"govuk-tag govuk-tag--yellow\">Copied</strong>",
    "Line one<br/>Line two",
    "Statement &amp; policy.pdf",  # escaped twice: the page shows the entity
    "&lt;strong&gt;",
    "&amp;lt;",
    "&#60;b",
    "<!-- a comment -->",
])
def test_escaped_markup_is_found(shown):
    assert markup_in_text(f"Some text before. {shown} Some text after.")


@pytest.mark.parametrize("shown", [
    "Statement & policy.pdf",
    "Legal & Community; MDS&HT",
    "Fewer than 10 < 20 workers, more than 5 > 2",
    "Contracts worth <£10,000",
    "a->b and <- arrows",
])
def test_prose_is_left_alone(shown):
    assert markup_in_text(shown) == []


def test_text_a_record_deliberately_holds_is_excluded_exactly():
    entered = ("<script>alert(1)</script>",)
    assert markup_in_text("Name: <script>alert(1)</script>", entered) == []
    assert markup_in_text("Name: <script>alert(2)</script>", entered)
