"""In chromium (issue 15): a supplier asked for an annual declaration and for one for an open
tender is told on the sign page, before it signs, that the declaration will also answer the
tender's request; the notice reads at desktop width and at 320 px without sideways scrolling,
axe-clean; after signing, the confirmation and the home page say the tender request is
answered."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.declaration_helpers import (
    fill_everything,
    make_request,
    start_declaration,
    supplier_with_contact,
)
from tests.e2e.journey_steps import assert_accessible, sign_in
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

SHOTS = Path(os.environ.get("SUPPLIER_DD_SHOTS", "test-artifacts/shots"))
EMAIL = "jane@brightwell.example.com"


def test_the_supplier_sees_what_else_its_declaration_will_answer(live_server, browser, client,
                                                                  session):
    SHOTS.mkdir(parents=True, exist_ok=True)
    supplier = supplier_with_contact(session, "Brightwell Cleaning Ltd", EMAIL)
    annual = make_request(session, supplier, kind="annual", due_in_days=60)
    tender_request = make_request(session, supplier, kind="tender", due_in_days=20)
    tender_request.tender.reference = "T-2026-014"
    tender_request.tender.title = "Office cleaning, north area"
    session.commit()
    # The answers, through the pages (the journey tests drive them in the browser).
    client.sign_in(EMAIL, PASSWORD)
    declaration_id = start_declaration(client, annual.id)
    fill_everything(client, declaration_id)

    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_server.url, EMAIL)
    page.goto(f"{live_server.url}/supplier/declarations/{declaration_id}/declare")
    notice = page.locator(".govuk-inset-text", has=page.locator("#also-answers"))
    assert notice.inner_text().splitlines()[0] == "This declaration will also answer:"
    assert "Tender T-2026-014: Office cleaning, north area" in notice.inner_text()
    assert_accessible(page, "sign page with the notice")
    page.screenshot(path=str(SHOTS / "declare-also-answers.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 800})
    assert notice.is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    page.screenshot(path=str(SHOTS / "declare-also-answers-320.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Your full name").fill("Jane Smith")
    page.get_by_label("Your role in the organisation").fill("Director")
    page.get_by_label("I confirm that the answers").check()
    page.get_by_label("I confirm that I have authority").check()
    page.get_by_role("button", name="Sign and submit").click()
    page.get_by_role("heading", name="Declaration submitted").wait_for()
    assert "Tender T-2026-014: Office cleaning, north area" in page.locator(
        "#also-answers").inner_text()
    page.goto(f"{live_server.url}/supplier/")
    card = page.locator(".govuk-summary-card", has_text="Tender T-2026-014")
    assert "Your declaration for Annual declaration" in card.inner_text()
    assert card.get_by_role("button", name="Start").count() == 0
    assert_accessible(page, "home with an answered tender request")
    context.close()
