"""Officers' verifications of the evidence behind answers (issue 16).

Officers add a verification (a document the supplier uploaded with the answer, an independent
audit or certification, or the supplier's statement on the Home Office registry) or withdraw
one with a reason; each is audited and the supplier is scored again with the active model, so
the assessment shows the new verified maturity at once. Verifications are never edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from supplier_dd.domain.questionnaire import Question, load_questionnaire
from supplier_dd.domain.risk.plan import PlannedQuestion
from supplier_dd.domain.roles import Permission, can
from supplier_dd.models import User
from supplier_dd.models.answer_verification import (
    KIND_CERTIFICATION,
    KIND_DOCUMENT,
    KIND_REGISTRY,
    AnswerVerification,
)
from supplier_dd.models.declaration import STATUS_DRAFT, Declaration, EvidenceFile
from supplier_dd.models.imports import RegistryStatement
from supplier_dd.services import InvalidField, ServiceError, audit
from supplier_dd.services.registry_lookup import registry_facts_for
from supplier_dd.services.risk import rescore_supplier, scoring_plan_for

# The queries live apart so services.risk can read them; named here too for callers.
from supplier_dd.services.verified_answers import (  # noqa: F401
    standing_verifications,
    verified_question_ids,
)

# The s.54 statement questions: the only answers a registry statement can back.
S54_SECTION = "s54"
NOTE_MAX = 2000
NAME_MAX = 200
ALREADY_VERIFIED = "This answer is already verified this way; withdraw that first to replace it"
# What a certification needs, for the service and for the form that asks for all at once.
CERTIFICATION_REQUIRED = {
    "scheme": "Enter the audit or certification scheme",
    "certifying_body": "Enter the body that audited or certified the supplier",
    "certified_on": "Enter the date of the audit or certification",
}


def scored_question(declaration: Declaration, question_id: str) -> PlannedQuestion:
    """The scored question of this declaration's questionnaire, or a ServiceError."""
    plan = scoring_plan_for(declaration.questionnaire_id, declaration.questionnaire_version,
                            declaration.form_level)
    for question in plan.questions:
        if question.id == question_id and question.scored:
            return question
    raise ServiceError("Choose a scored question of this declaration")


def _questionnaire_question(declaration: Declaration, question_id: str) -> Question:
    questionnaire = load_questionnaire(declaration.questionnaire_id,
                                       declaration.questionnaire_version)
    return questionnaire.question(question_id)


def files_for_answer(declaration: Declaration, question_id: str) -> list[EvidenceFile]:
    """Files the supplier uploaded with this answer: those of the file questions on the same
    page of the questionnaire (the policy file beside 'Do you have a policy?')."""
    questionnaire = load_questionnaire(declaration.questionnaire_id,
                                       declaration.questionnaire_version)
    question = _questionnaire_question(declaration, question_id)
    file_questions = {q.id for q in questionnaire.questions_on(question.section, question.page)
                      if q.type == "file"}
    return [item for item in declaration.evidence if item.question_id in file_questions]


def can_use_registry(declaration: Declaration, question_id: str) -> bool:
    return _questionnaire_question(declaration, question_id).section == S54_SECTION


def matched_registry_statements(session: Session, declaration: Declaration, today: date
                                ) -> list[RegistryStatement]:
    """Registry rows matched to the declaration's supplier (by number, else unshared name)."""
    facts = registry_facts_for(session, declaration.supplier, today)
    wanted = {(s.statement_year, s.organisation_name, s.company_number) for s in facts.statements}
    if not wanted:
        return []
    rows = session.scalars(select(RegistryStatement).where(
        RegistryStatement.statement_year.in_({year for year, _, _ in wanted})))
    matched = [row for row in rows
               if (row.statement_year, row.organisation_name, row.company_number) in wanted]
    return sorted(matched, key=lambda row: row.statement_year, reverse=True)


@dataclass(frozen=True)
class Certification:
    scheme: str
    certifying_body: str
    certified_on: date | None
    expires_on: date | None


