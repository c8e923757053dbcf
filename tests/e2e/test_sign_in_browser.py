"""Signing in through the real page in Debian's chromium, with an accessibility check."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_user
from tests.plugins.browser import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_officer_signs_in_through_the_page_and_both_pages_pass_axe(live_server, page, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()

    page.goto(f"{live_server.url}/sign-in")
    violations = axe_violations(page)
    assert not violations, describe(violations)

    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.wait_for_url(f"{live_server.url}/officer/risk/")
    assert page.get_by_role("heading", name="Supplier risk", exact=True).is_visible()
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_wrong_password_shows_the_error_summary_and_it_passes_axe(live_server, page, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    page.goto(f"{live_server.url}/sign-in")
    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_label("Password", exact=True).fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Enter a correct email address and password" in summary.inner_text()
    # GOV.UK Frontend moves focus to the summary (once its script has run) so screen reader
    # users hear the problem first.
    expect(summary).to_be_focused(timeout=15_000)
    violations = axe_violations(page)
    assert not violations, describe(violations)


def test_pages_load_their_assets_without_csp_violations(live_server, page):
    errors = []
    page.on(
        "console", lambda message: errors.append(message.text) if message.type == "error" else None
    )
    page.goto(f"{live_server.url}/sign-in")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.body.classList.contains('govuk-frontend-supported')")
    assert errors == []
