"""Declaration requests and the supplier's declaration: drafts saved page by page, prefill from
the last submission ('tell us once'), signing and submitting, and superseding.

A declaration is a draft until submitted; after that it never changes (see models.declaration).
Changing answers means `revise`, which opens a new draft that supersedes the old one on submit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from supplier_dd.database import hold_until_commit
from supplier_dd.domain.control_characters import control_character_problem
from supplier_dd.domain.form_level import form_level_reason
from supplier_dd.domain.questionnaire import (
    Question,
    Questionnaire,
    answers_sha256,
    canonical_json,
    cross_field_errors,
    current_version,
    is_answered,
    load_questionnaire,
    required_message,
    unanswered_required,
    validate_answer,
    visible_questions,
)
from supplier_dd.models import (
    Contract,
    Declaration,
    DeclarationRequest,
    EvidenceFile,
    Supplier,
    Tender,
    User,
)
from supplier_dd.models.declaration import (
    ANSWERED_STATUSES,
    STATUS_DRAFT,
    STATUS_SUBMITTED,
    STATUS_SUPERSEDED,
    submitted_answers,
)
from supplier_dd.models.tenancy import acting_council, acting_for
from supplier_dd.services import ServiceError, audit
from supplier_dd.services.declaration_integrity import seal_of
from supplier_dd.services.evidence import EvidenceStore, copy_evidence, file_answer
from supplier_dd.services.form_levels import form_level_of, request_tier
from supplier_dd.services.reliance import assess_for_acting_council
from supplier_dd.services.risk import refresh_summary
from supplier_dd.services.shared_answers import answer_other_requests, answering_declaration
from supplier_dd.services.sharing import answer_under_standing_consent

# Re-exported: views read a declaration's answers, and its form level, through this module.
__all__ = ["form_level_of", "request_tier", "submitted_answers"]

QUESTIONNAIRE_ID = "modern_slavery"
SIGNATORY_MAX = 200


def questionnaire_of(declaration: Declaration) -> Questionnaire:
    """The questionnaire as this declaration asks it: at its proportionate form level, so the
    pages, 'check your answers', the PDF, the officer's view and scoring show the same questions."""
    return load_questionnaire(declaration.questionnaire_id, declaration.questionnaire_version
                              ).at_level(form_level_of(declaration))


def form_level_explanation(declaration: Declaration) -> str | None:
    """Why the supplier gets the short, longer or full form (None when the version has no
    levels)."""
    if form_level_of(declaration) is None:
        return None
    return form_level_reason(request_tier(declaration.request), declaration.answers or {})


# --- Requests -----------------------------------------------------------------------------------


def _check_due_date(due_date: date, today: date) -> None:
    if due_date < today:
        raise ServiceError("The due date must be today or in the future")


def _upsert_request(session: Session, natural_key: str,
                    **values) -> tuple[DeclarationRequest, bool]:
    existing = session.scalar(
        select(DeclarationRequest).where(DeclarationRequest.natural_key == natural_key)
    )
    if existing is not None:
        return existing, False
    record = DeclarationRequest(natural_key=natural_key, **values)
    session.add(record)
    return record, True


def _is_settled(request: DeclarationRequest) -> bool:
    """Answered (a submitted declaration, or one made for another request shared with it) or
    withdrawn: asking again then starts a new round rather than pointing at this one."""
    if request.withdrawn_at is not None or request.shared_answer is not None:
        return True
    return any(declaration.status in ANSWERED_STATUSES for declaration in request.declarations)


def open_requests_for(session: Session, supplier_id: int) -> list[DeclarationRequest]:
    """The supplier's requests (of the acting council) still waiting for an answer, soonest
    due first."""
    requests = session.scalars(
        select(DeclarationRequest).where(DeclarationRequest.supplier_id == supplier_id,
                                         DeclarationRequest.withdrawn_at.is_(None))
        .options(selectinload(DeclarationRequest.declarations),
                 selectinload(DeclarationRequest.shared_answer),
                 selectinload(DeclarationRequest.tender), selectinload(DeclarationRequest.contract))
        .order_by(DeclarationRequest.due_date, DeclarationRequest.id))
    return [request for request in requests if not _is_settled(request)]


