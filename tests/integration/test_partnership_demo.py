"""The demo is a partnership of three councils (issue 17), as `make run` shows it: each council's
officers see only the suppliers it deals with, one declaration is shared with exactly two
councils, one supplier refused to share, the consortium admin sees counts only, and loading the
demo again changes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from supplier_dd.demo.data import (
    NORTH_VALE,
    PARTNER_COUNCILS,
    REFUSED,
    SHARED,
    SUPPLIERS,
    WESTSHIRE,
    DemoCouncil,
)
from supplier_dd.models import (
    AuditEntry,
    Contract,
    Council,
    Declaration,
    DeclarationRequest,
    RiskAssessment,
    SharedAnswer,
    SharingConsent,
    Supplier,
    User,
)
from supplier_dd.models.declaration import STATUS_SUBMITTED
from supplier_dd.models.risk import SupplierRiskSummary
from supplier_dd.models.tenancy import ALL_COUNCILS, act_for
from tests.helpers import text_of

PASSWORD = "demo-password-for-tests"
FIRST_DISTRICT = "Example District Council"


@pytest.fixture
def demo(runner, session):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    return session


def _name(slug: str, partner: DemoCouncil | None = None) -> str:
    items = [*SUPPLIERS, *(partner.own_suppliers if partner else ())]
    return next(item.name for item in items if item.slug == slug)


def _partner_supplier_names(partner: DemoCouncil) -> set[str]:
    """What the council deals with: its contracts' suppliers and its tenders' bidders."""
    slugs = {contract.slug for contract in partner.contracts}
    slugs |= {slug for *_rest, invited in partner.tenders for slug in invited}
    return {_name(slug, partner) for slug in slugs}


def _council(session, short_name: str) -> Council:
    return session.scalar(select(Council).where(Council.short_name == short_name))


def _declarations_seen(session, council_id: int, supplier_name: str) -> set[int]:
    act_for(session, council_id)
    try:
        return set(session.scalars(
            select(Declaration.id).join(Supplier, Supplier.id == Declaration.supplier_id)
            .where(Supplier.name == supplier_name, Declaration.status == STATUS_SUBMITTED)))
    finally:
        act_for(session, None)


def _first_district_declaration(session, supplier_name: str) -> Declaration:
    """The supplier's latest declaration to the first district (it has declared in earlier
    years too): the one it shares."""
    first = _council(session, _first_short_name(session))
    return session.scalar(
        select(Declaration)
        .join(DeclarationRequest, DeclarationRequest.id == Declaration.request_id)
        .join(Supplier, Supplier.id == Declaration.supplier_id)
        .where(Supplier.name == supplier_name, Declaration.status == STATUS_SUBMITTED,
               DeclarationRequest.council_id == first.id)
        .order_by(Declaration.submitted_at.desc(), Declaration.id.desc()).limit(1))


def _first_short_name(session) -> str:
    return session.scalar(select(Council.short_name).order_by(Council.id).limit(1))


def test_the_demo_is_three_councils_with_their_own_staff_and_a_consortium_admin(demo):
    session = demo
    councils = session.scalars(select(Council).order_by(Council.id)).all()
    assert [c.name for c in councils] == [FIRST_DISTRICT, NORTH_VALE.name, WESTSHIRE.name]
    for council, domain in zip(councils, ("council", "northvale", "westshire"), strict=True):
        staff = session.scalars(select(User.email).where(User.council_id == council.id)).all()
        assert {f"officer@{domain}.example", f"legal@{domain}.example",
                f"admin@{domain}.example", f"safeguarding@{domain}.example"} <= set(staff)
    consortium = session.scalar(
        select(User).where(User.email == "consortium@partnership.example"))
    assert (consortium.role, consortium.council_id) == ("consortium_admin", None)


@pytest.mark.parametrize("partner", PARTNER_COUNCILS, ids=lambda p: p.short_name)
def test_each_partner_knows_only_its_own_suppliers_and_scores_every_one(demo, partner):
    session = demo
    council = _council(session, partner.short_name)
    act_for(session, council.id)
    known = set(session.scalars(select(Supplier.name)))
    assert known == _partner_supplier_names(partner)
    summaries = session.execute(select(SupplierRiskSummary.supplier_id,
                                       SupplierRiskSummary.inherent_band)).all()
    assert len(summaries) == len(known)
    assert all(band for _supplier, band in summaries), "every known supplier is scored"
    assert session.scalar(select(func.count()).select_from(Contract)) == len(partner.contracts)


def test_officers_dashboards_show_only_their_councils_suppliers(demo, client):
    """Sign in as each council's officer: its suppliers are on the dashboard, and the suppliers
    only another council deals with are not."""
    north_vale_only = _name("vale-leisure", NORTH_VALE)
    westshire_only = _name("meridian-transport", WESTSHIRE)
    first_only = _name("shenzhen-devices")
    pages = {}
    for email in ("officer@council.example", "officer@northvale.example",
                  "officer@westshire.example"):
        with client.session_transaction() as flask_session:
            flask_session.clear()
        client.sign_in(email, PASSWORD)
        pages[email] = text_of(client.get("/officer/risk/"))
    north_vale, westshire = pages["officer@northvale.example"], pages["officer@westshire.example"]
    first = pages["officer@council.example"]
    assert NORTH_VALE.name in north_vale and WESTSHIRE.name in westshire
    assert north_vale_only in north_vale and _name("brightwater") in north_vale
    assert westshire_only not in north_vale and first_only not in north_vale
    assert westshire_only in westshire and _name("carewell") in westshire
    assert north_vale_only not in westshire and first_only not in westshire
    assert first_only in first and north_vale_only not in first and westshire_only not in first


def test_the_consortium_admin_sees_the_three_councils_counts_and_no_supplier(demo, client):
    client.sign_in("consortium@partnership.example", PASSWORD)
    page = text_of(client.get("/consortium"))
    for name in (FIRST_DISTRICT, NORTH_VALE.name, WESTSHIRE.name):
        assert name in page
    for item in SUPPLIERS:
        assert item.name not in page


@pytest.mark.parametrize(("slug", "short_name"), SHARED)
def test_a_shared_declaration_is_seen_by_exactly_two_councils_byte_for_byte(
        demo, slug, short_name):
    session = demo
    name = _name(slug)
    declaration = _first_district_declaration(session, name)
    # Kept apart from the row: acting for a council that does not see it, it cannot be read.
    declaration_id, supplier_id = declaration.id, declaration.supplier_id
    seen_by = {council.short_name for council in session.scalars(select(Council))
               if declaration_id in _declarations_seen(session, council.id, name)}
    assert seen_by == {_first_short_name(session), short_name}
    # Each council reads the one sealed declaration: the same answers and the same hash.
    hashes = set()
    for council_short_name in seen_by:
        act_for(session, _council(session, council_short_name).id)
        row = session.scalars(select(Declaration).where(Declaration.id == declaration_id)
                              .execution_options(populate_existing=True)).one()
        hashes.add((row.answers_sha256, row.canonical_answers))
        act_for(session, None)
    assert len(hashes) == 1
    council = _council(session, short_name)
    answer = session.scalar(select(SharedAnswer).where(SharedAnswer.council_id == council.id,
                                                       SharedAnswer.declaration_id
                                                       == declaration_id))
    consent = session.get(SharingConsent, answer.consent_id)
    assert (consent.supplier_id, consent.council_id, consent.withdrawn_at) == (
        supplier_id, council.id, None)
    # The partner scored it as its own assessment, from its own contracts.
    act_for(session, council.id)
    assessment = session.scalar(select(RiskAssessment).where(
        RiskAssessment.supplier_id == supplier_id,
        RiskAssessment.is_current.is_(True)))
    assert assessment.declaration_id == declaration_id
    assert assessment.council_id == council.id
    audit_actions = set(session.scalars(select(AuditEntry.action)))
    assert {"sharing_consent.granted", "declaration_request.answered"} <= audit_actions


@pytest.mark.parametrize(("slug", "short_name"), REFUSED)
def test_the_supplier_that_refused_answered_afresh_and_the_county_never_sees_the_first(
        demo, slug, short_name):
    session = demo
    name = _name(slug)
    first_declaration = _first_district_declaration(session, name)
    council = _council(session, short_name)
    seen = _declarations_seen(session, council.id, name)
    assert first_declaration.id not in seen
    assert len(seen) == 1, "the county has the fresh declaration made for its own request"
    fresh = session.get(Declaration, seen.pop())
    assert fresh.request.council_id == council.id
    consent = session.scalar(select(SharingConsent).where(
        SharingConsent.supplier_id == first_declaration.supplier_id,
        SharingConsent.council_id == council.id))
    assert consent.withdrawn_at is not None and consent.withdrawn_at >= consent.granted_at
    assert session.scalar(select(func.count()).select_from(SharedAnswer).where(
        SharedAnswer.consent_id == consent.id)) == 0


def _per_council_counts(session) -> dict:
    counts = {}
    tables = (Supplier, User, Contract, DeclarationRequest, Declaration, SharedAnswer,
              RiskAssessment, SupplierRiskSummary, AuditEntry)
    for council_id in session.scalars(select(Council.id).order_by(Council.id)):
        act_for(session, council_id)
        counts[council_id] = tuple(session.scalar(select(func.count()).select_from(table))
                                   for table in tables)
        act_for(session, None)
    everything = select(func.count()).select_from
    counts["all"] = tuple(session.scalar(everything(table).execution_options(
        **{ALL_COUNCILS: True})) for table in (Council, SharingConsent, *tables))
    return counts


def test_loading_the_partnership_demo_twice_leaves_the_same_data(runner, session):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    after_first = _per_council_counts(session)
    assert len(after_first) == 4  # three councils and the whole deployment
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert "nothing new" in second.output
    assert _per_council_counts(session) == after_first
