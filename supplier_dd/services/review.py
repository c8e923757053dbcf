"""Officers' review of assessments, queries back to the supplier, and corrective actions.

Every decision and every step of a corrective action records who and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.domain.questionnaire import load_questionnaire
from supplier_dd.models import User
from supplier_dd.models.declaration import STATUS_DRAFT, STATUS_SUBMITTED, Declaration
from supplier_dd.models.risk import (
    ACTION_OPEN,
    ACTION_RESPONDED,
    ACTION_SIGNED_OFF,
    QUERY_ANSWERED,
    QUERY_CLOSED,
    QUERY_OPEN,
    REVIEW_ACCEPTED,
    REVIEW_QUERIED,
    REVIEW_REJECTED,
    AssessmentReview,
    CorrectiveAction,
    CorrectiveActionEvent,
    ReviewQuery,
    RiskAssessment,
)
from supplier_dd.services import ServiceError, audit
from supplier_dd.services.risk import refresh_summary

DECISIONS = {"accept": REVIEW_ACCEPTED, "query": REVIEW_QUERIED, "reject": REVIEW_REJECTED}
REASON_MAX = 5000
TITLE_MAX = 200


@dataclass(frozen=True)
class QueryRequest:
    question_id: str
    comment: str


def _text(value: str | None, message: str, limit: int = REASON_MAX) -> str:
    cleaned = (value or "").replace("\r\n", "\n").strip()
    if not cleaned:
        raise ServiceError(message)
    if len(cleaned) > limit:
        raise ServiceError(f"{message.split(' ', 1)[1].capitalize()} must be {limit:,} "
                           "characters or fewer")
    return cleaned


def queryable_questions(assessment: RiskAssessment) -> list[tuple[str, str]]:
    """(question id, question text) an officer may send back: those of the assessed declaration."""
    declaration = assessment.declaration
    if declaration is None:
        return []
    questionnaire = load_questionnaire(declaration.questionnaire_id,
                                       declaration.questionnaire_version
                                       ).at_level(declaration.form_level)
    return [(q.id, q.text) for q in questionnaire.questions]


def record_review(
    session: Session, assessment: RiskAssessment, decision: str, reason: str, officer: User,
    now: datetime, queries: list[QueryRequest] | None = None, *,
    actor: audit.Actor | None = None,
) -> AssessmentReview:
    if decision not in DECISIONS:
        raise ServiceError("Select accept, query or reject")
    if not assessment.is_current:
        raise ServiceError("This assessment has been replaced; review the current one")
    reason = _text(reason, "Enter the reason for your decision")
    queries = [q for q in (queries or []) if q.question_id]
    if decision == "query":
        if assessment.declaration_id is None:
            raise ServiceError("There is no declaration to query yet")
        if not queries:
            raise ServiceError("Select at least one question to send back to the supplier")
    elif queries:
        raise ServiceError("Only a query sends questions back to the supplier")
    questions = dict(queryable_questions(assessment)) if queries else {}
    for query in queries:
        if query.question_id not in questions:
            raise ServiceError("Select questions from the declaration")
    # The comment the supplier sees beside each question sent back.
    comments = {q.question_id: _text(q.comment or reason, "Enter a comment for the supplier")
                for q in queries}
    review = AssessmentReview(
        assessment_id=assessment.id, supplier_id=assessment.supplier_id, decision=decision,
        reason=reason, decided_by_id=officer.id, decided_at=now,
    )
    session.add(review)
    session.flush()
    for question_id, comment in comments.items():
        session.add(ReviewQuery(
            review_id=review.id, supplier_id=assessment.supplier_id,
            question_id=question_id, question_text=questions[question_id],
            comment=comment, status=QUERY_OPEN,
        ))
    before_status = assessment.review_status
    assessment.review_status = DECISIONS[decision]
    session.flush()
    refresh_summary(session, assessment.supplier_id, now)
    audit.record(session, f"assessment.{DECISIONS[decision]}", audit.actor_or(actor, officer),
                 now, object_type="risk_assessment", object_id=assessment.id,
                 before={"review_status": before_status},
                 after={"review_status": assessment.review_status, "decision": decision,
                        "reason": reason},
                 details={"review_id": review.id, "supplier_id": assessment.supplier_id,
                          "queried_questions": list(comments),
                          "query_comments": comments})
    return review


def open_queries_for_supplier(session: Session, supplier_id: int) -> list[ReviewQuery]:
    return list(session.scalars(
        select(ReviewQuery).where(ReviewQuery.supplier_id == supplier_id)
        .order_by(ReviewQuery.status != QUERY_OPEN, ReviewQuery.id.desc())
    ))


def owned_query(session: Session, query_id: int, supplier_id: int) -> ReviewQuery | None:
    """A query only if it belongs to this supplier: another supplier's id finds nothing."""
    return session.scalar(select(ReviewQuery).where(
        ReviewQuery.id == query_id, ReviewQuery.supplier_id == supplier_id))


