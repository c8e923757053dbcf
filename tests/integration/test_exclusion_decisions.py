"""Exclusion decisions recorded, superseded and counted; debarment checks counted (issue 16),
on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from supplier_dd.models import AuditEntry, DebarmentCheck
from supplier_dd.models.base import utcnow
from supplier_dd.services import exclusions
from tests.factories import make_supplier, make_user
from tests.feedback_helpers import submitted_declaration

CONVICTED = {"excl_s6_supplier": "yes", "excl_details": "Convicted under MSA s.2 in 2024"}


def supplier_reporting(session, name, email, **answers):
    supplier = make_supplier(session, name=name, turnover_band="under-36m")
    contact = make_user(session, "supplier", email=email, supplier=supplier)
    session.commit()
    submitted_declaration(session, supplier, contact, **answers)
    return supplier, contact


def test_a_decision_is_recorded_audited_and_superseded_by_the_next(session):
    supplier, _ = supplier_reporting(session, "Acme Facilities Ltd", "jane@acme.example",
                                     **CONVICTED)
    legal = make_user(session, "legal", email="legal@example.org")
    session.commit()
    assert exclusions.state(session, supplier.id).awaiting_decision
    now = utcnow()

    with pytest.raises(exclusions.DecisionRejected) as rejected:
        exclusions.record_decision(session, supplier.id, outcome="excluded",
                                   likely_to_recur=False, reasons="Steps taken",
                                   decided_on=now.date(), user=legal, now=now)
    assert [e.field for e in rejected.value.errors] == ["outcome"]

    first = exclusions.record_decision(
        session, supplier.id, outcome="excluded", likely_to_recur=True,
        reasons="Conviction in 2024, no self-cleaning", decided_on=now.date(), user=legal,
        now=now)
    session.commit()
    assert first.grounds == ["s6_slavery_offence"]
    later = exclusions.record_decision(
        session, supplier.id, outcome="not_excluded", likely_to_recur=False,
        reasons="Independent monitoring report received", decided_on=now.date(), user=legal,
        now=now + timedelta(seconds=5))
    session.commit()

    state = exclusions.state(session, supplier.id)
    assert state.decision.id == later.id and not state.awaiting_decision
    assert state.status_label == "Not excluded (decided)"
    assert [d.id for d in exclusions.decisions_for(session, supplier.id)] == [later.id, first.id]
    assert session.get(type(first), first.id).outcome == "excluded"  # kept as recorded
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "exclusion.decided")
                              .order_by(AuditEntry.sequence)).all()
    assert [(e.actor_email, e.after["outcome"]) for e in entries] == [
        ("legal@example.org", "excluded"), ("legal@example.org", "not_excluded")]
    assert entries[1].before == {"decision_id": first.id, "outcome": "excluded"}
    assert exclusions.status_labels(session, [supplier.id]) == {
        supplier.id: "Not excluded (decided)"}


def test_a_newer_declaration_reporting_a_ground_waits_for_a_decision_again(session):
    supplier, contact = supplier_reporting(session, "Acme Facilities Ltd", "jane@acme.example",
                                           **CONVICTED)
    legal = make_user(session, "legal", email="legal@example.org")
    session.commit()
    decided_at = utcnow() - timedelta(minutes=5)
    exclusions.record_decision(session, supplier.id, outcome="excluded", likely_to_recur=True,
                               reasons="Conviction", decided_on=decided_at.date(), user=legal,
                               now=decided_at)
    session.commit()
    submitted_declaration(session, supplier, contact, excl_s7_orders_supplier="yes",
                          excl_details="An LME order in 2026")
    state = exclusions.state(session, supplier.id)
    assert state.awaiting_decision and state.status_label is None
    assert exclusions.status_labels(session, [supplier.id]) == {}


def test_the_pack_counts_standing_decisions_and_suppliers_awaiting_one(session):
    today = utcnow().date()
    start, end = today - timedelta(days=30), today
    decided, _ = supplier_reporting(session, "Acme Facilities Ltd", "jane@acme.example",
                                    **CONVICTED)
    supplier_reporting(session, "Brightwater Ltd", "sam@brightwater.example",
                       excl_s7_orders_connected="yes", excl_details="An order on our parent")
    supplier_reporting(session, "Clearway Ltd", "ann@clearway.example")
    legal = make_user(session, "legal", email="legal@example.org")
    session.commit()
    assert exclusions.decision_counts(session, start, end) == {
        "excluded": 0, "excludable_not_excluded": 0, "not_excluded": 0, "awaiting_decision": 2}

    exclusions.record_decision(session, decided.id, outcome="excluded", likely_to_recur=True,
                               reasons="Conviction", decided_on=today, user=legal,
                               now=utcnow())
    session.commit()
    assert exclusions.decision_counts(session, start, end) == {
        "excluded": 1, "excludable_not_excluded": 0, "not_excluded": 0, "awaiting_decision": 1}
    # a period that ended before the decision: it was still awaiting then
    before = exclusions.decision_counts(session, start, today - timedelta(days=1))
    assert before["excluded"] == 0


def test_debarment_checks_are_counted_by_period(session):
    supplier = make_supplier(session, name="Acme Facilities Ltd")
    session.flush()
    day = date(2026, 6, 1)
    session.add_all([
        DebarmentCheck(supplier_id=supplier.id, checked_at=datetime(2026, 6, 1, 23, 59),
                       matched=True, context="import"),
        DebarmentCheck(supplier_id=supplier.id, checked_at=datetime(2026, 6, 2, 9, 0),
                       matched=False, context="request"),
        DebarmentCheck(supplier_id=supplier.id, checked_at=datetime(2026, 5, 31, 9, 0),
                       matched=False, context="request"),
    ])
    session.commit()
    assert exclusions.debarment_check_counts(session, day, day) == {"checked": 1, "matched": 1}
    assert exclusions.debarment_check_counts(session, day - timedelta(days=1),
                                             day + timedelta(days=1)) == {"checked": 3,
                                                                          "matched": 1}
