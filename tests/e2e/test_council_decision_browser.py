"""In chromium: an officer rejects a declaration, the supplier sees why and what to do next on
its home page (axe-clean), and the email it receives reads as a message in a browser."""

from __future__ import annotations

import os
from pathlib import Path

from supplier_dd.jobs.reminders import run_send
from supplier_dd.models.base import utcnow
from tests.factories import PASSWORD
from tests.integration.test_notifications import REASON, rejected_world  # noqa: F401
from tests.plugins.browser import axe_violations, describe

SHOTS = Path(os.environ.get("SUPPLIER_DD_SHOTS", "test-artifacts/shots"))


def _sign_in(page, base, email):
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def test_a_rejection_is_shown_to_the_supplier_and_mailed(live_server, browser, app, session,
                                                         smtp_server, rejected_world, tmp_path):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    officer = browser.new_context()
    page = officer.new_page()
    _sign_in(page, base, "priya@council.example")
    page.goto(f"{base}/officer/risk/suppliers/{rejected_world['supplier'].id}/review")
    page.get_by_label("Reject the declaration").check()
    page.get_by_label("Reason").fill(REASON)
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Decision recorded").wait_for()
    officer.close()

    supplier = browser.new_context()
    page = supplier.new_page()
    _sign_in(page, base, "amara@brightwater.example")
    page.goto(f"{base}/supplier/")
    banner = page.get_by_role("region", name="Important")
    assert "rejected your declaration" in banner.inner_text()
    card = page.locator("#council-decision")
    assert "Rejected" in card.inner_text() and REASON in card.inner_text()
    assert page.get_by_role("button", name="Make a new version").is_visible()
    assert axe_violations(page) == [], describe(axe_violations(page))
    page.screenshot(path=str(SHOTS / "supplier-home-rejected.png"), full_page=True)
    supplier.close()

    run_send(app, session, utcnow)
    message = smtp_server.to("amara@brightwater.example")[0]
    email_file = tmp_path / "declaration_rejected.html"
    email_file.write_text(message.html(), encoding="utf-8")
    viewer = browser.new_context(java_script_enabled=False)
    page = viewer.new_page()
    page.goto(email_file.as_uri())
    assert REASON in page.inner_text("body")
    assert page.get_by_role("link", name="Sign in and make a new version").get_attribute(
        "href").startswith("http://127.0.0.1:5000/")
    page.screenshot(path=str(SHOTS / "email-declaration-rejected.png"), full_page=True)
    viewer.close()


def test_each_role_chooses_a_daily_digest_on_its_email_settings_page(live_server, browser,
                                                                     rejected_world):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    for email in ("amara@brightwater.example", "priya@council.example", "lee@council.example"):
        context = browser.new_context()
        page = context.new_page()
        _sign_in(page, live_server.url, email)
        page.get_by_role("link", name="Your email settings").click()
        page.get_by_role("heading", name="Your email settings").wait_for()
        assert axe_violations(page) == [], describe(axe_violations(page))
        page.get_by_label("Send me one summary email a day").check()
        page.get_by_role("button", name="Save").click()
        page.get_by_text("Your email settings have been saved").wait_for()
        assert page.get_by_label("Send me one summary email a day").is_checked()
        page.screenshot(path=str(SHOTS / f"email-settings-{email.split('@')[0]}.png"),
                        full_page=True)
        context.close()
