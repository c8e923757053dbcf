"""Tell us once across councils on the pages (issue 17), both databases: a supplier answers
council 1's request once and, from its home page, shares the declaration with East District
Council after confirming; East's officer is emailed and sees 'Shared by ...' with the same
fingerprint and evidence bytes, scored from East's contracts; the supplier's 'Councils you work
with' page shows the consent; East's next request is answered at once (the supplier is emailed)
until the supplier stops sharing, after which East's next request waits and East keeps what it
was given."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from supplier_dd.models import (
    AuditEntry,
    Contract,
    Declaration,
    OutboxMessage,
    RiskAssessment,
    SharedAnswer,
    Supplier,
)
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import acting_for
from supplier_dd.services import audit
from supplier_dd.services.audit import verify as verify_chain
from supplier_dd.services.councils import create_council
from tests.declaration_helpers import (
    PDF_BYTES,
    fill_everything,
    make_request,
    start_declaration,
    upload_statement,
)
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import any_csrf_token, text_of

EAST = "East District Council"
SUPPLIER_EMAIL = "jane@brightwater.example"
SIGNATURE = {"signatory_name": "Jane Smith", "signatory_role": "Director",
             "confirm_true": "yes", "confirm_authority": "yes"}


@pytest.fixture
def partnership(session):
    east_id = create_council(session, EAST, utcnow(), audit.Actor(None, "cli", None)).id
    with acting_for(session, 1):
        supplier = make_supplier(session, name="Brightwater Cleaning Ltd")
        session.add(Contract(reference="C-1", title="Office cleaning", category="Cleaning",
                             value=Decimal("20000"), supplier_id=supplier.id))
        first = make_request(session, supplier, kind="annual")
        make_user(session, "officer", email="officer@first.example")
        supplier_id, first_id = supplier.id, first.id
    with acting_for(session, east_id):
        session.add(Contract(reference="E-1", title="Hospital cleaning", category="Cleaning",
                             cpv_code="90910000", value=Decimal("9000000"),
                             supplier_id=supplier_id))
        session.flush()  # links the supplier to East, which may then read it
        east_request = make_request(session, session.get(Supplier, supplier_id), kind="annual")
        make_user(session, "officer", email="officer@east.example")
        east_request_id = east_request.id
    make_user(session, "supplier", email=SUPPLIER_EMAIL,
              supplier=session.get(Supplier, supplier_id))
    session.commit()
    return {"east": east_id, "supplier": supplier_id, "first": first_id,
            "east_request": east_request_id}


def _declare_for_first_council(client, ids) -> int:
    declaration_id = start_declaration(client, ids["first"])
    fill_everything(client, declaration_id)
    upload_statement(client, declaration_id, PDF_BYTES, "statement.pdf")
    response = client.submit(f"/supplier/declarations/{declaration_id}/declare", SIGNATURE)
    assert response.status_code == 302
    return declaration_id


def _sign_out(client):
    client.post("/sign-out", data={"csrf_token": any_csrf_token(client)})


def test_a_supplier_shares_once_and_east_sees_it_as_signed(client, session, partnership):
    ids = partnership
    client.sign_in(SUPPLIER_EMAIL, PASSWORD)
    declaration_id = _declare_for_first_council(client, ids)
    declaration = session.get(Declaration, declaration_id)
    signed_on = f"{declaration.submitted_at.day} {declaration.submitted_at:%B %Y}"
    sealed_hash = declaration.answers_sha256
    (evidence_id, evidence_sha256), = [(e.id, e.sha256) for e in declaration.evidence]

    home = text_of(client.get("/supplier/"))
    assert f"Share my declaration of {signed_on} with {EAST}" in home
    assert "Start a new declaration" in home
    share_url = f"/supplier/requests/{ids['east_request']}/share"
    page = text_of(client.get(share_url))
    assert f"Share your declaration of {signed_on} with {EAST}" in page
    assert "statement.pdf" in page and "its own contracts" in page

    # Not confirmed: an error, nothing shared.
    token = any_csrf_token(client)
    refused = client.post(share_url, data={"csrf_token": token,
                                           "declaration_id": str(declaration_id)})
    assert refused.status_code == 200
    assert "Confirm that you want to share this declaration with" in text_of(refused)
    assert session.scalar(select(SharedAnswer).where(
        SharedAnswer.request_id == ids["east_request"])) is None

    shared = client.post(share_url, data={"csrf_token": token, "confirm_share": "yes",
                                          "declaration_id": str(declaration_id)})
    assert shared.status_code == 302 and shared.headers["Location"].endswith("/supplier/councils")
    councils = text_of(client.get("/supplier/councils"))
    assert EAST in councils and f"Stop sharing with {EAST}" in councils
    assert f"first shared your declaration of {signed_on}" in councils
    # The request is answered: no more offer on the home page.
    assert share_url not in client.get("/supplier/").text

    # East's officer is told, and sees the declaration as signed, scored from East's contracts.
    told = session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == "officer@east.example")).all()
    assert any("shared its modern slavery declaration" in m.subject for m in told)
    assert not session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == "officer@first.example")).all()
    _sign_out(client)
    client.sign_in("officer@east.example", PASSWORD)
    view = text_of(client.get(f"/officer/declarations/{declaration_id}"))
    assert "Shared by Brightwater Cleaning Ltd on" in view
    assert "(made for another council’s request)" in view
    assert sealed_hash in view
    download = client.get(f"/officer/declarations/{declaration_id}/evidence/{evidence_id}")
    assert download.status_code == 200
    assert hashlib.sha256(download.data).hexdigest() == evidence_sha256
    assessments = {row.council_id: row for row in session.scalars(
        select(RiskAssessment).where(RiskAssessment.declaration_id == declaration_id,
                                     RiskAssessment.is_current.is_(True)))}
    assert set(assessments) == {1, ids["east"]}
    assert assessments[ids["east"]].inherent_score > assessments[1].inherent_score
    dashboard = text_of(client.get("/officer/risk/"))
    assert "Brightwater Cleaning Ltd" in dashboard
    # First council's officer does not see East's share.
    _sign_out(client)
    client.sign_in("officer@first.example", PASSWORD)
    assert "Shared by" not in text_of(client.get(f"/officer/declarations/{declaration_id}"))
    assert verify_chain(session) is None


def test_standing_consent_until_the_supplier_stops_sharing(client, session, partnership):
    ids = partnership
    client.sign_in(SUPPLIER_EMAIL, PASSWORD)
    declaration_id = _declare_for_first_council(client, ids)
    token = any_csrf_token(client)
    client.post(f"/supplier/requests/{ids['east_request']}/share",
                data={"csrf_token": token, "confirm_share": "yes",
                      "declaration_id": str(declaration_id)})
    _sign_out(client)

    # East asks again (a contract declaration): answered at once, the supplier emailed.
    client.sign_in("officer@east.example", PASSWORD)
    with acting_for(session, ids["east"]):
        contract_id = session.scalar(select(Contract.id))
    due = utcnow().date() + timedelta(days=40)
    asked = client.submit(f"/officer/suppliers/{ids['supplier']}/request-declaration", {
        "contract": str(contract_id), "due_date-day": str(due.day),
        "due_date-month": str(due.month), "due_date-year": str(due.year)})
    assert asked.status_code == 302
    answers = session.scalars(select(SharedAnswer).where(
        SharedAnswer.council_id == ids["east"])).all()
    assert len(answers) == 2 and {a.declaration_id for a in answers} == {declaration_id}
    mail = session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == SUPPLIER_EMAIL,
        OutboxMessage.kind == "declaration_shared_by_consent")).all()
    assert len(mail) == 1 and "/supplier/councils" in mail[0].body_text
    assert "under your consent" in mail[0].body_text
    _sign_out(client)

    # The supplier stops sharing, after confirming.
    client.sign_in(SUPPLIER_EMAIL, PASSWORD)
    stop_url = f"/supplier/councils/{ids['east']}/stop-sharing"
    assert f"Stop sharing with {EAST}" in text_of(client.get(stop_url))
    refused = client.post(stop_url, data={"csrf_token": any_csrf_token(client)})
    assert "Confirm that you want to stop sharing with" in text_of(refused)
    stopped = client.post(stop_url, data={"csrf_token": any_csrf_token(client),
                                          "confirm_stop": "yes"})
    assert stopped.status_code == 302
    page = text_of(client.get("/supplier/councils"))
    assert "You stopped sharing on" in page and f"Stop sharing with {EAST}" not in page
    assert client.get(stop_url).status_code == 404
    _sign_out(client)

    # East's next request waits for the supplier; what East was given stays.
    client.sign_in("officer@east.example", PASSWORD)
    next_year = utcnow().date() + timedelta(days=400)
    client.submit(f"/officer/suppliers/{ids['supplier']}/request-declaration", {
        "due_date-day": str(next_year.day), "due_date-month": str(next_year.month),
        "due_date-year": str(next_year.year)})
    assert len(session.scalars(select(SharedAnswer).where(
        SharedAnswer.council_id == ids["east"])).all()) == 2
    view = text_of(client.get(f"/officer/declarations/{declaration_id}"))
    assert "Shared by Brightwater Cleaning Ltd" in view
    assert session.get(Declaration, declaration_id).answers_sha256 in view
    withdrawn = session.scalar(select(AuditEntry).where(
        AuditEntry.action == "sharing_consent.withdrawn"))
    assert withdrawn.council_id == ids["east"]
    assert verify_chain(session) is None


def test_another_suppliers_request_cannot_be_shared(client, session, partnership):
    ids = partnership
    with acting_for(session, ids["east"]):
        other_request = make_request(session, make_supplier(session, name="Other Ltd"),
                                     kind="annual")
        other_request_id = other_request.id
    session.commit()
    client.sign_in(SUPPLIER_EMAIL, PASSWORD)
    _declare_for_first_council(client, ids)
    token = any_csrf_token(client)
    assert client.get(f"/supplier/requests/{other_request_id}/share").status_code == 404
    assert client.post(f"/supplier/requests/{other_request_id}/share",
                       data={"csrf_token": token, "confirm_share": "yes"}).status_code == 404


def test_odd_values_in_the_share_and_stop_forms_are_refused_plainly(client, session,
                                                                     partnership):
    ids = partnership
    client.sign_in(SUPPLIER_EMAIL, PASSWORD)
    _declare_for_first_council(client, ids)
    token = any_csrf_token(client)
    share_url = f"/supplier/requests/{ids['east_request']}/share"
    # A NUL byte is refused before any view, as on every form (web/input_guard.py).
    assert client.post(share_url, data={"csrf_token": token, "confirm_share": "yes",
                                        "declaration_id": "\x00"}).status_code == 400
    for declaration_id, confirm in (("' OR 1=1", "yes"), ("1", "no"), ("", "A" * 5000)):
        response = client.post(share_url, data={"csrf_token": token, "confirm_share": confirm,
                                                "declaration_id": declaration_id})
        assert response.status_code == 200, declaration_id
        assert "There is a problem" in text_of(response)
    assert session.scalar(select(SharedAnswer).where(
        SharedAnswer.request_id == ids["east_request"])) is None
    # No consent to stop: not found, whatever is sent.
    assert client.post(f"/supplier/councils/{ids['east']}/stop-sharing",
                       data={"csrf_token": token, "confirm_stop": "yes"}).status_code == 404