def answer_query(session: Session, query: ReviewQuery, response: str, user: User,
                 now: datetime, *, actor: audit.Actor | None = None) -> ReviewQuery:
    if query.status != QUERY_OPEN:
        raise ServiceError("This query has already been answered")
    query.response = _text(response, "Enter your answer to the council's query")
    query.status = QUERY_ANSWERED
    query.responded_by_id = user.id
    query.responded_at = now
    session.flush()
    audit.record(session, "query.answered", audit.actor_or(actor, user), now,
                 object_type="review_query", object_id=query.id,
                 before={"status": QUERY_OPEN},
                 after={"status": QUERY_ANSWERED, "response": query.response},
                 details={"supplier_id": query.supplier_id, "question_id": query.question_id})
    return query


def close_query(session: Session, query: ReviewQuery, officer: User, now: datetime, *,
                actor: audit.Actor | None = None) -> ReviewQuery:
    if query.status == QUERY_CLOSED:
        raise ServiceError("This query is already closed")
    before_status = query.status
    query.status = QUERY_CLOSED
    query.closed_by_id = officer.id
    query.closed_at = now
    session.flush()
    audit.record(session, "query.closed", audit.actor_or(actor, officer), now,
                 object_type="review_query", object_id=query.id,
                 before={"status": before_status}, after={"status": QUERY_CLOSED},
                 details={"supplier_id": query.supplier_id})
    return query


# --- Corrective actions ----------------------------------------------------------------------


def _event(session: Session, action: CorrectiveAction, before: str | None, note: str,
           actor: User, now: datetime, audit_actor: audit.Actor | None = None,
           verb: str = "updated", after: dict | None = None) -> None:
    session.add(CorrectiveActionEvent(action_id=action.id, from_status=before,
                                      to_status=action.status, note=note, actor_id=actor.id,
                                      at=now))
    audit.record(session, f"corrective_action.{verb}", audit.actor_or(audit_actor, actor), now,
                 object_type="corrective_action", object_id=action.id,
                 before={"status": before} if before is not None else None,
                 after={"status": action.status, "note": note, **(after or {})},
                 details={"supplier_id": action.supplier_id})


def open_corrective_action(
    session: Session, supplier_id: int, *, title: str, description: str, owner: str,
    due_date: date | None, officer: User, now: datetime, assessment_id: int | None = None,
    actor: audit.Actor | None = None,
) -> CorrectiveAction:
    title = _text(title, "Enter what the supplier must do", TITLE_MAX)
    owner = _text(owner, "Enter who at the supplier owns this action", TITLE_MAX)
    if due_date is None:
        raise ServiceError("Enter the date the action is due")
    if due_date < now.date():
        raise ServiceError("The due date must be today or in the future")
    action = CorrectiveAction(
        supplier_id=supplier_id, assessment_id=assessment_id, title=title,
        description=(description or "").strip()[:REASON_MAX], owner=owner, due_date=due_date,
        status=ACTION_OPEN, created_by_id=officer.id, created_at=now,
    )
    session.add(action)
    session.flush()
    _event(session, action, None, "Action opened", officer, now, actor, "opened",
           {"title": title, "owner": owner, "due_date": due_date,
            "assessment_id": assessment_id})
    session.flush()
    return action