def _upsert_open_request(session: Session, base_key: str,
                         **values) -> tuple[DeclarationRequest, bool]:
    """The request still waiting for an answer under this key (asking twice, a double click or
    two officers at once, cannot duplicate it), or a new round once the last was answered or
    withdrawn: an officer asking again after a red flag, or for a contract's second year, must
    reach the supplier, not be told it had been asked before."""
    rounds = session.scalars(
        select(DeclarationRequest)
        .where(or_(DeclarationRequest.natural_key == base_key,
                   DeclarationRequest.natural_key.startswith(f"{base_key}:round:")))
        .order_by(DeclarationRequest.id)
    ).all()
    if rounds and not _is_settled(rounds[-1]):
        return rounds[-1], False
    key = f"{base_key}:round:{len(rounds) + 1}" if rounds else base_key
    record = DeclarationRequest(natural_key=key, **values)
    session.add(record)
    return record, True


def _audit_request(session: Session, record: DeclarationRequest, actor: audit.Actor,
                   now: datetime) -> None:
    audit.record(session, "declaration_request.created", actor, now,
                 object_type="declaration_request", object_id=record.id,
                 after={"supplier_id": record.supplier_id, "kind": record.kind,
                        "tender_id": record.tender_id, "contract_id": record.contract_id,
                        "due_date": record.due_date, "natural_key": record.natural_key})
    # Each request checks the supplier against the council's debarment list (issue 16).
    from supplier_dd.services.debarment import CONTEXT_REQUEST, check_supplier

    check_supplier(session, session.get(Supplier, record.supplier_id), CONTEXT_REQUEST, now)
    # Every new request passes here (by hand, for a tender's bidders, from a bulk campaign):
    # while the supplier lets this council rely on its declaration, it is answered at once.
    answer_under_standing_consent(session, record, now, actor)


def request_for_tender(session: Session, tender: Tender, due_date: date, requested_by: User | None,
                       now: datetime, note: str = "", *, actor: audit.Actor | None = None
                       ) -> tuple[list[DeclarationRequest], int]:
    """Ask every supplier invited to the tender. Asking again adds only newly invited ones."""
    _check_due_date(due_date, now.date())
    if not tender.invited_suppliers:
        raise ServiceError("No suppliers are invited to this tender yet")
    made, created, new = [], 0, []
    for supplier in tender.invited_suppliers:
        record, is_new = _upsert_request(
            session, f"tender:{tender.id}:supplier:{supplier.id}", supplier=supplier,
            kind="tender", tender=tender, due_date=due_date, questionnaire_id=QUESTIONNAIRE_ID,
            note=note.strip(), requested_by=requested_by, requested_at=now,
        )
        if not is_new and record.withdrawn_at is not None:
            # The bidder was removed and is back: the request is asked again from now.
            record.withdrawn_at = None
            record.due_date, record.note = due_date, note.strip()
            record.requested_by, record.requested_at = requested_by, now
            is_new = True
        made.append(record)
        created += is_new
        if is_new:
            new.append(record)
    session.flush()
    for record in new:
        _audit_request(session, record, audit.actor_or(actor, requested_by), now)
    return made, created


def _annual_key(supplier: Supplier, due_date: date) -> str:
    return f"annual:{due_date.year}:supplier:{supplier.id}"


def first_annual_request(session: Session, supplier: Supplier,
                         due_date: date) -> DeclarationRequest | None:
    """The first annual request due in that calendar year, answered or not."""
    return session.scalar(select(DeclarationRequest).where(
        DeclarationRequest.natural_key == _annual_key(supplier, due_date)))


