"""In chromium: 'Forgotten your password?' from the sign-in page to a new password, each page
axe-clean, the email read through the real SMTP server, and a used link explained."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from supplier_dd.jobs.reminders import run_send
from supplier_dd.models.base import utcnow
from tests.factories import make_user
from tests.plugins.browser import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

SHOTS = Path(os.environ.get("SUPPLIER_DD_SHOTS", "test-artifacts/shots"))
NEW_PASSWORD = "correct horse battery staple"


def _clean(page, name: str) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)
    for width, suffix in ((1280, ""), (320, "-320")):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"{name}{suffix}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_person_resets_their_password_in_the_browser(live_server, page, app, session,
                                                       smtp_server):
    SHOTS.mkdir(parents=True, exist_ok=True)
    make_user(session, "legal", email="legal@example.org")
    session.commit()
    base = live_server.url

    page.goto(f"{base}/sign-in")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_role("heading", name="Reset your password").wait_for()
    _clean(page, "reset-ask")
    page.get_by_role("button", name="Send me a link").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "Enter your email address" in page.locator(".govuk-error-summary").inner_text()
    _clean(page, "reset-ask-error")

    page.get_by_label("Email address").fill("legal@example.org")
    page.get_by_role("button", name="Send me a link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    assert "If legal@example.org has an account" in page.inner_text("main")
    _clean(page, "reset-sent")

    run_send(app, session, utcnow)
    [message] = smtp_server.to("legal@example.org")
    link = next(word for word in message.text().split() if "/reset-password/" in word)
    path = "/reset-password/" + link.split("/reset-password/", 1)[1]

    page.goto(base + path)
    page.get_by_role("heading", name="Choose a new password").wait_for()
    _clean(page, "reset-choose")
    page.get_by_label("New password", exact=True).fill("too short")
    page.get_by_label("Confirm your new password").fill("too short")
    page.get_by_role("button", name="Change password and sign in").click()
    page.locator(".govuk-error-summary").wait_for()
    assert "12 characters or more" in page.locator(".govuk-error-summary").inner_text()
    _clean(page, "reset-choose-error")

    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm your new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Change password and sign in").click()
    page.wait_for_url(f"{base}/officer/risk/")
    assert "Your password has been changed" in page.inner_text("main")

    page.goto(base + path)
    page.get_by_role("heading", name="You cannot use this password reset link").wait_for()
    assert "already been used" in page.inner_text("main")
    _clean(page, "reset-link-used")
    page.get_by_role("button", name="Ask for a new link").click()
    page.get_by_role("heading", name="Reset your password").wait_for()
