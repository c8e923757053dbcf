"""The heat map and trend charts in a real browser: drawn in the service's font, and nothing on
the page refused by its Content Security Policy (issue 21). Also proves the crawl's console
check sees a CSP refusal and a script error, so a crawl that passes has really looked."""

from __future__ import annotations

import pytest

from tests.e2e.journey_steps import sign_in
from tests.factories import make_supplier, make_user
from tests.plugins.console_checks import console_problems, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

OFFICER = "officer@example.org"
# What GOV.UK Frontend's stylesheet sets on its text ($govuk-font-family).
GOVUK_FONT_STACK = '"GDS Transport", arial, sans-serif'


@pytest.fixture
def officer_with_a_supplier(session):
    make_supplier(session, name="Brightwater Cleaning Ltd")
    make_user(session, "officer", email=OFFICER)
    session.commit()


def test_charts_use_the_service_font_and_load_without_console_errors(
    live_server, page, officer_with_a_supplier
):
    watch_console(page)
    sign_in(page, live_server.url, OFFICER)
    page.goto(f"{live_server.url}/officer/risk/overview")
    assert console_problems(page) == []
    charts = page.locator("svg.app-chart")
    assert charts.count() == 2
    fonts = charts.locator("text").evaluate_all(
        "(texts) => [...new Set(texts.map((t) => getComputedStyle(t).fontFamily))]")
    assert fonts == [GOVUK_FONT_STACK]
    # The charts keep their size limit without an inline style.
    assert charts.first.evaluate("(svg) => getComputedStyle(svg).maxWidth") == "680px"


def test_the_console_check_reports_csp_refusals_and_script_errors(page):
    watch_console(page)
    body = ('<p style="color: red">Inline style</p>'
            '<script nonce="n">throw new Error("broken script")</script>')
    page.route("http://127.0.0.1:9/", lambda route: route.fulfill(
        status=200, content_type="text/html", body=body,
        headers={"Content-Security-Policy": "style-src 'self'; script-src 'nonce-n'"}))
    page.goto("http://127.0.0.1:9/")
    problems = console_problems(page)
    assert any(p.startswith("console error: ") and "inline style violates" in p for p in problems)
    assert any(p.startswith("CSP violation: style-src-attr refused inline") for p in problems)
    assert any("broken script" in p for p in problems if p.startswith("uncaught script error"))
    assert console_problems(page) == []  # each page is charged only once
