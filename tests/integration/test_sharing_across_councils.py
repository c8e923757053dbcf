"""Tell us once across councils (issue 17), on both databases: a supplier answers council 1's
request once and shares the declaration with East District; each council scores it from its own
contracts, the audit chain records the consent and verifies, and withdrawing the consent stops
East's next request being answered while East keeps what it was given. A declaration answers
the same council's other requests at submission, never another council's."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from supplier_dd.models import (
    AuditEntry,
    Contract,
    Declaration,
    SharedAnswer,
    Supplier,
    SupplierRiskSummary,
)
from supplier_dd.models.council import SharingConsent
from supplier_dd.models.tenancy import act_for, acting_for
from supplier_dd.services import ServiceError, audit
from supplier_dd.services.audit import verify as verify_chain
from supplier_dd.services.councils import create_council
from supplier_dd.services.declarations import current_declaration, request_for_supplier, submit
from supplier_dd.services.risk import current_assessment
from supplier_dd.services.sharing import share_declaration, shareable_declaration, withdraw_consent
from supplier_dd.services.supplier_councils import councils_of_supplier
from tests.declaration_helpers import make_request
from tests.factories import make_supplier, make_user
from tests.unit.test_risk_scoring import BEST

NOW = datetime(2026, 12, 3, 10, 0)
SYSTEM = audit.Actor(None, "cli", None)


@pytest.fixture
def councils(session):
    """Council 1 (the migration's) and East District, both buying from one supplier: council
    1 a small office contract, East a large hospital one, so the inherent risk differs."""
    east_id = create_council(session, "East District Council", NOW, SYSTEM).id
    with acting_for(session, 1):
        supplier = make_supplier(session, name="Brightwater Cleaning Ltd")
        session.add(Contract(reference="C-1", title="Office cleaning", category="Cleaning",
                             value=Decimal("20000"), supplier_id=supplier.id))
        supplier_id = supplier.id
        first_request_id = make_request(session, supplier, kind="annual").id
    with acting_for(session, east_id):
        session.add(Contract(reference="E-1", title="Hospital cleaning", category="Cleaning",
                             cpv_code="90910000", value=Decimal("9000000"),
                             supplier_id=supplier_id))
        session.flush()  # links the supplier to East, which may then read it
        east_request_id = make_request(session, session.get(Supplier, supplier_id),
                                       kind="annual").id
    contact = make_user(session, "supplier", email="jane@brightwater.example",
                        supplier=session.get(Supplier, supplier_id))
    session.commit()
    return {"east": east_id, "supplier": supplier_id, "first_request": first_request_id,
            "east_request": east_request_id, "contact": contact.id}


def _submit_for(session, request_id, supplier_id) -> Declaration:
    declaration = Declaration(supplier_id=supplier_id, request_id=request_id,
                              questionnaire_id="modern_slavery", questionnaire_version=1,
                              answers=dict(BEST))
    session.add(declaration)
    session.flush()
    submit(session, declaration, signatory_name="Amara Osei", signatory_role="Director",
           confirms_true=True, confirms_authority=True, ip="127.0.0.1", user=None, now=NOW)
    session.commit()
    return declaration


def _request(session, request_id):
    from supplier_dd.models import DeclarationRequest

    return session.get(DeclarationRequest, request_id)


def test_shared_once_scored_by_each_council_from_its_own_contracts(session, councils):
    ids = councils
    declaration = _submit_for(session, ids["first_request"], ids["supplier"])
    # Submitting for council 1 never answers East's request: that needs consent.
    assert session.scalar(select(SharedAnswer).where(
        SharedAnswer.request_id == ids["east_request"])) is None
    east_request = _request(session, ids["east_request"])
    assert shareable_declaration(session, east_request).id == declaration.id

    share_declaration(session, ids["east_request"], declaration.id, ids["supplier"], None,
                      NOW + timedelta(hours=1), SYSTEM)
    session.commit()

    answer = session.scalar(select(SharedAnswer).where(
        SharedAnswer.request_id == ids["east_request"]))
    consent = session.scalar(select(SharingConsent))
    assert (answer.council_id, answer.consent_id) == (ids["east"], consent.id)
    assert (consent.council_id, consent.declaration_id) == (ids["east"], declaration.id)

    declaration_id, sealed_hash = declaration.id, declaration.answers_sha256
    act_for(session, 1)
    first = current_assessment(session, ids["supplier"])
    first_facts = (first.declaration_id, first.council_id, first.inherent_score)
    act_for(session, ids["east"])
    east = current_assessment(session, ids["supplier"])
    assert first_facts[0] == east.declaration_id == declaration_id
    assert (first_facts[1], east.council_id) == (1, ids["east"])
    assert east.inherent_score > first_facts[2]
    # East's dashboard row reads East's assessment.
    row = session.scalar(select(SupplierRiskSummary).where(
        SupplierRiskSummary.supplier_id == ids["supplier"]))
    assert row.council_id == ids["east"] and row.inherent_score == east.inherent_score
    # East's officer sees the declaration, as it was sealed.
    assert session.get(Declaration, declaration_id).answers_sha256 == sealed_hash
    # The consent and the answer are in East's audit view; the chain verifies.
    actions = set(session.scalars(select(AuditEntry.action)))
    assert {"sharing_consent.granted", "declaration_request.answered"} <= actions
    act_for(session, None)
    assert verify_chain(session) is None


def test_standing_consent_answers_the_next_request_until_withdrawn(session, councils):
    ids = councils
    declaration = _submit_for(session, ids["first_request"], ids["supplier"])
    share_declaration(session, ids["east_request"], declaration.id, ids["supplier"], None, NOW,
                      SYSTEM)
    session.commit()
    supplier = session.get(Supplier, ids["supplier"])

    # While the consent stands, East's next request (a contract's) is answered at once.
    with acting_for(session, ids["east"]):
        contract = session.scalar(select(Contract))
        second, created = request_for_supplier(session, session.get(Supplier, supplier.id),
                                               NOW.date() + timedelta(days=30), None, NOW,
                                               contract)
        assert created
        second_id = second.id
    session.commit()
    assert current_declaration(_request(session, second_id)).id == declaration.id

    with acting_for(session, ids["east"]):
        assessment_before = current_assessment(session, ids["supplier"])
        assessment_id, band = assessment_before.id, assessment_before.residual_band
    withdraw_consent(session, ids["supplier"], ids["east"], None, NOW + timedelta(days=1),
                     SYSTEM)
    session.commit()
    with pytest.raises(ServiceError):
        withdraw_consent(session, ids["supplier"], ids["east"], None, NOW, SYSTEM)
    session.rollback()

    # The next request after withdrawing waits for the supplier.
    with acting_for(session, ids["east"]):
        third, _ = request_for_supplier(session, session.get(Supplier, supplier.id),
                                        NOW.date() + timedelta(days=400), None, NOW)
        third_id = third.id
    session.commit()
    assert _request(session, third_id).shared_answer is None
    # What East was given stays: the declaration for its first request, its hash, its score.
    with acting_for(session, ids["east"]):
        shown = current_declaration(_request(session, ids["east_request"]))
        assert shown.id == declaration.id
        assert shown.answers_sha256 == declaration.answers_sha256
        kept = current_assessment(session, ids["supplier"])
        assert (kept.id, kept.residual_band) == (assessment_id, band)
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.council_id == ids["east"])).all()
    assert "sharing_consent.withdrawn" in actions
    assert verify_chain(session) is None
    # The supplier's page of councils: both, East with no active consent and one open request.
    rows = {row.council.name: row for row in councils_of_supplier(session, ids["supplier"],
                                                                   NOW.date())}
    assert rows["East District Council"].consent is None
    assert [v.request.id for v in rows["East District Council"].open_requests] == [third_id]


def test_a_same_council_answer_never_crosses_councils(session, councils):
    ids = councils
    with acting_for(session, 1):
        tender_request = make_request(session, session.get(Supplier, ids["supplier"]),
                                      kind="tender")
        tender_request_id = tender_request.id
    session.commit()
    declaration = _submit_for(session, ids["first_request"], ids["supplier"])
    answers = {a.request_id: a for a in session.scalars(select(SharedAnswer))}
    assert set(answers) == {tender_request_id}
    assert answers[tender_request_id].council_id == 1
    assert answers[tender_request_id].consent_id is None
    assert _request(session, ids["east_request"]).shared_answer is None
    assert session.scalar(select(SharingConsent)) is None
    assert declaration.status == "submitted"


def test_a_later_version_is_not_shared_without_asking(session, councils):
    """East relied on the declaration shared with it: a later version for council 1 answers
    council 1's requests, while East's answer stays the one shared."""
    ids = councils
    declaration = _submit_for(session, ids["first_request"], ids["supplier"])
    share_declaration(session, ids["east_request"], declaration.id, ids["supplier"], None, NOW,
                      SYSTEM)
    session.commit()
    newer = _submit_for(session, ids["first_request"], ids["supplier"])
    assert newer.supersedes_id == declaration.id
    assert current_declaration(_request(session, ids["east_request"])).id == declaration.id


def test_a_tender_bidder_sharing_with_the_council_is_answered_and_told(session, councils):
    """The tender path makes its requests and emails itself (services.tenders): a bidder that
    shares with the council gets the 'we shared your declaration' email, not a request."""
    from supplier_dd.infrastructure.mail import render_email
    from supplier_dd.models import OutboxMessage, Tender
    from supplier_dd.services import tenders as tender_service

    ids = councils
    declaration = _submit_for(session, ids["first_request"], ids["supplier"])
    share_declaration(session, ids["east_request"], declaration.id, ids["supplier"], None, NOW,
                      SYSTEM)
    session.commit()
    mail = tender_service.RequestMail(council_name="East District Council", render=render_email,
                                      portal_link="http://localhost/supplier/",
                                      councils_link="http://localhost/supplier/councils")
    with acting_for(session, ids["east"]):
        tender = Tender(reference="ET-1", title="Depot cleaning", status="open",
                        invited_suppliers=[session.get(Supplier, ids["supplier"])])
        session.add(tender)
        session.flush()
        created, _queued = tender_service.request_declarations(
            session, tender, NOW.date() + timedelta(days=20), None, NOW, "", mail, SYSTEM)
        assert created == 1
    session.commit()
    tender_request = session.scalar(select(SharedAnswer).where(
        SharedAnswer.council_id == ids["east"], SharedAnswer.request_id != ids["east_request"]))
    assert tender_request is not None and tender_request.declaration_id == declaration.id
    (message,) = session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient == "jane@brightwater.example")).all()
    assert "we shared your declaration with East District Council" in message.subject
    assert "Tender ET-1: Depot cleaning" in message.body_text
    assert "http://localhost/supplier/councils" in message.body_text
