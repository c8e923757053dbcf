"""The GOV.UK timeout warning: shown before the session ends, with a way to stay signed in."""

from __future__ import annotations

import pytest

from tests.factories import PASSWORD, make_user
from tests.plugins.browser import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def _sign_in(page, live_server, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    page.clock.install()
    page.goto(f"{live_server.url}/sign-in")
    page.get_by_label("Email address").fill("officer@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/officer/risk/")


def test_warning_appears_and_staying_signed_in_keeps_the_session(live_server, page, session):
    _sign_in(page, live_server, session)
    dialog = page.locator("#timeout-dialog")
    assert not dialog.is_visible()

    page.clock.run_for("28:30")  # 30-minute sessions warn two minutes before the end
    dialog.wait_for(state="visible")
    assert "You’re about to be signed out" in dialog.inner_text()
    assert page.evaluate("document.activeElement.id") == "timeout-stay"
    violations = axe_violations(page)
    assert not violations, describe(violations)

    with page.expect_response(lambda r: "/session/keep-alive" in r.url) as keep_alive:
        page.get_by_role("button", name="Stay signed in").click()
    assert keep_alive.value.ok
    dialog.wait_for(state="hidden")
    assert page.url.endswith("/officer/risk/")


def test_ignoring_the_warning_signs_the_person_out(live_server, page, session):
    _sign_in(page, live_server, session)
    page.clock.run_for("30:05")
    page.wait_for_url(f"{live_server.url}/sign-in")
    assert "You have signed out" in page.inner_text("body")
