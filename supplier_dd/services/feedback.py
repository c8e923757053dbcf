"""The supplier's feedback on an accepted declaration: bands, recommendations, its responses,
evidence files, and officers turning a response into a corrective action.

What the supplier sees is decided in `domain.recommendations`; this module stores what people
do with it. Every change is audited. Files are checked by content (`services.evidence`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.domain.recommendations import (
    Recommendation,
    RecommendationSet,
    SectionFeedback,
    recommendations_for,
    supplier_feedback,
)
from supplier_dd.models import Declaration, User
from supplier_dd.models.declaration import submitted_answers
from supplier_dd.models.feedback import (
    RESPONSE_DONE,
    RESPONSE_KINDS,
    RESPONSE_NOT_APPLICABLE,
    RESPONSE_WILL_DO,
    RecommendationResponse,
    SupplierEvidenceFile,
)
from supplier_dd.models.risk import (
    ACTION_SIGNED_OFF,
    AssessmentReview,
    CorrectiveAction,
    RiskAssessment,
)
from supplier_dd.services import InvalidField, ServiceError, audit
from supplier_dd.services.declarations import questionnaire_of
from supplier_dd.services.evidence import (
    MAX_FILES_PER_QUESTION,
    EvidenceStore,
    checked_content_type,
    filename_for_type,
)
from supplier_dd.services.review import open_corrective_action

NOTE_MAX = 5000


@dataclass(frozen=True)
class Feedback:
    declaration: Declaration
    recommendations: RecommendationSet
    sections: tuple[SectionFeedback, ...]
    responses: dict[str, RecommendationResponse]

    @property
    def total(self) -> int:
        return sum(len(s.recommendations) for s in self.sections)

    @property
    def answered(self) -> int:
        keys = {r.key for s in self.sections for r in s.recommendations}
        return len(keys & set(self.responses))


def is_accepted(session: Session, declaration: Declaration) -> bool:
    """Whether an officer has accepted an assessment of this declaration: a later re-score of
    the same declaration does not take the feedback away."""
    return session.scalar(
        select(AssessmentReview.id)
        .join(RiskAssessment, RiskAssessment.id == AssessmentReview.assessment_id)
        .where(RiskAssessment.declaration_id == declaration.id,
               AssessmentReview.decision == "accept").limit(1)
    ) is not None


def feedback_for(session: Session, declaration: Declaration) -> Feedback | None:
    """The feedback on a declaration, or None while it is not accepted (or has no texts)."""
    if declaration.is_draft or not is_accepted(session, declaration):
        return None
    recommendations = recommendations_for(declaration.questionnaire_id,
                                          declaration.questionnaire_version)
    if recommendations is None:
        return None
    sections = supplier_feedback(questionnaire_of(declaration), recommendations,
                                 submitted_answers(declaration))
    responses = {r.recommendation_key: r for r in session.scalars(
        select(RecommendationResponse)
        .where(RecommendationResponse.declaration_id == declaration.id))}
    return Feedback(declaration, recommendations, sections, responses)


def latest_with_feedback(session: Session, supplier_id: int) -> Feedback | None:
    """The newest accepted declaration of a supplier, with its feedback."""
    declarations = session.scalars(
        select(Declaration).where(Declaration.supplier_id == supplier_id,
                                  Declaration.submitted_at.is_not(None))
        .order_by(Declaration.submitted_at.desc(), Declaration.id.desc()))
    for declaration in declarations:
        found = feedback_for(session, declaration)
        if found is not None:
            return found
    return None


def recommendation_in(feedback: Feedback, key: str) -> Recommendation | None:
    return next((r for s in feedback.sections for r in s.recommendations if r.key == key), None)


def _snapshot(response: RecommendationResponse) -> dict:
    return {"kind": response.kind, "due_date": response.due_date, "note": response.note}


def _store_file(session: Session, store: EvidenceStore, *, supplier_id: int, filename: str,
                data: bytes, max_bytes: int, user: User, now: datetime, existing: int,
                response: RecommendationResponse | None = None,
                action: CorrectiveAction | None = None) -> SupplierEvidenceFile:
    content_type = checked_content_type(data, max_bytes)
    if existing >= MAX_FILES_PER_QUESTION:
        raise ServiceError(f"You can upload up to {MAX_FILES_PER_QUESTION} files here")
    record = SupplierEvidenceFile(
        supplier_id=supplier_id, response=response, corrective_action=action,
        original_filename=filename_for_type(filename, content_type),
        stored_name=store.write(data), content_type=content_type, size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by_id=user.id, uploaded_at=now,
    )
    session.add(record)
    session.flush()
    return record


def _file_audit(session: Session, record: SupplierEvidenceFile, actor: audit.Actor,
                now: datetime) -> None:
    audit.record(session, "supplier_evidence.uploaded", actor, now,
                 object_type="supplier_evidence_file", object_id=record.id,
                 after={"response_id": record.response_id,
                        "corrective_action_id": record.corrective_action_id,
                        "filename": record.original_filename,
                        "content_type": record.content_type, "size_bytes": record.size_bytes,
                        "sha256": record.sha256},
                 details={"supplier_id": record.supplier_id})


@dataclass(frozen=True)
class ResponseInput:
    kind: str | None
    due_date: date | None
    note: str
    filename: str | None = None
    data: bytes | None = None


def respond(session: Session, store: EvidenceStore, feedback: Feedback,
            recommendation: Recommendation, given: ResponseInput, user: User, now: datetime,
            max_bytes: int, *, actor: audit.Actor | None = None) -> RecommendationResponse:
    """Save (or change) the supplier's response to one recommendation. Raises InvalidField
    naming the field to correct; nothing is saved then."""
    existing = feedback.responses.get(recommendation.key)
    if existing is not None and existing.corrective_action_id is not None:
        raise ServiceError("The council has made this a corrective action: answer it there")
    if given.kind not in RESPONSE_KINDS:
        raise InvalidField("kind", "Select what you will do about this recommendation")
    note = (given.note or "").replace("\r\n", "\n").strip()
    if len(note) > NOTE_MAX:
        raise InvalidField("note_" + given.kind, f"Your answer must be {NOTE_MAX:,} characters "
                           "or fewer")
    if given.kind == RESPONSE_WILL_DO:
        if given.due_date is None:
            raise InvalidField("due_date", "Enter the date you will do it by")
        if given.due_date < now.date():
            raise InvalidField("due_date", "The date you will do it by must be today or later")
    if given.kind == RESPONSE_NOT_APPLICABLE and not note:
        raise InvalidField("note_not_applicable", "Enter why this does not apply to you")
    has_files = bool(existing is not None and existing.evidence)
    if given.kind == RESPONSE_DONE and not given.data and not has_files:
        raise InvalidField("evidence", "Upload evidence that you have done it")
    content_type_checked = None
    if given.kind == RESPONSE_DONE and given.data:
        try:
            content_type_checked = checked_content_type(given.data, max_bytes)
        except ServiceError as error:
            raise InvalidField("evidence", str(error)) from None
    before = _snapshot(existing) if existing is not None else None
    response = existing or RecommendationResponse(
        supplier_id=feedback.declaration.supplier_id, declaration_id=feedback.declaration.id,
        recommendation_key=recommendation.key,
        recommendations_version=feedback.recommendations.version,
        recommendation_title=recommendation.title,
    )
    response.kind = given.kind
    response.due_date = given.due_date if given.kind == RESPONSE_WILL_DO else None
    response.note = note
    response.responded_by_id = user.id
    response.responded_at = now
    session.add(response)
    session.flush()
    who = audit.actor_or(actor, user)
    audit.record(session, "recommendation_response.saved", who, now,
                 object_type="recommendation_response", object_id=response.id,
                 before=before, after=_snapshot(response),
                 details={"supplier_id": response.supplier_id,
                          "declaration_id": response.declaration_id,
                          "recommendation": recommendation.key})
    if content_type_checked is not None:
        record = _store_file(session, store, supplier_id=response.supplier_id,
                             filename=given.filename or "evidence", data=given.data,
                             max_bytes=max_bytes, user=user, now=now,
                             existing=len(response.evidence), response=response)
        _file_audit(session, record, who, now)
    feedback.responses[recommendation.key] = response
    return response


def add_action_evidence(session: Session, store: EvidenceStore, action: CorrectiveAction,
                        filename: str, data: bytes, user: User, now: datetime, max_bytes: int,
                        *, actor: audit.Actor | None = None) -> SupplierEvidenceFile:
    if action.status == ACTION_SIGNED_OFF:
        raise ServiceError("This action has been signed off and takes no more files")
    record = _store_file(session, store, supplier_id=action.supplier_id, filename=filename,
                         data=data, max_bytes=max_bytes, user=user, now=now,
                         existing=len(action_evidence(session, action.id)), action=action)
    _file_audit(session, record, audit.actor_or(actor, user), now)
    return record


def action_evidence(session: Session, action_id: int) -> list[SupplierEvidenceFile]:
    return list(session.scalars(
        select(SupplierEvidenceFile).where(SupplierEvidenceFile.corrective_action_id == action_id)
        .order_by(SupplierEvidenceFile.id)))


def supplier_file(session: Session, file_id: int, supplier_id: int
                  ) -> SupplierEvidenceFile | None:
    """A file only if it belongs to this supplier: another supplier's id finds nothing."""
    return session.scalar(select(SupplierEvidenceFile).where(
        SupplierEvidenceFile.id == file_id, SupplierEvidenceFile.supplier_id == supplier_id))


