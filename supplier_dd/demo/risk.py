"""Demo step for risk scoring: every demo supplier assessed, with queries and corrective actions.

Declarations submitted by earlier demo steps were scored when submitted; this step scores the
rest (inherent risk only) and adds review work an officer would find on a normal morning.
Natural keys: an assessment is only added when the result differs from the current one; a
corrective action by supplier and title; a query by supplier and question.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from supplier_dd.domain.risk.model import load_model
from supplier_dd.models import Supplier, User
from supplier_dd.models.risk import (
    ACTION_OPEN,
    ACTION_RESPONDED,
    ACTION_SIGNED_OFF,
    CorrectiveAction,
    ReviewQuery,
)
from supplier_dd.services.review import (
    QueryRequest,
    open_corrective_action,
    record_review,
    respond_to_action,
    sign_off_action,
)
from supplier_dd.services.risk import (
    REASON_RECOMPUTE,
    current_assessment,
    latest_submitted_declaration,
    score_supplier,
    store_assessment,
)

OFFICER = "officer@council.example"
# supplier company number, title, owner, days until due, how far it has got
ACTIONS = [
    ("07123456", "Confirm GLAA licences for every labour provider you use", "Laura Finch", 30,
     ACTION_OPEN),
    ("11456723", "Publish a whistle-blowing policy that agency and subcontracted staff can use",
     "Darren Kelly", 21, ACTION_RESPONDED),
    ("04567812", "Translate the grievance helpline poster into the languages your cleaners read",
     "Amara Osei", 14, ACTION_SIGNED_OFF),
]
QUERY_QUESTION = "wf_recruitment_fees"


def score_suppliers(ctx) -> None:
    """Score every supplier the acting council knows, from its own contracts and the latest
    declaration it sees (its own requests' or one shared with it)."""
    session, now = ctx.session, ctx.now
    model = load_model()
    for supplier in session.scalars(select(Supplier).order_by(Supplier.id)):
        declaration = latest_submitted_declaration(session, supplier.id)
        result = score_supplier(session, supplier, model, declaration)
        declaration_id = declaration.id if declaration is not None else None
        _row, changed = store_assessment(session, supplier, declaration_id, result, now,
                                         REASON_RECOMPUTE)
        if changed:
            ctx.result.count("risk assessments")


def load_risk(ctx) -> None:
    session, now = ctx.session, ctx.now
    score_suppliers(ctx)
    officer = session.scalar(select(User).where(User.email == OFFICER))
    if officer is None:
        return
    by_number = {s.companies_house_number: s for s in session.scalars(
        select(Supplier).where(Supplier.companies_house_number.in_([a[0] for a in ACTIONS])))}
    for number, title, owner, days, stage in ACTIONS:
        supplier = by_number.get(number)
        if supplier is None or session.scalar(select(CorrectiveAction.id).where(
                CorrectiveAction.supplier_id == supplier.id, CorrectiveAction.title == title)):
            continue
        assessment = current_assessment(session, supplier.id)
        action = open_corrective_action(
            session, supplier.id, title=title, description="Raised at the annual review.",
            owner=owner, due_date=(now + timedelta(days=days)).date(), officer=officer, now=now,
            assessment_id=assessment.id if assessment else None,
        )
        contact = next(iter(supplier.contacts), None)
        if stage in (ACTION_RESPONDED, ACTION_SIGNED_OFF) and contact is not None:
            respond_to_action(session, action, "Done: see the policy on our intranet and the "
                              "posters at every site.", contact, now)
            if stage == ACTION_SIGNED_OFF:
                sign_off_action(session, action, "Checked on the site visit.", officer, now)
        ctx.result.count("corrective actions")
    _demo_query(ctx, officer)


def _demo_query(ctx, officer: User) -> None:
    """Query one declared answer, if any demo declaration has been scored."""
    session = ctx.session
    if session.scalar(select(ReviewQuery.id).where(ReviewQuery.question_id == QUERY_QUESTION)):
        return
    for supplier in session.scalars(select(Supplier).order_by(Supplier.name)):
        assessment = current_assessment(session, supplier.id)
        if assessment is not None and assessment.declaration_id is not None:
            record_review(
                session, assessment, "query",
                "Recruitment fees answer conflicts with the agency's own statement.", officer,
                ctx.now, [QueryRequest(QUERY_QUESTION, "Please check with your agencies whether "
                                       "any worker paid a fee, and tell us what you found.")],
            )
            ctx.result.count("review queries")
            return