def request_for_supplier(session: Session, supplier: Supplier, due_date: date,
                         requested_by: User | None, now: datetime, contract: Contract | None = None,
                         note: str = "", *, actor: audit.Actor | None = None
                         ) -> tuple[DeclarationRequest, bool]:
    """An annual re-declaration, or one for a named contract."""
    _check_due_date(due_date, now.date())
    if contract is not None:
        if contract.supplier_id != supplier.id:
            raise ServiceError("That contract is not held by this supplier")
        key, kind = f"contract:{contract.id}:supplier:{supplier.id}", "contract"
    else:
        key, kind = _annual_key(supplier, due_date), "annual"
    record, created = _upsert_open_request(
        session, key, supplier=supplier, kind=kind, contract=contract, due_date=due_date,
        questionnaire_id=QUESTIONNAIRE_ID, note=note.strip(), requested_by=requested_by,
        requested_at=now,
    )
    session.flush()
    if created:
        _audit_request(session, record, audit.actor_or(actor, requested_by), now)
    return record, created


def request_for_campaign(session: Session, supplier: Supplier, due_date: date,
                         requested_by: User | None, now: datetime, campaign_id: int, *,
                         actor: audit.Actor | None = None) -> tuple[DeclarationRequest, bool]:
    """An annual declaration asked for by a bulk campaign (services.bulk_requests). Keyed by
    the campaign, so it never collides with a request an officer made by hand, and a campaign
    asks each supplier once however often its batch runs."""
    record, created = _upsert_request(
        session, f"campaign:{campaign_id}:supplier:{supplier.id}", supplier=supplier,
        kind="annual", due_date=due_date, questionnaire_id=QUESTIONNAIRE_ID, note="",
        requested_by=requested_by, requested_at=now,
    )
    session.flush()
    if created:
        _audit_request(session, record, audit.actor_or(actor, requested_by), now)
    return record, created


def request_title(request: DeclarationRequest) -> str:
    if request.kind == "tender" and request.tender is not None:
        return f"Tender {request.tender.reference}: {request.tender.title}"
    if request.kind == "contract" and request.contract is not None:
        title = f"Contract {request.contract.reference}: {request.contract.title}"
    else:
        title = f"Annual declaration {request.due_date.year}"
    if ":round:" in (request.natural_key or ""):
        # Asked again after an answer: the supplier and the officer tell the two apart.
        asked = request.requested_at
        return f"{title}, asked again on {asked.day} {asked:%B %Y}"
    return title


def answered_with(request: DeclarationRequest, declaration: Declaration | None) -> str | None:
    """The title of the other request `declaration` was made for, when it answers `request`."""
    if declaration is None or declaration.request_id == request.id or declaration.request is None:
        return None
    return request_title(declaration.request)


@dataclass(frozen=True)
class RequestView:
    request: DeclarationRequest
    title: str
    status: str  # "not_started", "draft", "submitted"
    declaration: Declaration | None
    overdue: bool
    # The request `declaration` was made for, when it answers this one too.
    answered_with: str | None = None


def current_declaration(request: DeclarationRequest) -> Declaration | None:
    """The draft being worked on, else the latest submitted one, else the declaration made for
    another of the supplier's requests that also answers this one."""
    drafts = [d for d in request.declarations if d.status == STATUS_DRAFT]
    if drafts:
        return drafts[-1]
    submitted = [d for d in request.declarations if d.status == STATUS_SUBMITTED]
    return submitted[-1] if submitted else answering_declaration(request)


def requests_for_supplier(session: Session, supplier_id: int, today: date) -> list[RequestView]:
    rows = session.scalars(
        select(DeclarationRequest)
        # A withdrawn request (the supplier removed from its tender) is no longer asked of it.
        .where(DeclarationRequest.supplier_id == supplier_id,
               DeclarationRequest.withdrawn_at.is_(None))
        .options(selectinload(DeclarationRequest.declarations),
                 selectinload(DeclarationRequest.shared_answer),
                 selectinload(DeclarationRequest.tender),
                 selectinload(DeclarationRequest.contract))
        .order_by(DeclarationRequest.due_date, DeclarationRequest.id)
    ).all()
    views = []
    for row in rows:
        declaration = current_declaration(row)
        status = declaration.status if declaration else "not_started"
        views.append(RequestView(
            request=row, title=request_title(row), status=status, declaration=declaration,
            overdue=status != STATUS_SUBMITTED and row.due_date < today,
            answered_with=answered_with(row, declaration),
        ))
    return views


