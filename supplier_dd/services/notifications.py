"""Who is told about what: each event's email, queued in the outbox once per person.

An event names its audience by rule, never by hand: a supplier's own active contacts for what
concerns that supplier, active staff of the roles that act on it for staff-facing news. Each
message's outbox key is the event's own key plus the recipient, so an event noticed twice (a
repeated click, a second scheduler) still sends one email to each person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.database import insert_ignoring_duplicates
from supplier_dd.domain.roles import Role
from supplier_dd.models import CabinetPackRun, Declaration, DeclarationRequest, Supplier, User
from supplier_dd.models.notification import (
    DELIVERY_CHOICES,
    DELIVERY_DAILY_DIGEST,
    DigestItem,
)
from supplier_dd.models.risk import ACTION_OPEN as ACTION_STATUS_OPEN
from supplier_dd.models.risk import (
    AssessmentReview,
    CorrectiveAction,
    ReviewQuery,
    RiskAssessment,
)
from supplier_dd.services import ServiceError, outbox
from supplier_dd.services.councils import council_name_for
from supplier_dd.services.declarations import request_title
from supplier_dd.services.sharing import consent_answer


@dataclass(frozen=True)
class Mailer:
    """What queuing a notification needs from outside the services: rendering and links."""

    council_name: str
    render: Callable[..., object]  # mail.render_email(name, **context) -> RenderedEmail
    link: Callable[..., str]  # (endpoint, **url values) -> absolute URL


# Staff who review declarations: the people a supplier's answer to a query goes back to.
REVIEWERS = (Role.OFFICER, Role.ADMIN)


def _day(value: date | datetime) -> str:
    return f"{value.day} {value:%B %Y}"


def supplier_contacts(session: Session, supplier_id: int) -> list[User]:
    return list(session.scalars(
        select(User).where(User.supplier_id == supplier_id, User.role == Role.SUPPLIER,
                           User.active.is_(True)).order_by(User.id)))


def staff(session: Session, *roles: Role, council_id: int | None = None) -> list[User]:
    """Active staff in these roles: of `council_id` when given, else of the council the session
    acts for. News raised by a supplier contact (whose session acts for no council) must say
    its council, or it would reach every council's staff."""
    statement = select(User).where(User.role.in_(roles), User.active.is_(True))
    if council_id is not None:
        statement = statement.where(User.council_id == council_id)
    return list(session.scalars(statement.order_by(User.id)))


def queue(session: Session, mailer: Mailer, *, template: str, event_key: str,
          recipients: Iterable[User], now: datetime, **context) -> int:
    """Render `templates/email/<template>/` for each recipient and queue it under the key
    `<template>:<event_key>:user:<id>`, or hold it for the person's daily digest when the
    news can wait and they chose one; returns how many were new. People without an address
    are skipped (the outbox would only fail them)."""
    messages, held = [], []
    for user in {user.id: user for user in recipients}.values():
        if not user.email:
            continue
        key = f"{template}:{event_key}:user:{user.id}"
        email = mailer.render(template, name=user.name, council_name=mailer.council_name,
                              **context)
        if template in DIGESTIBLE and user.notification_delivery == DELIVERY_DAILY_DIGEST:
            held.append(dict(dedupe_key=key, user_id=user.id, kind=template,
                             subject=email.subject[:300], link=context["link"],
                             created_at=now, digested_at=None))
            continue
        messages.append(outbox.NewMessage(
            dedupe_key=key, kind=template, recipient=user.email,
            subject=email.subject, text=email.text, html=email.html))
    held_keys = insert_ignoring_duplicates(session, DigestItem, held, "dedupe_key")
    return len(outbox.enqueue_many(session, messages, now)) + len(held_keys)


# --- Daily digests -------------------------------------------------------------------------------

# News that asks nobody to act by a date can wait for a digest; everything else (a rejection,
# a query, a corrective action and its deadlines, a red flag, a request) is always sent at once.
DIGESTIBLE_LABELS = {  # template: (what it tells, the roles it goes to)
    "query_answered": ("A supplier’s answer to a query you raised", (Role.OFFICER, Role.ADMIN)),
    "corrective_action_signed_off": ("The council signing off a corrective action",
                                     (Role.SUPPLIER,)),
    "cabinet_pack_built": ("A Cabinet evidence pack that has been built", (Role.LEGAL,)),
}
DIGESTIBLE = frozenset(DIGESTIBLE_LABELS)


def digestible_for(role: str) -> list[str]:
    """What can wait for this person's digest, in words, for their settings page."""
    return [label for label, roles in DIGESTIBLE_LABELS.values() if role in roles]


def set_delivery(session: Session, user: User, choice: str) -> None:
    if choice not in DELIVERY_CHOICES:
        raise ServiceError("Select how you want to get emails that can wait")
    user.notification_delivery = choice
    session.flush()


