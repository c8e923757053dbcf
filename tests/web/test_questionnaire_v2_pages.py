"""Questionnaire v2's proportionate form on the pages (issue 16): the supplier is told why the
form is short or long, and 'check your answers', the officer's view and the PDF show only the
questions asked."""

from __future__ import annotations

import re

from supplier_dd.demo.declarations import demo_answers
from supplier_dd.models.base import utcnow
from supplier_dd.services import declarations as service
from tests.declaration_helpers import make_request
from tests.factories import PASSWORD, make_supplier, make_user


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _vcse_draft(session, tier="medium"):
    supplier = make_supplier(session, name="Kindred Care CIC", turnover_band="36m-60m")
    contact = make_user(session, "supplier", email="jo@kindred.example", supplier=supplier)
    make_user(session, "officer", email="officer@example.org")
    request = make_request(session, supplier)
    request.tender.risk_tier = tier
    draft = service.start_or_resume(session, None, request, contact, utcnow())
    draft.answers = demo_answers(supplier, "kindred", "good", utcnow().date()) | {
        "org_vcse": "yes"}
    session.commit()
    return draft, contact


def test_a_vcse_is_told_it_has_the_short_form_and_checks_only_its_questions(client, session):
    draft, _contact = _vcse_draft(session)
    client.sign_in("jo@kindred.example", PASSWORD)
    task_list = text_of(client.get(f"/supplier/declarations/{draft.id}"))
    assert ("This is the short form because you told us you are a voluntary, community or "
            "social enterprise.") in task_list
    check = text_of(client.get(f"/supplier/declarations/{draft.id}/check"))
    assert "Organisation convicted of an offence (Schedule 6)" in check
    assert "Share of migrant workers" in check
    assert "Workers free to leave" not in check  # a longer-form question
    assert "Certifications and audit schemes" not in check
    # A longer-form page is not offered: it moves on rather than show the questions.
    response = client.get(f"/supplier/declarations/{draft.id}/sections/workforce/ilo")
    assert response.status_code == 302


def test_the_same_supplier_on_a_high_risk_tender_is_asked_everything(client, session):
    draft, _contact = _vcse_draft(session, tier="high")
    client.sign_in("jo@kindred.example", PASSWORD)
    task_list = text_of(client.get(f"/supplier/declarations/{draft.id}"))
    assert "This is the full form because the council rates this work as high risk" in task_list
    page = text_of(client.get(f"/supplier/declarations/{draft.id}/sections/workforce/ilo"))
    assert "Are workers free to leave their job" in page


def test_the_officer_sees_only_the_questions_the_supplier_was_asked(client, session):
    draft, contact = _vcse_draft(session)
    declaration = service.submit(session, draft, signatory_name="Jo Bloggs", signatory_role="CEO",
                                 confirms_true=True, confirms_authority=True, ip=None,
                                 user=contact, now=utcnow())
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    page = text_of(client.get(f"/officer/declarations/{declaration.id}"))
    assert "Organisation convicted of an offence (Schedule 6)" in page
    assert "Workers free to leave" not in page
    assert "Youngest workers" not in page
    pdf = client.get(f"/officer/declarations/{declaration.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