# --- Drafts -------------------------------------------------------------------------------------


def owned_declaration(session: Session, declaration_id: int,
                      supplier_id: int) -> Declaration | None:
    """A supplier only ever reaches its own declarations; anything else is 'not found'."""
    return session.scalar(
        select(Declaration).where(
            Declaration.id == declaration_id, Declaration.supplier_id == supplier_id
        )
    )


def last_submitted(session: Session, supplier_id: int) -> Declaration | None:
    return session.scalar(
        select(Declaration)
        .where(Declaration.supplier_id == supplier_id,
               Declaration.status.in_([STATUS_SUBMITTED, STATUS_SUPERSEDED]))
        .order_by(Declaration.submitted_at.desc(), Declaration.id.desc())
        .limit(1)
    )


def _reusable_value(question: Question, value: Any) -> Any:
    """An earlier answer, if it is still a valid answer to this version's question."""
    if question.type == "file" or not is_answered(value):
        return None
    raw = str(value) if isinstance(value, int | float) else value
    checked = validate_answer(question, raw)
    return None if checked.error else checked.value


def _prefill(session: Session, store: EvidenceStore | None, questionnaire: Questionnaire,
             draft: Declaration, source: Declaration | None, supplier: Supplier,
             now: datetime) -> None:
    answers: dict[str, Any] = {}
    if source is not None:
        earlier = json.loads(source.canonical_answers or "{}").get("answers", {})
        for question in questionnaire.questions:
            value = _reusable_value(question, earlier.get(question.id))
            if value is not None:
                answers[question.id] = value
        for item in (source.evidence if store is not None else []):
            if any(q.id == item.question_id and q.type == "file" for q in questionnaire.questions):
                copy_evidence(session, store, item, draft, now)
        session.flush()
        session.expire(draft, ["evidence"])
        for question_id in {item.question_id for item in draft.evidence}:
            answers[question_id] = file_answer(
                [e for e in draft.evidence if e.question_id == question_id]
            )
        draft.prefilled_from = source
    else:
        # Facts the council already holds: the supplier confirms rather than retypes them.
        known = {
            "org_legal_name": supplier.name,
            "org_company_number": supplier.companies_house_number,
            "org_turnover_band": supplier.turnover_band,
        }
        for question_id, value in known.items():
            try:
                question = questionnaire.question(question_id)
            except KeyError:
                continue
            checked = _reusable_value(question, value)
            if checked is not None:
                answers[question_id] = checked
    draft.answers = answers
    draft.review_question_ids = sorted(answers)


def _new_draft(session: Session, store: EvidenceStore | None, request: DeclarationRequest,
               user: User | None, now: datetime, source: Declaration | None,
               actor: audit.Actor | None = None, revision: bool = False) -> Declaration:
    questionnaire = current_version(request.questionnaire_id)
    draft = Declaration(
        supplier_id=request.supplier_id, request=request, questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version, status=STATUS_DRAFT, answers={},
        review_question_ids=[], created_by=user, created_at=now, updated_at=now,
    )
    session.add(draft)
    session.flush()
    supplier = session.get(Supplier, request.supplier_id)
    _prefill(session, store, questionnaire, draft, source, supplier, now)
    session.flush()
    audit.record(session, "declaration.revision_started" if revision else "declaration.started",
                 audit.actor_or(actor, user), now, object_type="declaration", object_id=draft.id,
                 details={"request_id": request.id, "supplier_id": draft.supplier_id,
                          "prefilled_from": source.id if source is not None else None,
                          "copied_evidence": [item.sha256 for item in draft.evidence]})
    # The dashboard's "Declaration: Draft" filter reads the supplier's latest declaration from
    # its summary row.
    refresh_summary(session, draft.supplier_id, now)
    return draft


def _lock_request(session: Session, request: DeclarationRequest) -> None:
    """Hold the request until commit, then read its declarations afresh, so that of several
    clicks at once the first opens the draft and the rest find it (a unique index, migration
    0013, refuses a second draft in any case)."""
    hold_until_commit(session, DeclarationRequest.note, DeclarationRequest.id == request.id)
    session.scalars(
        select(Declaration)
        .where(Declaration.request_id == request.id)
        .execution_options(populate_existing=True)
    ).all()
    session.expire(request, ["declarations"])