def owned_response(session: Session, response_id: int, supplier_id: int
                   ) -> RecommendationResponse | None:
    return session.scalar(select(RecommendationResponse).where(
        RecommendationResponse.id == response_id,
        RecommendationResponse.supplier_id == supplier_id))


def turn_into_action(session: Session, response: RecommendationResponse, *, title: str,
                     description: str, owner: str, due_date: date | None, officer: User,
                     now: datetime, actor: audit.Actor | None = None) -> CorrectiveAction:
    """Open a corrective action from a response; the response then points at it."""
    if response.corrective_action_id is not None:
        raise ServiceError("This response is already a corrective action")
    assessment_id = session.scalar(
        select(RiskAssessment.id).where(RiskAssessment.declaration_id == response.declaration_id)
        .order_by(RiskAssessment.is_current.desc(), RiskAssessment.id.desc()).limit(1))
    action = open_corrective_action(
        session, response.supplier_id, title=title, description=description, owner=owner,
        due_date=due_date, officer=officer, now=now, assessment_id=assessment_id, actor=actor)
    response.corrective_action_id = action.id
    session.flush()
    audit.record(session, "recommendation_response.made_corrective_action",
                 audit.actor_or(actor, officer), now,
                 object_type="recommendation_response", object_id=response.id,
                 before={"corrective_action_id": None},
                 after={"corrective_action_id": action.id},
                 details={"supplier_id": response.supplier_id})
    return action


RESPONSE_LABELS = {
    RESPONSE_WILL_DO: "Will do",
    RESPONSE_DONE: "Already done",
    RESPONSE_NOT_APPLICABLE: "Does not apply",
}
