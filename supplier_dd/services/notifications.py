"""Who is told about what: each event's email, queued in the outbox once per person.

An event names its audience by rule, never by hand: a supplier's own active contacts for what
concerns that supplier, active staff of the roles that act on it for staff-facing news. Each
message's outbox key is the event's own key plus the recipient, so an event noticed twice (a
repeated click, a second scheduler) still sends one email to each person.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.domain.roles import Role
from supplier_dd.models import Supplier, User
from supplier_dd.models.risk import AssessmentReview
from supplier_dd.services import outbox


@dataclass(frozen=True)
class Mailer:
    """What queuing a notification needs from outside the services: rendering and links."""

    council_name: str
    render: Callable[..., object]  # mail.render_email(name, **context) -> RenderedEmail
    link: Callable[..., str]  # (endpoint, **url values) -> absolute URL


def supplier_contacts(session: Session, supplier_id: int) -> list[User]:
    return list(session.scalars(
        select(User).where(User.supplier_id == supplier_id, User.role == Role.SUPPLIER,
                           User.active.is_(True)).order_by(User.id)))


def staff(session: Session, *roles: Role) -> list[User]:
    return list(session.scalars(
        select(User).where(User.role.in_(roles), User.active.is_(True)).order_by(User.id)))


def queue(session: Session, mailer: Mailer, *, template: str, event_key: str,
          recipients: Iterable[User], now: datetime, **context) -> int:
    """Render `templates/email/<template>/` for each recipient and queue it; returns how many
    were new. People without an address are skipped (the outbox would only fail them)."""
    messages = []
    for user in {user.id: user for user in recipients}.values():
        if not user.email:
            continue
        email = mailer.render(template, name=user.name, council_name=mailer.council_name,
                              **context)
        messages.append(outbox.NewMessage(
            dedupe_key=f"{event_key}:user:{user.id}", kind=template, recipient=user.email,
            subject=email.subject, text=email.text, html=email.html))
    return len(outbox.enqueue_many(session, messages, now))


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
        supplier_name=supplier.name, reason=review.reason,
        questions=[q.question_text for q in review.queries],
        decided_on=f"{review.decided_at.day} {review.decided_at:%B %Y}",
        link=mailer.link(page),
    )