def start_or_resume(session: Session, store: EvidenceStore | None, request: DeclarationRequest,
                    user: User | None, now: datetime, *, actor: audit.Actor | None = None
                    ) -> Declaration:
    """Open the request's draft, or start one prefilled from the supplier's last submission.
    A request already answered is opened as it is; changing it is `revise`. Without a `store`
    (the demo loader) earlier evidence files are not copied."""
    _lock_request(session, request)
    existing = current_declaration(request)
    if existing is not None:
        return existing
    source = last_submitted(session, request.supplier_id)
    return _new_draft(session, store, request, user, now, source, actor)


def revise(session: Session, store: EvidenceStore | None, declaration: Declaration,
           user: User | None, now: datetime, *, actor: audit.Actor | None = None) -> Declaration:
    """A new draft from a submitted declaration; on submit it supersedes the old one. Asked
    again (or several times at once) it returns the draft the first call made."""
    if declaration.request is None:
        raise ServiceError("This declaration is not linked to a request")
    _lock_request(session, declaration.request)
    if declaration.status != STATUS_SUBMITTED:
        raise ServiceError("Only the current submitted declaration can be changed")
    draft = next((d for d in declaration.request.declarations if d.status == STATUS_DRAFT), None)
    if draft is not None:
        return draft
    return _new_draft(session, store, declaration.request, user, now, declaration, actor,
                      revision=True)


@dataclass
class PageResult:
    errors: dict[str, str] = field(default_factory=dict)
    # What the person typed, to show again beside an error (never saved when invalid).
    entered: dict[str, Any] = field(default_factory=dict)
    # Questions on this page that the answers just given have made relevant.
    revealed: list[str] = field(default_factory=list)


def raw_answer(question: Question, form: Mapping[str, list[str]]) -> Any:
    """Pull one question's raw value from a form (`form[name]` is a list of strings)."""
    if question.type == "date":
        return {part: (form.get(f"{question.id}-{part}") or [""])[0]
                for part in ("day", "month", "year")}
    values = list(form.get(question.id) or [])
    if question.type in ("multiple_choice", "country_list"):
        return values
    return values[0] if len(values) == 1 else values


def questions_on_page(questionnaire: Questionnaire, answers: Mapping[str, Any], section_id: str,
                      page_id: str) -> list[Question]:
    return [q for q in visible_questions(questionnaire, answers)
            if q.section == section_id and q.page == page_id]


def save_page(session: Session, declaration: Declaration, questionnaire: Questionnaire,
              section_id: str, page_id: str, form: Mapping[str, list[str]], *,
              check_required: bool, today: date, now: datetime,
              follow_ups_shown: Iterable[str] = ()) -> PageResult:
    """Save a page's answers to the draft. Valid answers are kept even when another field on
    the page has an error, so nothing typed correctly is lost.

    `follow_ups_shown` are the page's follow-up questions the browser showed as answers were
    chosen (with JavaScript): their answers are saved with the rest, and they count as asked."""
    if not declaration.is_draft:
        raise ServiceError("This declaration has been submitted and cannot be changed")
    saved = dict(declaration.answers or {})
    shown = questions_on_page(questionnaire, saved, section_id, page_id)
    extra = set(follow_ups_shown) - {q.id for q in shown}
    shown += [q for q in questionnaire.questions_on(section_id, page_id) if q.id in extra]
    result = PageResult()
    answers = dict(saved)
    for question in shown:
        if question.type == "file":
            continue  # files arrive through the evidence service
        raw = raw_answer(question, form)
        value, error = validate_answer(question, raw, today=today)
        if error:
            result.errors[question.id] = error
            result.entered[question.id] = raw
        elif value is None:
            answers.pop(question.id, None)
        else:
            answers[question.id] = value
    for question_id, message in cross_field_errors(questionnaire, answers).items():
        if any(q.id == question_id for q in shown) and question_id not in result.errors:
            result.errors[question_id] = message
            result.entered[question_id] = raw_answer(questionnaire.question(question_id), form)
            # Keep the answer saved before this one, if any: the refused one is not saved.
            if question_id in saved:
                answers[question_id] = saved[question_id]
            else:
                answers.pop(question_id, None)
    now_shown = questions_on_page(questionnaire, answers, section_id, page_id)
    shown_ids = {q.id for q in shown}
    # A follow-up the answers given no longer ask for is not asked: no error for it.
    for question_id in extra - {q.id for q in now_shown}:
        result.errors.pop(question_id, None)
    result.revealed = [q.id for q in now_shown if q.id not in shown_ids]
    if check_required:
        for question in now_shown:
            if (question.id in shown_ids and question.required and question.id not in result.errors
                    and not is_answered(answers.get(question.id))):
                result.errors[question.id] = required_message(question)
    declaration.answers = answers
    reviewed = {q.id for q in shown}
    declaration.review_question_ids = [
        q for q in (declaration.review_question_ids or []) if q not in reviewed
    ]
    declaration.updated_at = now
    session.flush()
    return result