def owned_action(session: Session, action_id: int, supplier_id: int) -> CorrectiveAction | None:
    return session.scalar(select(CorrectiveAction).where(
        CorrectiveAction.id == action_id, CorrectiveAction.supplier_id == supplier_id))


def actions_for_supplier(session: Session, supplier_id: int) -> list[CorrectiveAction]:
    return list(session.scalars(
        select(CorrectiveAction).where(CorrectiveAction.supplier_id == supplier_id)
        .order_by(CorrectiveAction.status == ACTION_SIGNED_OFF, CorrectiveAction.due_date)
    ))


def respond_to_action(session: Session, action: CorrectiveAction, response: str, user: User,
                      now: datetime, *, actor: audit.Actor | None = None) -> CorrectiveAction:
    """The supplier says what it did and marks the action done, for an officer to sign off."""
    if action.status != ACTION_OPEN:
        raise ServiceError("This action is not open")
    action.supplier_response = _text(response, "Enter what you have done")
    action.status = ACTION_RESPONDED
    action.responded_by_id = user.id
    action.responded_at = now
    _event(session, action, ACTION_OPEN, action.supplier_response, user, now, actor,
           "responded")
    session.flush()
    return action


def sign_off_action(session: Session, action: CorrectiveAction, note: str, officer: User,
                    now: datetime, *, actor: audit.Actor | None = None) -> CorrectiveAction:
    if action.status != ACTION_RESPONDED:
        raise ServiceError("Only an action the supplier has marked done can be signed off")
    action.status = ACTION_SIGNED_OFF
    action.signed_off_by_id = officer.id
    action.signed_off_at = now
    _event(session, action, ACTION_RESPONDED, (note or "").strip()[:REASON_MAX] or "Signed off",
           officer, now, actor, "signed_off")
    session.flush()
    return action


def reopen_action(session: Session, action: CorrectiveAction, note: str, officer: User,
                  now: datetime, *, actor: audit.Actor | None = None) -> CorrectiveAction:
    if action.status != ACTION_RESPONDED:
        raise ServiceError("Only an action the supplier has marked done can be sent back")
    note = _text(note, "Enter why the action is not done yet")
    action.status = ACTION_OPEN
    _event(session, action, ACTION_RESPONDED, note, officer, now, actor, "reopened")
    session.flush()
    return action


# --- What the supplier must do after a decision -------------------------------------------------

SUPPLIER_MUST_ACT = ("reject", "query")


@dataclass(frozen=True)
class DecisionToActOn:
    """The council's latest decision on the supplier's current declaration, when it asks the
    supplier to do something: make a new version (rejected) or answer questions (queried)."""

    review: AssessmentReview
    declaration: Declaration
    open_queries: int
    new_version: Declaration | None  # a draft already started from the decided declaration


def decision_to_act_on(session: Session, supplier_id: int) -> DecisionToActOn | None:
    """None once the council accepts, or the supplier submits a newer declaration: the latest
    review counts only while the declaration it judged is still the supplier's current one."""
    review = session.scalar(
        select(AssessmentReview).where(AssessmentReview.supplier_id == supplier_id)
        .order_by(AssessmentReview.decided_at.desc(), AssessmentReview.id.desc()).limit(1))
    if review is None or review.decision not in SUPPLIER_MUST_ACT:
        return None
    declaration = review.assessment.declaration
    if declaration is None or declaration.status != STATUS_SUBMITTED:
        return None
    open_queries = sum(q.status == QUERY_OPEN for q in review.queries)
    new_version = None
    if declaration.request is not None:
        new_version = next((d for d in declaration.request.declarations
                            if d.status == STATUS_DRAFT), None)
    return DecisionToActOn(review, declaration, open_queries, new_version)
