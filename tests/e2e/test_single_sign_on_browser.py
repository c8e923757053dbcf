"""An officer signs in through the council's OpenID provider in Debian's chromium (issue 18):
the real provider (npm's oidc-provider) on 127.0.0.1, its own login page, and back to the
dashboard with the role the officer's group gives. axe checks every new page."""

from __future__ import annotations

from datetime import datetime

import pytest
from playwright.sync_api import expect

from supplier_dd.infrastructure.openid import forget_provider
from supplier_dd.services import audit
from supplier_dd.services.councils import create_council
from supplier_dd.services.single_sign_on import ProviderValues, map_group, save_provider
from supplier_dd.services.users import create_user
from tests.factories import PASSWORD
from tests.identity_provider import CLIENT_SECRET, IdentityProvider, ProviderClient
from tests.plugins.browser import axe_violations, describe

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

NOW = datetime(2026, 12, 4, 9, 0)
SYSTEM = audit.Actor(None, None, None)
PEOPLE = {"ann": {"email": "ann.officer@westshire.gov.uk", "name": "Ann Officer",
                  "groups": ["sdd-officers"]},
          "fin": {"email": "fin@westshire.gov.uk", "name": "Fin Ance", "groups": ["finance"]}}


@pytest.fixture
def westshire(live_server, session, tmp_path):
    base = live_server.url
    provider = IdentityProvider(tmp_path, [ProviderClient(
        "supplier-dd-westshire", [f"{base}/sign-in/council/westshire/callback"],
        [f"{base}/sign-in"])], PEOPLE).start()
    council = create_council(session, "Westshire County Council", NOW, SYSTEM,
                             short_name="westshire")
    save_provider(session, council.id, ProviderValues(
        issuer=provider.issuer, client_id="supplier-dd-westshire", client_secret=CLIENT_SECRET,
        allowed_domains="westshire.gov.uk", groups_claim="groups", enabled=True), SYSTEM, NOW)
    map_group(session, council.id, "sdd-officers", "officer", SYSTEM, NOW)
    create_user(session, "admin@westshire.gov.uk", "admin", PASSWORD, council_id=council.id)
    session.commit()
    yield provider
    provider.stop()
    forget_provider(provider.issuer)


def passes_axe(page) -> None:
    violations = axe_violations(page)
    assert not violations, describe(violations)


def sign_in_at_the_provider(page, login: str) -> None:
    page.get_by_placeholder("Enter any login").fill(login)
    page.get_by_placeholder("and password").fill("any password")
    page.get_by_role("button", name="Sign-in").click()


def test_an_officer_signs_in_with_the_council_account_and_out_of_both(
        live_server, page, westshire):
    base = live_server.url
    page.goto(f"{base}/sign-in")
    passes_axe(page)
    page.get_by_role("link", name="Sign in with your Westshire County Council account").click()
    page.wait_for_url(f"{westshire.issuer}/**")
    sign_in_at_the_provider(page, "ann")

    page.wait_for_url(f"{base}/officer/risk/")
    expect(page.get_by_role("heading", name="Supplier risk", exact=True)).to_be_visible()
    assert "Westshire County Council" in page.locator("header").inner_text()
    passes_axe(page)

    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(f"{base}/signed-out")
    expect(page.get_by_role("heading", name="You have signed out")).to_be_visible()
    passes_axe(page)
    page.get_by_role("button", name="Sign out of your council account").click()
    page.wait_for_url(f"{westshire.issuer}/**")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{base}/sign-in")
    # Signed out of both: signing in again asks for the provider's login once more.
    page.get_by_role("link", name="Sign in with your Westshire County Council account").click()
    expect(page.get_by_placeholder("Enter any login")).to_be_visible()


def test_someone_without_a_mapped_group_is_told_to_ask_their_administrator(
        live_server, page, westshire):
    page.goto(f"{live_server.url}/sign-in/council/westshire")
    sign_in_at_the_provider(page, "fin")
    expect(page.get_by_role("heading", name="You cannot use this service yet")).to_be_visible()
    assert "Ask your supplier due diligence administrator" in page.inner_text("main")
    passes_axe(page)


def test_a_used_sign_in_link_gives_a_page_that_says_start_again(live_server, page, westshire):
    callbacks = []
    page.on("request", lambda request: callbacks.append(request.url)
            if "/callback?" in request.url else None)
    page.goto(f"{live_server.url}/sign-in/council/westshire")
    sign_in_at_the_provider(page, "ann")
    page.wait_for_url(f"{live_server.url}/officer/risk/")
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_url(f"{live_server.url}/signed-out")
    page.goto(callbacks[-1])
    expect(page.get_by_role("heading", name="You have not been signed in")).to_be_visible()
    passes_axe(page)


def test_the_admins_single_sign_on_page_passes_axe(live_server, page, westshire):
    page.goto(f"{live_server.url}/sign-in")
    page.get_by_label("Email address").fill("admin@westshire.gov.uk")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server.url}/admin/**")
    page.goto(f"{live_server.url}/admin/council")
    page.get_by_role("link", name="Single sign-on").click()
    expect(page.get_by_role("heading", name="Single sign-on", exact=True)).to_be_visible()
    expect(page.locator("td code", has_text="sdd-officers")).to_be_visible()
    passes_axe(page)
    page.get_by_role("button", name="Add group").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    assert "Enter the group or app role" in summary.inner_text()
    passes_axe(page)