# --- Signing and submitting ---------------------------------------------------------------------


class SubmitError(ServiceError):
    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors


class AlreadySubmitted(ServiceError):
    """A submit of a declaration that is no longer a draft: usually the same form sent twice,
    whose first copy did the submitting. The caller answers with that submission's page."""


def submission_blockers(questionnaire: Questionnaire, answers: Mapping[str, Any],
                        today: date) -> dict[str, str]:
    """Why these answers cannot be submitted yet, by question id (empty when they can)."""
    problems = {q.id: required_message(q) for q in unanswered_required(questionnaire, answers)}
    for question in visible_questions(questionnaire, answers):
        value = answers.get(question.id)
        if question.id in problems or not is_answered(value):
            continue
        raw = str(value) if isinstance(value, int | float) else value
        checked = validate_answer(question, raw, today=today)
        if checked.error:
            problems[question.id] = checked.error
    problems.update(cross_field_errors(questionnaire, answers))
    return problems


def _claim_draft(session: Session, declaration: Declaration) -> bool:
    """Hold the declaration until commit if it is still a draft, and re-read it: a concurrent
    submit of the same draft waits here, then finds it submitted (its copy loaded before the
    lock said draft, and is never trusted)."""
    hold_until_commit(session, Declaration.updated_at, Declaration.id == declaration.id,
                      Declaration.status == STATUS_DRAFT)
    fresh = session.get(Declaration, declaration.id, populate_existing=True)
    return fresh is not None and fresh.is_draft