def _check_officer(officer: User) -> None:
    if not can(getattr(officer, "role", None), Permission.REVIEW_RISK):
        raise ServiceError("Only the council's officers can verify evidence")


def _check_answer(declaration: Declaration, question_id: str) -> PlannedQuestion:
    if declaration.status == STATUS_DRAFT:
        raise ServiceError("Evidence can only be verified on a submitted declaration")
    return scored_question(declaration, question_id)


def _text(value: str | None, field: str, message: str, limit: int) -> str:
    cleaned = (value or "").replace("\r\n", "\n").strip()
    if not cleaned:
        raise InvalidField(field, message)
    if len(cleaned) > limit:
        raise InvalidField(field, f"{message.split(' ', 1)[1].capitalize()} must be {limit:,} "
                                  "characters or fewer")
    return cleaned


def _note(note: str | None) -> str | None:
    cleaned = (note or "").replace("\r\n", "\n").strip()
    if len(cleaned) > NOTE_MAX:
        raise InvalidField("note", f"The note must be {NOTE_MAX:,} characters or fewer")
    return cleaned or None


def describe(verification: AnswerVerification) -> str:
    """What backs the answer, in the words the review page and the audit trail use."""
    if verification.kind == KIND_DOCUMENT:
        name = verification.evidence_file.original_filename if verification.evidence_file \
            else "a document"
        return f"document {name} checked"
    if verification.kind == KIND_CERTIFICATION:
        text = f"{verification.scheme} by {verification.certifying_body}"
        if verification.expires_on:
            text += f", valid to {verification.expires_on:%-d %B %Y}"
        return text
    return "statement on the Home Office registry"


def _view(verification: AnswerVerification) -> dict:
    return {"question_id": verification.question_id, "kind": verification.kind,
            "evidence_file_id": verification.evidence_file_id,
            "scheme": verification.scheme, "certifying_body": verification.certifying_body,
            "certified_on": verification.certified_on.isoformat()
            if verification.certified_on else None,
            "expires_on": verification.expires_on.isoformat()
            if verification.expires_on else None,
            "registry_statement_id": verification.registry_statement_id,
            "note": verification.note, "withdrawn": verification.withdrawn_at is not None,
            "withdrawal_reason": verification.withdrawal_reason}


def _add(session: Session, verification: AnswerVerification, declaration: Declaration,
         officer: User, now: datetime, actor: audit.Actor | None) -> AnswerVerification:
    # A double click (or two officers at once) meets the unique index on standing
    # verifications: say so rather than fail.
    try:
        with session.begin_nested():
            session.add(verification)
            session.flush()
    except IntegrityError:
        raise ServiceError(ALREADY_VERIFIED) from None
    _audit_and_rescore(session, "answer.verified", verification, None, officer, now, actor)
    return verification


def _audit_and_rescore(session: Session, action: str, verification: AnswerVerification,
                       before: dict | None, officer: User, now: datetime,
                       actor: audit.Actor | None) -> None:
    declaration = verification.declaration or session.get(Declaration,
                                                           verification.declaration_id)
    who = audit.actor_or(actor, officer)
    audit.record(session, action, who, now, object_type="answer_verification",
                 object_id=verification.id, before=before, after=_view(verification),
                 details={"declaration_id": declaration.id,
                          "supplier_id": declaration.supplier_id,
                          "question_id": verification.question_id})
    # The assessment shows the new verified maturity at once (v1 ignores verifications).
    rescore_supplier(session, declaration.supplier_id, now, who)


def _standing(session: Session, declaration: Declaration, question_id: str, kind: str) -> bool:
    return session.scalar(select(AnswerVerification.id).where(
        AnswerVerification.declaration_id == declaration.id,
        AnswerVerification.question_id == question_id, AnswerVerification.kind == kind,
        AnswerVerification.withdrawn_at.is_(None)).limit(1)) is not None