def send_digests(session: Session, mailer: Mailer, today: date, now: datetime) -> int:
    """One email per person with held items: the daily job's work. An item is marked as sent
    only with the digest that carries it, so a second run the same day (whose digest key is
    taken) leaves later items for tomorrow rather than losing them. Returns digests queued."""
    waiting = session.scalars(
        select(DigestItem).where(DigestItem.digested_at.is_(None))
        .order_by(DigestItem.user_id, DigestItem.id)).all()
    by_user: dict[int, list[DigestItem]] = {}
    for item in waiting:
        by_user.setdefault(item.user_id, []).append(item)
    queued = 0
    for user_id, items in by_user.items():
        user = session.get(User, user_id)
        if not user.active or not user.email:
            for item in items:  # nobody left to read them
                item.digested_at = now
            continue
        # Run for the whole deployment: a staff member's digest names their council; a
        # supplier contact's may carry news from several, so it names the service.
        email = mailer.render("notification_digest", name=user.name,
                              council_name=council_name_for(session, mailer.council_name,
                                                            user.council_id),
                              day=_day(today),
                              items=[{"subject": i.subject, "link": i.link} for i in items])
        if outbox.enqueue(session, dedupe_key=f"notification_digest:{user.id}:{today}",
                          kind="notification_digest", recipient=user.email,
                          subject=email.subject, text=email.text, html=email.html, now=now):
            for item in items:
                item.digested_at = now
            queued += 1
    session.flush()
    return queued


# --- Review decisions ----------------------------------------------------------------------------


def review_decided(session: Session, review: AssessmentReview, mailer: Mailer,
                   now: datetime) -> int:
    """A rejection or a query is the supplier's to act on; an acceptance needs no email."""
    template, page = {
        "reject": ("declaration_rejected", "supplier.home"),
        "query": ("query_raised", "supplier_risk.requests"),
    }.get(review.decision, (None, None))
    if template is None:
        return 0
    supplier = session.get(Supplier, review.supplier_id)
    return queue(
        session, mailer, template=template, event_key=f"review:{review.id}",
        recipients=supplier_contacts(session, supplier.id), now=now,
        # The supplier sees the reason of a rejection, and of a query only its comments: what
        # the review form tells the officer.
        supplier_name=supplier.name,
        reason=review.reason if review.decision == "reject" else None,
        questions=[{"text": q.question_text, "comment": q.comment} for q in review.queries],
        decided_on=_day(review.decided_at),
        link=mailer.link(page),
    )


def query_answered(session: Session, query: ReviewQuery, mailer: Mailer, now: datetime) -> int:
    """To the officer who raised the query; to the council's officers if that person has left
    or no longer reviews."""
    raised_by = query.review.decided_by if query.review is not None else None
    recipients = ([raised_by] if raised_by is not None and raised_by.active
                  and raised_by.role in REVIEWERS
                  else staff(session, Role.OFFICER, council_id=query.council_id))
    supplier = session.get(Supplier, query.supplier_id)
    return queue(
        session, mailer, template="query_answered", event_key=f"query:{query.id}",
        recipients=recipients, now=now, supplier_name=supplier.name,
        question=query.question_text, comment=query.comment, response=query.response,
        link=mailer.link("officer.supplier", supplier_id=supplier.id),
    )


# --- Corrective actions --------------------------------------------------------------------------

# The stages of a corrective action the supplier is told about, with their email template.
ACTION_OPENED = "corrective_action_opened"
ACTION_DUE_SOON = "corrective_action_due_soon"
ACTION_OVERDUE = "corrective_action_overdue"
ACTION_SIGNED_OFF = "corrective_action_signed_off"
# How far ahead of its due date an open action is 'due soon'.
DUE_SOON_DAYS = 7


def corrective_action(session: Session, action: CorrectiveAction, stage: str, mailer: Mailer,
                      now: datetime) -> int:
    """Tell the supplier's contacts. The key carries the due date, so an action whose date is
    moved is reminded again for the new date, and never twice for the same one."""
    supplier = session.get(Supplier, action.supplier_id)
    return queue(
        session, mailer, template=stage,
        event_key=f"action:{action.id}:due:{action.due_date.isoformat()}",
        recipients=supplier_contacts(session, supplier.id), now=now,
        supplier_name=supplier.name, title=action.title, description=action.description,
        owner=action.owner, due_date=_day(action.due_date),
        link=mailer.link("supplier_risk.action", action_id=action.id),
    )


def corrective_action_deadlines(session: Session, mailer: Mailer, today: date,
                                now: datetime) -> int:
    """The daily job's work: open actions due within DUE_SOON_DAYS, and open actions past due.
    Run twice the same day (or on two schedulers) it queues nothing new."""
    open_actions = session.scalars(
        select(CorrectiveAction).where(
            CorrectiveAction.status == ACTION_STATUS_OPEN,
            CorrectiveAction.due_date <= today + timedelta(days=DUE_SOON_DAYS))
        .order_by(CorrectiveAction.id))
    queued = 0
    for action in open_actions:
        stage = ACTION_OVERDUE if action.due_date < today else ACTION_DUE_SOON
        queued += corrective_action(session, action, stage, mailer, now)
    return queued


