"""Answers that cannot all be true are refused on the page that makes them contradict, with a
GOV.UK error message linked from the error summary (issue 21); nothing contradictory is saved.
Declarations already submitted under v1 still score as they did. On SQLite and
PostgreSQL."""

from __future__ import annotations

import re

import pytest

from tests.declaration_helpers import (
    all_form_values,
    declaration_of,
    fill_section,
    make_request,
    start_declaration,
    supplier_with_contact,
)
from tests.factories import PASSWORD
from tests.unit.test_risk_scoring import BEST, scored

CONTACT = "own@supplier.example"
RCO_NEEDS_TURNOVER = ("A relevant commercial organisation has a turnover of £36 million or "
                      "more: select no, or change your annual turnover (you said under £36 "
                      "million)")
TURNOVER_TOO_LOW = ("You said your organisation is a relevant commercial organisation, which "
                    "needs a turnover of £36 million or more: select its turnover, or change "
                    "your answer about section 54")
COMPLIANT_NEEDS_STATEMENT = ("Being compliant with section 54 needs a published modern slavery "
                             "statement: select no, or say you have a statement")


@pytest.fixture
def draft(session, client):
    supplier = supplier_with_contact(session, "Own Facilities Ltd", CONTACT)
    request = make_request(session, supplier)
    session.commit()
    client.sign_in(CONTACT, PASSWORD)
    return start_declaration(client, request.id)


def _page(declaration_id: int, section: str, page: str) -> str:
    return f"/supplier/declarations/{declaration_id}/sections/{section}/{page}"


def _error_links(html: str) -> dict[str, str]:
    """The error summary's links: {target id: message}."""
    summary = re.search(r'class="govuk-error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary"
    return {target: " ".join(text.split()) for target, text in
            re.findall(r'<a href="#([\w-]+)">(.*?)</a>', summary.group(0), re.S)}


def _field_error(html: str, question_id: str) -> str:
    match = re.search(rf'id="{question_id}-error"[^>]*>(.*?)</p>', html, re.S)
    assert match, f"no error message on {question_id}"
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


def test_a_relevant_commercial_organisation_under_36m_is_refused(client, session, draft):
    fill_section(client, draft, "organisation", all_form_values(
        {"org_turnover_band": "under-36m"}))
    response = client.submit(_page(draft, "s54", "relevance"), {
        "s54_is_rco": "yes", "s54_compliant": "yes", "s54_has_statement": "yes"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _error_links(html) == {"s54_is_rco": RCO_NEEDS_TURNOVER}
    assert _field_error(html, "s54_is_rco") == f"Error: {RCO_NEEDS_TURNOVER}"
    answers = declaration_of(session, draft).answers
    assert "s54_is_rco" not in answers and "s54_compliant" not in answers
    assert answers["s54_has_statement"] == "yes"  # the rest of the page is kept


def test_turnover_changed_below_36m_after_saying_rco_is_refused(client, session, draft):
    fill_section(client, draft, "organisation", all_form_values(
        {"org_turnover_band": "60m-100m"}))
    fill_section(client, draft, "s54", all_form_values())  # a relevant organisation
    response = client.submit(_page(draft, "organisation", "operations"),
                             {"org_turnover_band": "under-36m"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert _error_links(html) == {"org_turnover_band": TURNOVER_TOO_LOW}
    assert declaration_of(session, draft).answers["org_turnover_band"] == "60m-100m"


def test_compliant_without_a_statement_is_refused(client, session, draft):
    fill_section(client, draft, "organisation", all_form_values(
        {"org_turnover_band": "36m-60m"}))
    relevance = _page(draft, "s54", "relevance")
    revealing = client.submit(relevance, {"s54_is_rco": "yes", "s54_has_statement": "no"})
    assert revealing.status_code == 302  # "compliant?" is asked now
    response = client.submit(relevance, {"s54_compliant": "yes"})
    assert response.status_code == 200
    assert _error_links(response.get_data(as_text=True)) == {
        "s54_compliant": COMPLIANT_NEEDS_STATEMENT}


def test_consistent_answers_go_through(client, session, draft):
    fill_section(client, draft, "organisation", all_form_values(
        {"org_turnover_band": "36m-60m"}))
    fill_section(client, draft, "s54", all_form_values())
    assert declaration_of(session, draft).answers["s54_compliant"] == "yes"


def test_contradictory_answers_already_submitted_score_as_they_did():
    """The rules guard what a supplier can submit from now on; scoring (and verification,
    which reads the stored canonical answers) never consult them, so a v1 declaration
    submitted with these answers before keeps its score."""
    contradictory = BEST | {"org_turnover_band": "under-36m", "s54_is_rco": "yes",
                            "s54_compliant": "yes"}
    consistent = contradictory | {"org_turnover_band": "36m-60m"}  # turnover earns no points
    assert scored(contradictory) == scored(consistent)