def verify_document(session: Session, declaration: Declaration, question_id: str,
                    evidence_file: EvidenceFile | None, officer: User, now: datetime,
                    note: str | None = None, *, actor: audit.Actor | None = None
                    ) -> AnswerVerification:
    _check_officer(officer)
    _check_answer(declaration, question_id)
    if evidence_file is None:
        raise InvalidField("evidence_file", "Select the file you checked")
    if evidence_file.declaration_id != declaration.id or evidence_file not in files_for_answer(
            declaration, question_id):
        raise InvalidField("evidence_file", "Select a file the supplier uploaded with this answer")
    if _standing(session, declaration, question_id, KIND_DOCUMENT):
        raise ServiceError(ALREADY_VERIFIED)
    return _add(session, AnswerVerification(
        declaration_id=declaration.id, question_id=question_id, kind=KIND_DOCUMENT,
        evidence_file_id=evidence_file.id, note=_note(note), verified_by_id=officer.id,
        verified_at=now), declaration, officer, now, actor)


def verify_certification(session: Session, declaration: Declaration, question_id: str,
                         officer: User, now: datetime, scheme: str | None,
                         certifying_body: str | None, certified_on: date | None,
                         expires_on: date | None, note: str | None = None, *,
                         actor: audit.Actor | None = None) -> AnswerVerification:
    _check_officer(officer)
    _check_answer(declaration, question_id)
    scheme = _text(scheme, "scheme", CERTIFICATION_REQUIRED["scheme"], NAME_MAX)
    certifying_body = _text(certifying_body, "certifying_body",
                            CERTIFICATION_REQUIRED["certifying_body"], NAME_MAX)
    if certified_on is None:
        raise InvalidField("certified_on", CERTIFICATION_REQUIRED["certified_on"])
    if certified_on > now.date():
        raise InvalidField("certified_on", "The date of the audit or certification must be "
                                           "today or in the past")
    if expires_on is not None and expires_on <= certified_on:
        raise InvalidField("expires_on", "The expiry date must be after the date of the audit "
                                         "or certification")
    if _standing(session, declaration, question_id, KIND_CERTIFICATION):
        raise ServiceError(ALREADY_VERIFIED)
    return _add(session, AnswerVerification(
        declaration_id=declaration.id, question_id=question_id, kind=KIND_CERTIFICATION,
        scheme=scheme, certifying_body=certifying_body, certified_on=certified_on,
        expires_on=expires_on, note=_note(note), verified_by_id=officer.id, verified_at=now),
        declaration, officer, now, actor)


def verify_registry(session: Session, declaration: Declaration, question_id: str,
                    registry_statement: RegistryStatement | None, officer: User,
                    now: datetime, note: str | None = None, *,
                    actor: audit.Actor | None = None) -> AnswerVerification:
    _check_officer(officer)
    _check_answer(declaration, question_id)
    if not can_use_registry(declaration, question_id):
        raise ServiceError("A registry statement can back only the s.54 statement answers")
    if registry_statement is None:
        raise InvalidField("registry_statement", "Select the registry statement you checked")
    if registry_statement not in matched_registry_statements(session, declaration, now.date()):
        raise InvalidField("registry_statement",
                           "Select a registry statement matched to this supplier")
    if _standing(session, declaration, question_id, KIND_REGISTRY):
        raise ServiceError(ALREADY_VERIFIED)
    return _add(session, AnswerVerification(
        declaration_id=declaration.id, question_id=question_id, kind=KIND_REGISTRY,
        registry_statement_id=registry_statement.id, note=_note(note),
        verified_by_id=officer.id, verified_at=now), declaration, officer, now, actor)


def withdraw(session: Session, verification: AnswerVerification, officer: User, now: datetime,
             reason: str | None, *, actor: audit.Actor | None = None) -> AnswerVerification:
    _check_officer(officer)
    if verification.withdrawn_at is not None:
        raise ServiceError("This verification has already been withdrawn")
    reason = _text(reason, "reason", "Enter why you are withdrawing the verification", NOTE_MAX)
    before = _view(verification)
    verification.withdrawn_at = now
    verification.withdrawn_by_id = officer.id
    verification.withdrawal_reason = reason
    session.flush()
    _audit_and_rescore(session, "answer.verification_withdrawn", verification, before, officer,
                       now, actor)
    return verification
