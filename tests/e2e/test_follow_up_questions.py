"""Follow-up questions in chromium (issue 21): with JavaScript a "yes" shows its detail question
at once, and taking the answer back hides it again; the two are saved together. Without
JavaScript the page behaves as before: saving the page asks the follow-up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask import current_app
from playwright.sync_api import expect

from supplier_dd.models import Declaration
from supplier_dd.models.base import utcnow
from supplier_dd.services import declarations as service
from supplier_dd.services.evidence import EvidenceStore
from tests.declaration_helpers import make_request, supplier_with_contact
from tests.e2e.journey_steps import assert_accessible, banner, go, sign_in
from tests.unit.test_risk_scoring import BEST

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

CONTACT = "contact@acme.example"
SHOTS = Path(os.environ.get("SUPPLIER_DD_SHOTS", "test-artifacts/shots"))


@pytest.fixture
def draft(session) -> Declaration:
    supplier = supplier_with_contact(session, "Acme Facilities Ltd", CONTACT)
    request = make_request(session, supplier)
    session.commit()
    store = EvidenceStore(Path(current_app.config["SUPPLIER_DD_SETTINGS"].upload_dir))
    declaration = service.start_or_resume(session, store, request, None, utcnow())
    # The rest of the first page answered, so only the follow-up decides what happens.
    declaration.answers = {"org_legal_name": BEST["org_legal_name"],
                           "org_company_number": "01234567"}
    session.commit()
    return declaration


def _url(base, declaration, page_id="identity", section_id="organisation"):
    return f"{base}/supplier/declarations/{declaration.id}/sections/{section_id}/{page_id}"


def _choose(page, name, value):
    page.locator(f'input[name="{name}"][value="{value}"]').check()


def test_with_javascript_a_follow_up_appears_as_soon_as_its_answer_is_chosen(
        live_server, page, session, draft):
    sign_in(page, live_server.url, CONTACT)
    page.goto(_url(live_server.url, draft))
    parent = page.locator('[name="org_parent_name"]')
    expect(parent).to_be_hidden()
    _choose(page, "org_in_group", "yes")
    expect(parent).to_be_visible()
    assert_accessible(page, "a revealed follow-up")
    _choose(page, "org_in_group", "no")
    expect(parent).to_be_hidden()
    _choose(page, "org_in_group", "yes")
    parent.fill("Acme Holdings plc")
    go(page.get_by_role("button", name="Save and continue"))
    assert page.url.endswith("/sections/organisation/operations")  # asked once, not twice
    session.expire_all()
    answers = session.get(Declaration, draft.id).answers
    assert (answers["org_in_group"], answers["org_parent_name"]) == ("yes", "Acme Holdings plc")


def test_with_javascript_a_follow_up_of_a_follow_up_goes_with_the_answer_above_it(
        live_server, page, session, draft):
    sign_in(page, live_server.url, CONTACT)
    page.goto(_url(live_server.url, draft, "relevance", "s54"))
    compliant = page.locator('[name="s54_compliant"]').first
    reason = page.locator('[name="s54_non_compliance_reason"]')
    expect(compliant).to_be_hidden()
    _choose(page, "s54_is_rco", "yes")
    expect(compliant).to_be_visible()
    _choose(page, "s54_compliant", "no")
    expect(reason).to_be_visible()
    _choose(page, "s54_is_rco", "no")
    expect(compliant).to_be_hidden()
    expect(reason).to_be_hidden()  # its question is hidden, so its answer no longer counts


@pytest.mark.parametrize("page", [False], indirect=True)
def test_without_javascript_saving_the_page_asks_the_follow_up(live_server, page, session,
                                                               draft):
    sign_in(page, live_server.url, CONTACT)
    page.goto(_url(live_server.url, draft))
    parent = page.locator('[name="org_parent_name"]')
    _choose(page, "org_in_group", "yes")
    expect(parent).to_be_hidden()  # nothing runs in the page to show it
    go(page.get_by_role("button", name="Save and continue"))
    assert "Your answers mean we need to ask you more on this page" in banner(page)
    expect(parent).to_be_visible()
    assert_accessible(page, "the follow-up after saving, without JavaScript")
    parent.fill("Acme Holdings plc")
    go(page.get_by_role("button", name="Save and continue"))
    assert page.url.endswith("/sections/organisation/operations")
    session.expire_all()
    assert session.get(Declaration, draft.id).answers["org_parent_name"] == "Acme Holdings plc"
