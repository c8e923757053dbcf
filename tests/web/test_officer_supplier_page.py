"""The officer's supplier page (issue 21): the risk summary first, the rest folded in a GOV.UK
accordion, declarations listed as links to each one, nothing lost on the way."""

from __future__ import annotations

import re

from tests.factories import PASSWORD, make_supplier, make_user
from tests.integration.test_risk_workflow import submitted_declaration
from tests.risk_helpers import add_risk_records
from tests.unit.test_risk_scoring import BEST


def _page(client, session):
    supplier = make_supplier(session, name="Brightwater Cleaning Ltd")
    declaration = submitted_declaration(session, supplier, BEST | {"wf_id_documents": "yes"})
    officer = make_user(session, "officer", email="officer@example.org")
    records = add_risk_records(session, supplier, officer)
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    html = client.get(f"/officer/suppliers/{supplier.id}").get_data(as_text=True)
    return html, declaration, records


def test_the_risk_summary_comes_first_and_the_rest_is_folded(client, session):
    html, declaration, _records = _page(client, session)
    accordion = html.index('data-module="govuk-accordion"')
    summary = html[html.index('id="risk"'):accordion]
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", summary))
    # Rating, residual and inherent band, review status, the declaration, next due, and what
    # is open: all before any section of detail.
    assert "Residual score" in text and "of 100" in text and "inherent risk" in text
    assert "Review: queried" in text or "Review: to review" in text
    assert f"DEC-{declaration.id:06d}" in text and "Submitted" in text
    assert "Next declaration due" in text
    assert "Open queries 1" in text and "Open corrective actions 1, 1 marked done" in text
    assert "Review this assessment" in text
    sections = re.findall(r'class="govuk-accordion__section-button"[^>]*>\s*([^<]+?)\s*<', html)
    assert sections == [
        "Queries and corrective actions", "How the score was worked out", "Declarations",
        "Assessment and review history", "Re-attestation and reminders",
        "Modern slavery statement registry", "Profile and contacts", "Contracts"]
    assert html.index("Inherent risk factors") > accordion
    assert html.index("Legal name") > accordion
    # Something is waiting for the officer, so that section starts open.
    assert re.search(r'govuk-accordion__section govuk-accordion__section--expanded', html)


def test_declarations_are_links_to_each_declaration(client, session):
    html, declaration, _records = _page(client, session)
    link = f'href="/officer/declarations/{declaration.id}">DEC-{declaration.id:06d}</a>'
    assert html.count(link) == 2  # in the summary and in the Declarations section
    assert "Declaration 1 (questionnaire" not in text_of_html(html)


def test_every_piece_of_the_old_page_is_still_there(client, session):
    html, _declaration, _records = _page(client, session)
    page = text_of_html(html)
    for text in ("Companies House number", "No contacts have an account yet", "No contracts",
                 "Reminders sent", "statement registry", "Queries sent to the supplier", "Fees?",
                 "Corrective actions", "Check agencies", "Assessment history", "Check fees",
                 "Inherent risk factors"):
        assert text in page, text


def text_of_html(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def test_a_supplier_awaiting_a_declaration_shows_no_residual_rating(client, session):
    supplier = make_supplier(session, name="Quiet Accountants LLP", sector="Accounting")
    make_user(session, "officer", email="officer@example.org")
    add_risk_records(session, supplier)
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    html = client.get(f"/officer/suppliers/{supplier.id}").get_data(as_text=True)
    accordion = html.index('data-module="govuk-accordion"')
    summary = text_of_html(html[html.index('id="risk"'):accordion])
    assert "Awaiting declaration" in summary
    assert "No residual rating until the supplier submits a declaration" in summary
    assert "inherent risk" in summary and "Residual score" not in summary
