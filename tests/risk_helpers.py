"""Risk records for tests: an assessment, a query and a corrective action for one supplier."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from supplier_dd.domain.risk.model import load_model
from supplier_dd.models import AnswerVerification, SupplierRiskSummary
from supplier_dd.models.base import utcnow
from supplier_dd.models.risk import AssessmentReview, CorrectiveAction, ReviewQuery
from supplier_dd.services.risk import (
    REASON_RECOMPUTE,
    latest_submitted_declaration,
    rescore_supplier,
    score_supplier,
    store_assessment,
)

NOW = datetime(2026, 11, 20, 9, 0)


def add_risk_records(session, supplier, officer=None) -> dict:
    """Score the supplier on its latest submitted declaration (inherent risk only, awaiting a
    declaration, if it has none), and add a query and an open corrective action."""
    declaration = latest_submitted_declaration(session, supplier.id)
    result = score_supplier(session, supplier, load_model(), declaration)
    assessment, _changed = store_assessment(
        session, supplier, declaration.id if declaration is not None else None, result, NOW,
        REASON_RECOMPUTE)
    review = AssessmentReview(assessment_id=assessment.id, supplier_id=supplier.id,
                              decision="query", reason="Check fees",
                              decided_by_id=officer.id if officer else None, decided_at=NOW)
    session.add(review)
    session.flush()
    query = ReviewQuery(review_id=review.id, supplier_id=supplier.id,
                        question_id="wf_recruitment_fees", question_text="Fees?",
                        comment="Please check", status="open")
    action = CorrectiveAction(supplier_id=supplier.id, assessment_id=assessment.id,
                              title="Check agencies", owner="A Person",
                              due_date=date(2027, 1, 31), status="responded",
                              supplier_response="Done", created_at=NOW)
    session.add_all([query, action])
    session.flush()
    return {"risk_query": query.id, "risk_action": action.id}


def add_verification_records(session, supplier) -> dict:
    """Score the supplier on its latest submitted declaration and verify one of its answers
    (issue 16), so the verify and withdraw pages have something to show."""
    assessment = rescore_supplier(session, supplier.id, utcnow())
    verification = AnswerVerification(
        declaration_id=assessment.declaration_id, question_id="s54_has_statement",
        kind="certification", scheme="SMETA", certifying_body="Sedex",
        certified_on=date(2026, 1, 5), verified_at=utcnow())
    session.add(verification)
    session.flush()
    return {"answer_verification": verification.id}


def summary_row(session, supplier_id: int):
    """The supplier's dashboard row for the one council of these tests (one row per council)."""
    return session.scalar(select(SupplierRiskSummary).where(
        SupplierRiskSummary.supplier_id == supplier_id))
