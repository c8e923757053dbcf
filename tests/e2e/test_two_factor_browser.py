"""Two-step sign-in and sessions in Debian's chromium: a supplier sets up an authenticator app
(the test reads the key off the page and computes codes with pyotp, as an app would) and signs
in with a code; a copied ("stolen") session cookie stops working once its owner signs out
everywhere. axe-core checks every new page, and the error states.

Staff must use two-step sign-in here (SUPPLIER_DD_STAFF_MFA=required, the councils' default);
the rest of the suite runs with "optional" (tests/plugins/apps.py)."""

from __future__ import annotations

import time

import pyotp
import pytest

from tests.e2e.journey_steps import assert_accessible, error_summary
from tests.factories import PASSWORD, make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


@pytest.fixture
def app_env():
    return {"SUPPLIER_DD_STAFF_MFA": "required", "SUPPLIER_DD_LOGIN_RATE_LIMIT": "100 per minute"}


def password_step(page, base: str, email: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def enrol_from_the_page(page) -> pyotp.TOTP:
    """Read the key as a person typing it into an app would, and confirm with its code."""
    page.get_by_role("heading", name="Set up two-step sign-in").wait_for()
    assert page.get_by_role("img", name="QR code").is_visible()
    assert_accessible(page, "two-step set-up")
    totp = pyotp.TOTP(page.locator("#totp-key").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill("12")
    page.get_by_role("button", name="Turn on").click()
    assert "Enter the 6-digit code from your authenticator app" in error_summary(page)
    page.get_by_label("Code from the app").fill(totp.now())
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("heading", name="Save your recovery codes").wait_for()
    assert page.locator("#recovery-codes li").count() == 10
    assert_accessible(page, "recovery codes")
    return totp


def next_code(totp: pyotp.TOTP) -> str:
    """The code of the next 30-second step: inside the one-step window, and later than the
    step just used to confirm set-up, so the replay rule lets it through without waiting."""
    return totp.at(time.time() + 30)


def test_a_supplier_sets_up_an_authenticator_and_signs_in_with_a_code(live_server, page,
                                                                      session):
    make_user(session, "supplier", email="supplier@example.org")
    session.commit()
    base = live_server.url
    password_step(page, base, "supplier@example.org")
    page.get_by_role("link", name="Set up two-step sign-in").click()
    totp = enrol_from_the_page(page)
    page.get_by_role("button", name="I have saved these codes").click()
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{base}/sign-in")

    password_step(page, base, "supplier@example.org")
    assert page.url == f"{base}/sign-in/code"
    page.get_by_role("heading", name="Enter the 6-digit code from your authenticator app"
                     ).wait_for()
    assert_accessible(page, "code entry")
    page.get_by_label("Code").fill("000000" if totp.now() != "000000" else "111111")
    page.get_by_role("button", name="Continue").click()
    assert "The code is not right" in error_summary(page)

    page.get_by_role("link", name="use a recovery code").click()
    page.get_by_role("heading", name="Enter a recovery code").wait_for()
    assert_accessible(page, "recovery code entry")
    page.get_by_role("link", name="Back").click()
    page.get_by_label("Code").wait_for()

    page.get_by_label("Code").fill(next_code(totp))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url(f"{base}/supplier/")
    assert not page.get_by_text("Protect your account with a second step").count()


def test_a_stolen_session_cookie_stops_working_after_signing_out_everywhere(
        live_server, browser, page, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    base = live_server.url
    password_step(page, base, "officer@example.org")
    # Staff without a second step are taken to set it up and kept there.
    assert page.url == f"{base}/account/two-factor"
    page.goto(f"{base}/officer/risk/")
    assert page.url == f"{base}/account/two-factor"
    enrol_from_the_page(page)
    page.get_by_role("button", name="I have saved these codes").click()
    page.wait_for_url(f"{base}/officer/risk/")

    thief = browser.new_context()
    thief.add_cookies(page.context.cookies())
    stolen = thief.new_page()
    stolen.goto(f"{base}/officer/risk/")
    assert stolen.url == f"{base}/officer/risk/"  # the copy works, as a stolen cookie would

    page.get_by_role("link", name="Sign-in and security").click()
    page.get_by_role("heading", name="Sign-in and security").wait_for()
    assert page.get_by_text("This device").is_visible()
    assert_accessible(page, "sessions")
    page.get_by_role("button", name="Sign out everywhere, including here").click()
    page.wait_for_url(f"{base}/sign-in")
    assert page.get_by_text("You are signed out everywhere").is_visible()

    stolen.goto(f"{base}/officer/risk/")
    assert stolen.url.startswith(f"{base}/sign-in")
    thief.close()


def test_the_admin_user_page_offers_the_reset_and_passes_axe(live_server, page, session):
    make_user(session, "admin", email="admin@example.org")
    officer = make_user(session, "officer", email="officer@example.org")
    officer.totp_secret = pyotp.random_base32()
    officer.totp_enrolled_at = officer.created_at
    session.commit()
    base = live_server.url
    password_step(page, base, "admin@example.org")
    enrol_from_the_page(page)
    page.goto(f"{base}/admin/users/{officer.id}")
    assert_accessible(page, "admin user page")
    page.get_by_role("button", name="Reset two-step sign-in").click()
    page.get_by_text("two-step sign-in is reset").wait_for()
    assert page.get_by_text("Not set up").is_visible()