def submit(session: Session, declaration: Declaration, *, signatory_name: str,
           signatory_role: str, confirms_true: bool, confirms_authority: bool, ip: str | None,
           user: User | None, now: datetime, actor: audit.Actor | None = None) -> Declaration:
    """Sign and submit. Stores the canonical answers and their SHA-256; supersedes the request's
    earlier submitted declaration, which is kept."""
    if not _claim_draft(session, declaration):
        raise AlreadySubmitted("This declaration has already been submitted")
    errors: dict[str, str] = {}
    name, role = " ".join((signatory_name or "").split()), " ".join((signatory_role or "").split())
    # Tabs and line breaks fold into spaces above; other control characters are refused, as
    # every form's text is (web/base_form.py), so the sealed signatory is what the person saw.
    name_problem = control_character_problem("Your name", name, multiline=True)
    role_problem = control_character_problem("Your role", role, multiline=True)
    if not name:
        errors["signatory_name"] = "Enter your full name"
    elif name_problem:
        errors["signatory_name"] = name_problem
    elif len(name) > SIGNATORY_MAX:
        errors["signatory_name"] = f"Your name must be {SIGNATORY_MAX} characters or fewer"
    if not role:
        errors["signatory_role"] = "Enter your role in the organisation"
    elif role_problem:
        errors["signatory_role"] = role_problem
    elif len(role) > SIGNATORY_MAX:
        errors["signatory_role"] = f"Your role must be {SIGNATORY_MAX} characters or fewer"
    if not confirms_true:
        errors["confirm_true"] = "Confirm that the answers are true and complete"
    if not confirms_authority:
        errors["confirm_authority"] = (
            "Confirm that you have authority to make this declaration for your organisation"
        )
    questionnaire = questionnaire_of(declaration)
    if submission_blockers(questionnaire, declaration.answers or {}, now.date()):
        errors["answers"] = "Answer every question that needs an answer before you submit"
    if declaration.request is not None and declaration.request.withdrawn_at is not None:
        errors["answers"] = ("The council has withdrawn this request, so this declaration "
                             "cannot be submitted")
    if errors:
        raise SubmitError(errors)

    previous = None
    if declaration.request_id is not None:
        previous = session.scalar(
            select(Declaration).where(
                Declaration.request_id == declaration.request_id,
                Declaration.status == STATUS_SUBMITTED,
                Declaration.id != declaration.id,
            )
        )
    actor = audit.actor_or(actor, user, ip)
    if previous is not None:
        previous.status = STATUS_SUPERSEDED
        previous.superseded_at = now
        session.flush()
        audit.record(session, "declaration.superseded", actor, now, object_type="declaration",
                     object_id=previous.id, before={"status": STATUS_SUBMITTED},
                     after={"status": STATUS_SUPERSEDED, "superseded_by": declaration.id,
                            # Sealed so that verify can hold the row to it (issue 22).
                            "superseded_at": now.isoformat()})
    canonical = canonical_json(questionnaire, declaration.answers or {})
    # Kept with the declaration: re-scoring asks the same questions it was asked.
    declaration.form_level = questionnaire.form_level
    declaration.canonical_answers = canonical
    declaration.answers_sha256 = answers_sha256(canonical)
    declaration.signatory_name = name
    declaration.signatory_role = role
    declaration.submitted_at = now
    declaration.submitted_ip = (ip or "")[:45] or None
    declaration.submitted_by = user
    declaration.supersedes = previous
    declaration.review_question_ids = []
    declaration.updated_at = now
    declaration.status = STATUS_SUBMITTED
    session.flush()
    # The assessment, the cycle and the audit entries are the asking council's own (issue 17),
    # whoever submits: scored from that council's contracts, shown in its audit view.
    council_id = declaration.request.council_id if declaration.request is not None else None
    with acting_for(session, council_id or acting_council(session)):
        _after_submission(session, declaration, previous, actor, now)
    return declaration


def _after_submission(session: Session, declaration: Declaration, previous: Declaration | None,
                      actor: audit.Actor, now: datetime) -> None:
    # This is the one place a submission ties the services together, calling each in one
    # direction (declarations -> risk, reminders; reminders -> risk).
    assessment = assess_for_acting_council(session, declaration, now)
    # The seal: what was signed, as the audit chain keeps it. `declaration_checks` compares the
    # stored declaration, its evidence rows and its files against this at any time.
    audit.record(session, "declaration.submitted", actor, now, object_type="declaration",
                 object_id=declaration.id, before={"status": STATUS_DRAFT},
                 after=seal_of(session, declaration),
                 details={"supplier_id": declaration.supplier_id,
                          "request_id": declaration.request_id,
                          "supersedes": previous.id if previous is not None else None,
                          "assessment_id": assessment.id,
                          "residual_band": assessment.residual_band})
    # After the seal, as its own chained entries: the seal and what it covers stay as they were.
    answer_other_requests(session, declaration, now, actor)


def declarations_for_officers(session: Session, status: str | None = None) -> list[Declaration]:
    statement = (
        select(Declaration)
        .options(selectinload(Declaration.supplier), selectinload(Declaration.request))
        .order_by(Declaration.submitted_at.desc().nulls_last(), Declaration.id.desc())
    )
    if status:
        statement = statement.where(Declaration.status == status)
    return list(session.scalars(statement))


def evidence_of(session: Session, declaration_id: int, evidence_id: int) -> EvidenceFile | None:
    return session.scalar(
        select(EvidenceFile).where(
            EvidenceFile.id == evidence_id, EvidenceFile.declaration_id == declaration_id
        )
    )
