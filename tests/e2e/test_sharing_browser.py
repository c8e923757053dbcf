"""In chromium (issue 17): a supplier that declared for one council shares the declaration with
East District Council from its home page: the confirm page says what is shared, refuses a share
not confirmed with an error summary, and shares once confirmed; 'Councils you work with' shows
the consent, and stopping sharing asks for confirmation too. East's officer sees 'Shared by'.
Every page axe-clean, and each reads at 320 px without sideways scrolling."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.e2e.journey_steps import assert_accessible, error_summary, go, sign_in
from tests.factories import PASSWORD
from tests.web.test_sharing_pages import (  # noqa: F401 - the fixture is used by name
    EAST,
    SUPPLIER_EMAIL,
    _declare_for_first_council,
    partnership,
)

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

SHOTS = Path(os.environ.get("SUPPLIER_DD_SHOTS", "test-artifacts/shots"))


def _fits_a_phone(page, name: str) -> None:
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320, name
    page.screenshot(path=str(SHOTS / f"sharing-{name}-320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(SHOTS / f"sharing-{name}.png"), full_page=True)


def test_a_supplier_shares_with_another_council_and_stops(live_server, browser, client,
                                                         partnership):  # noqa: F811
    SHOTS.mkdir(parents=True, exist_ok=True)
    client.sign_in(SUPPLIER_EMAIL, PASSWORD)
    declaration_id = _declare_for_first_council(client, partnership)

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, SUPPLIER_EMAIL)
    page.goto(f"{live_server.url}/supplier/")
    share = page.get_by_role("link", name=re.compile(f"Share my declaration of .* with {EAST}"))
    assert share.count() == 1
    assert_accessible(page, "home offering to share")
    _fits_a_phone(page, "home")

    go(share)
    assert page.get_by_role("heading", level=1).inner_text().startswith(
        "Share your declaration of")
    assert "statement.pdf" in page.inner_text("main")
    assert_accessible(page, "share confirm page")
    _fits_a_phone(page, "share")
    go(page.get_by_role("button", name="Share my declaration"))
    assert "Confirm that you want to share this declaration" in error_summary(page)
    _fits_a_phone(page, "share-error")

    page.get_by_label(re.compile("I agree to share this declaration")).check()
    go(page.get_by_role("button", name="Share my declaration"))
    assert page.get_by_role("heading", level=1).inner_text() == "Councils you work with"
    card = page.locator(".govuk-summary-card", has_text=EAST)
    assert "Sharing since" in card.inner_text()
    assert_accessible(page, "councils you work with, sharing")
    _fits_a_phone(page, "councils")

    go(card.get_by_role("link", name=f"Stop sharing with {EAST}"))
    assert_accessible(page, "stop sharing confirm page")
    _fits_a_phone(page, "stop")
    go(page.get_by_role("button", name="Stop sharing"))
    assert "Confirm that you want to stop sharing" in error_summary(page)
    page.get_by_label(re.compile("I want to stop sharing")).check()
    go(page.get_by_role("button", name="Stop sharing"))
    card = page.locator(".govuk-summary-card", has_text=EAST)
    assert "You stopped sharing on" in card.inner_text()
    assert_accessible(page, "councils you work with, stopped")
    context.close()

    # East's officer sees the declaration as shared with it.
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, live_server.url, "officer@east.example")
    page.goto(f"{live_server.url}/officer/declarations/{declaration_id}")
    assert "Shared by Brightwater Cleaning Ltd on" in page.inner_text("main")
    assert_accessible(page, "officer's view of a shared declaration")
    _fits_a_phone(page, "officer-view")
    page.goto(f"{live_server.url}/officer/declarations")
    assert "made for another council’s request" in page.inner_text("main")
    assert_accessible(page, "officer's list with a shared declaration")
    context.close()