# --- Staff-facing news ---------------------------------------------------------------------------


def declaration_submitted(session: Session, declaration: Declaration, mailer: Mailer,
                          now: datetime) -> int:
    """A submission whose assessment raised a red flag or a knock-out goes to officers (who
    review it) and legal (who answer for exclusions). A clean submission sends nothing."""
    assessment = session.scalar(
        select(RiskAssessment).where(RiskAssessment.declaration_id == declaration.id)
        .order_by(RiskAssessment.id.desc()).limit(1))
    flags = (assessment.breakdown or {}).get("red_flags") or [] if assessment else []
    if not flags:
        return 0
    supplier = session.get(Supplier, assessment.supplier_id)
    return queue(
        session, mailer, template="declaration_flagged",
        event_key=f"declaration:{declaration.id}",
        recipients=staff(session, Role.OFFICER, Role.LEGAL, council_id=assessment.council_id),
        now=now,
        supplier_name=supplier.name, knock_out=assessment.excluded_pending_review,
        flags=[flag["label"] for flag in flags], band=assessment.residual_band,
        link=mailer.link("officer.supplier", supplier_id=supplier.id),
    )


def pack_built(session: Session, run: CabinetPackRun, mailer: Mailer, now: datetime) -> int:
    return queue(
        session, mailer, template="cabinet_pack_built", event_key=f"run:{run.id}",
        recipients=staff(session, Role.LEGAL, council_id=run.council_id), now=now,
        year=run.financial_year,
        version=run.version, requested_by=run.requested_by_name,
        link=mailer.link("reports.cabinet_run", run_id=run.id),
    )


def declaration_requested(session: Session, request: DeclarationRequest, mailer: Mailer,
                          now: datetime) -> int:
    """An annual or contract request, to the supplier's contacts. Tender requests have their
    own email (services.tenders), sent with the bidders' invitations. A request answered at
    once under the supplier's consent to share tells them that instead."""
    if consent_answer(request) is not None:
        return shared_under_consent(session, request, mailer, now)
    supplier = session.get(Supplier, request.supplier_id)
    return queue(
        session, mailer, template="declaration_request",
        event_key=f"request:{request.id}",
        recipients=supplier_contacts(session, supplier.id), now=now,
        supplier_name=supplier.name, title=request_title(request),
        due_date=_day(request.due_date), note=request.note,
        link=mailer.link("supplier.home"),
    )


def tender_request_withdrawn(session: Session, request: DeclarationRequest, reason: str,
                             mailer: Mailer, now: datetime) -> int:
    """A bidder removed from a tender whose request was withdrawn: its contacts are told they
    need do nothing more for it."""
    supplier = session.get(Supplier, request.supplier_id)
    return queue(
        session, mailer, template="tender_request_withdrawn",
        event_key=f"request:{request.id}:withdrawn:{request.withdrawn_at:%Y%m%d%H%M%S}",
        recipients=supplier_contacts(session, supplier.id), now=now,
        supplier_name=supplier.name, tender_reference=request.tender.reference,
        tender_title=request.tender.title, reason=reason, link=mailer.link("supplier.home"),
    )


# --- Sharing declarations between councils (issue 17) -------------------------------------------


def shared_under_consent(session: Session, request: DeclarationRequest, mailer: Mailer,
                         now: datetime) -> int:
    """A council's new request answered at once by the declaration the supplier lets it rely
    on: its contacts are told which declaration went, and where to stop sharing."""
    answer = consent_answer(request)
    supplier = session.get(Supplier, request.supplier_id)
    council = council_name_for(session, mailer.council_name, request.council_id)
    return queue(
        session, replace(mailer, council_name=council), template="declaration_shared_by_consent",
        event_key=f"request:{request.id}", recipients=supplier_contacts(session, supplier.id),
        now=now, supplier_name=supplier.name, title=request_title(request),
        declared_on=_day(answer.declaration.submitted_at),
        link=mailer.link("sharing.councils"),
    )


def declaration_shared(session: Session, request: DeclarationRequest, mailer: Mailer,
                       now: datetime) -> int:
    """A supplier shared its declaration to answer a council's request: the officer who asked,
    else the council's officers and admins, are told it is there to review. Call acting for
    the request's council, so the staff found are its own."""
    answer = consent_answer(request)
    supplier = session.get(Supplier, request.supplier_id)
    asker = session.get(User, request.requested_by_id) if request.requested_by_id else None
    recipients = [asker] if asker is not None and asker.active else staff(session, *REVIEWERS)
    council = council_name_for(session, mailer.council_name, request.council_id)
    return queue(
        session, replace(mailer, council_name=council), template="declaration_shared",
        event_key=f"request:{request.id}", recipients=recipients, now=now,
        supplier_name=supplier.name, title=request_title(request),
        declared_on=_day(answer.declaration.submitted_at),
        link=mailer.link("officer_declarations.view", declaration_id=answer.declaration_id),
    )
