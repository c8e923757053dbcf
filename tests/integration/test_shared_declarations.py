"""One declaration answering several open requests of a supplier (issue 15), on both databases:
a supplier with an annual request and a tender request is told before it signs that the
declaration will also answer the tender's request, answers once, and both the supplier and the
officer see the tender request answered; what was already answered, withdrawn, for a closed
tender or has its own draft is left alone; the seal and the audit chain verify as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from supplier_dd.models import AuditEntry, Declaration, SharedAnswer
from supplier_dd.models.base import utcnow
from supplier_dd.services.audit import verify as verify_chain
from supplier_dd.services.declaration_integrity import check_declaration
from tests.declaration_helpers import (
    declaration_of,
    fill_everything,
    make_request,
    start_declaration,
    supplier_with_contact,
)
from tests.factories import PASSWORD, make_user
from tests.integration.test_tenders import page_text

DECLARE = "/supplier/declarations/{id}/declare"
SIGNATURE = {"signatory_name": "Jane Smith", "signatory_role": "Director",
             "confirm_true": "yes", "confirm_authority": "yes"}


@pytest.fixture
def supplier(session, client):
    supplier = supplier_with_contact(session, "Brightwell Cleaning Ltd",
                                     "jane@brightwell.example.com")
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("jane@brightwell.example.com", PASSWORD)
    return supplier


def requests_of(session, supplier):
    annual = make_request(session, supplier, kind="annual", due_in_days=60)
    tender_request = make_request(session, supplier, kind="tender", due_in_days=20)
    tender_request.tender.reference, tender_request.tender.title = "T-2026-014", "Office cleaning"
    session.commit()
    return annual, tender_request


def answered_annual(client, session, annual) -> int:
    declaration_id = start_declaration(client, annual.id)
    fill_everything(client, declaration_id)
    return declaration_id


def test_one_declaration_answers_the_tender_request_too(client, session, supplier, app):
    annual, tender_request = requests_of(session, supplier)
    declaration_id = answered_annual(client, session, annual)

    before = page_text(client.get(DECLARE.format(id=declaration_id)))
    assert "This declaration will also answer:" in before
    assert "Tender T-2026-014: Office cleaning" in before

    response = client.submit(DECLARE.format(id=declaration_id), SIGNATURE)
    assert response.status_code == 302
    confirmation = page_text(client.get(response.headers["Location"]))
    assert "It also answers:" in confirmation
    assert "Tender T-2026-014: Office cleaning" in confirmation

    answer = session.scalar(select(SharedAnswer).where(
        SharedAnswer.request_id == tender_request.id))
    assert answer.declaration_id == declaration_id
    # The supplier's home: the tender's card is answered by the annual declaration, no Start.
    home = page_text(client.get("/supplier/"))
    assert "Your declaration for Annual declaration" in home
    assert f"/supplier/requests/{tender_request.id}/start" not in home

    # The officer sees the tender's request answered, on the list and on the tender.
    client.post("/sign-out", data={"csrf_token": _token(client)})
    client.sign_in("officer@example.org", PASSWORD)
    listing = page_text(client.get("/officer/declarations"))
    assert "Answered by the declaration for Annual declaration" in listing
    tender_page = page_text(client.get(f"/officer/tenders/{tender_request.tender_id}"))
    assert "Declared" in tender_page
    assert f"/officer/declarations/{declaration_id}" in tender_page
    assert "Answered with the declaration for Annual declaration" in tender_page
    view = page_text(client.get(f"/officer/declarations/{declaration_id}"))
    assert "This declaration also answers:" in view

    # Audited, and the declaration's seal and the chain verify as they did.
    entry = session.scalar(select(AuditEntry).where(
        AuditEntry.action == "declaration_request.answered"))
    assert entry.object_id == str(tender_request.id)
    assert entry.after["declaration_id"] == declaration_id
    upload_root = Path(app.config["SUPPLIER_DD_SETTINGS"].upload_dir)
    checks = check_declaration(session, declaration_of(session, declaration_id), upload_root)
    assert all(check.passed for check in checks), [c for c in checks if not c.passed]
    assert verify_chain(session) is None


def test_requests_already_answered_closed_or_drafted_are_left_alone(client, session, supplier):
    annual, tender_request = requests_of(session, supplier)
    closed = make_request(session, supplier, kind="tender")
    closed.tender.status = "closed"
    withdrawn = make_request(session, supplier, kind="tender")
    withdrawn.withdrawn_at = utcnow()
    drafted = make_request(session, supplier, kind="contract")
    session.commit()
    start_declaration(client, drafted.id)  # the supplier's own draft for it
    earlier = start_declaration(client, tender_request.id)
    fill_everything(client, earlier)
    client.submit(DECLARE.format(id=earlier), SIGNATURE)  # answers the annual one too
    assert session.scalar(select(SharedAnswer.declaration_id).where(
        SharedAnswer.request_id == annual.id)) == earlier

    # A new version for the tender answers nothing more: everything else is taken or closed.
    session.expire_all()
    token = _token(client)
    response = client.post(f"/supplier/declarations/{earlier}/revise",
                           data={"csrf_token": token})
    revision = int(response.headers["Location"].rsplit("/", 1)[1])
    assert revision != earlier
    page = page_text(client.get(DECLARE.format(id=revision)))
    assert "will also answer" not in page
    client.submit(DECLARE.format(id=revision), SIGNATURE)
    shared = session.scalars(select(SharedAnswer)).all()
    assert [(a.request_id, a.declaration_id) for a in shared] == [(annual.id, earlier)]
    # The annual request follows the new version.
    home = page_text(client.get("/supplier/"))
    assert f"/supplier/declarations/{revision}" in home
    assert session.scalar(select(Declaration.status).where(Declaration.id == earlier)) == (
        "superseded")


def _token(client) -> str:
    from tests.helpers import any_csrf_token
    return any_csrf_token(client)
