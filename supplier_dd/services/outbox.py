"""The outbox: messages are rows first, deliveries second, so none is lost or sent twice.

A message's life: `pending` (waiting, maybe with backoff) -> claimed by one sender with a lease
and a token -> `sending` (committed just before SMTP DATA) -> `sent`; or `failed` (refused, or out
of attempts: shown to admins, who can retry it).

The one window no SMTP client can close: the mail server accepted the message but the sender
died before recording it. Such a row stays `sending` after its lease runs out; the next send pass
reconciles it by policy (SMTP_INTERRUPTED_DELIVERY): `resend` sends it again with the same
Message-ID and X-Supplier-DD-Key (at least once; a possible second copy is recognisable), `hold`
marks it `unconfirmed` for an admin to decide (at most once). See docs/operations.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from supplier_dd.database import insert_ignoring_duplicates
from supplier_dd.models.outbox import OutboxMessage
from supplier_dd.models.tenancy import acting_council, only_council_id
from supplier_dd.services import ServiceError

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 120

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
FAILED = "failed"
UNCONFIRMED = "unconfirmed"
STATUSES = (PENDING, SENDING, SENT, FAILED, UNCONFIRMED)
RETRYABLE = (FAILED, UNCONFIRMED)

INTERRUPTED_RESEND = "resend"
INTERRUPTED_HOLD = "hold"


def enqueue(
    session: Session,
    *,
    dedupe_key: str,
    kind: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    now: datetime,
) -> bool:
    """Add a message unless one with the same key exists. Returns True when a row was added."""
    message = NewMessage(dedupe_key, kind, recipient, subject, text, html)
    return bool(enqueue_many(session, [message], now))


@dataclass(frozen=True)
class NewMessage:
    dedupe_key: str
    kind: str
    recipient: str
    subject: str
    text: str
    html: str


def enqueue_many(session: Session, messages: Iterable[NewMessage], now: datetime) -> set[str]:
    """Add the messages whose keys are new, in one statement; returns the keys added.

    ON CONFLICT DO NOTHING: a concurrent transaction inserting the same key makes this one wait
    for it and then add nothing, so two sweeps cannot both queue a message. Rows go in key order
    so that two such transactions wait on each other in the same order and never deadlock.
    """
    council_id = acting_council(session) or only_council_id(session)
    rows = [
        dict(council_id=council_id, dedupe_key=m.dedupe_key, kind=m.kind, recipient=m.recipient,
             subject=m.subject[:300], body_text=m.text, body_html=m.html, status=PENDING,
             attempts=0, interrupted_deliveries=0, next_attempt_at=now, created_at=now)
        for m in sorted({m.dedupe_key: m for m in messages}.values(),
                        key=lambda m: m.dedupe_key)
    ]
    return set(insert_ignoring_duplicates(session, OutboxMessage, rows, "dedupe_key"))


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def due_messages(session: Session, now: datetime, limit: int = 100) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
            .where(or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def claim(session: Session, message_id: int, now: datetime, token: str = "") -> bool:
    """Take a lease on one message so a second sender process leaves it alone."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == PENDING,
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS), claim_token=token or None)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def mark_sending(session: Session, message_id: int, token: str, now: datetime) -> bool:
    """Record that the message itself is about to be handed over. False if the lease was lost."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == PENDING,
            OutboxMessage.claim_token == token,
        )
        .values(status=SENDING, claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def record_sent(message: OutboxMessage, now: datetime) -> None:
    message.status = SENT
    message.sent_at = now
    message.attempts += 1
    message.claimed_until = None
    message.claim_token = None
    message.last_error = None


def record_failure(
    message: OutboxMessage, error: str, now: datetime, permanent: bool,
    max_attempts: int = MAX_ATTEMPTS,
) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_until = None
    message.claim_token = None
    if permanent or message.attempts >= max_attempts:
        message.status = FAILED
    else:
        message.status = PENDING
        message.next_attempt_at = now + backoff(message.attempts)


def release(message: OutboxMessage, error: str) -> None:
    """Give the lease back without using an attempt: the server, not the message, was the
    problem (unreachable, login refused), so a long outage cannot exhaust a message's attempts."""
    message.status = PENDING
    message.claimed_until = None
    message.claim_token = None
    message.last_error = error[:2000]


def record_interrupted(
    message: OutboxMessage, error: str, now: datetime, policy: str,
    max_attempts: int = MAX_ATTEMPTS,
) -> None:
    """The message was being handed over when the connection (or the sender) died: the server
    may have it. `resend` queues it again at once (same Message-ID), `hold` leaves it to an
    admin. Either way the interruption is counted and shown."""
    message.interrupted_deliveries += 1
    message.attempts += 1
    message.claimed_until = None
    message.claim_token = None
    if policy == INTERRUPTED_HOLD:
        message.status = UNCONFIRMED
        message.last_error = (
            f"Delivery was interrupted after the message was handed over ({error}); the mail "
            "server may or may not have it. Retry to send it again."
        )[:2000]
    elif message.attempts >= max_attempts:
        message.status = FAILED
        message.last_error = f"Delivery interrupted ({error}) and out of attempts."[:2000]
    else:
        message.status = PENDING
        # No backoff: the interruption says nothing about the server being busy.
        message.next_attempt_at = now
        message.last_error = (
            f"Delivery was interrupted after the message was handed over ({error}); sending "
            "again with the same Message-ID, so a second copy, if any, can be recognised."
        )[:2000]


def reconcile_interrupted(
    session: Session, now: datetime, policy: str = INTERRUPTED_RESEND,
    max_attempts: int = MAX_ATTEMPTS,
) -> int:
    """Rows a dead sender left in `sending` (their lease ran out). Returns how many."""
    rows = session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == SENDING, OutboxMessage.claimed_until < now)
        .with_for_update(skip_locked=True)
    ).all()
    for message in rows:
        record_interrupted(message, "the sending process stopped", now, policy, max_attempts)
    session.flush()
    return len(rows)


def retry(session: Session, message_id: int, now: datetime) -> OutboxMessage:
    """An admin asks for a failed or unconfirmed message to be sent again, from scratch."""
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise ServiceError("That message no longer exists.")
    if message.status not in RETRYABLE:
        raise ServiceError(f"Only failed or unconfirmed messages can be retried; this one is "
                           f"{message.status}.")
    message.status = PENDING
    message.attempts = 0
    message.next_attempt_at = now
    message.claimed_until = None
    message.claim_token = None
    session.flush()
    return message


def status_counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    ).all()
    counts = {status: 0 for status in STATUSES}
    counts.update({status: count for status, count in rows})
    return counts


def list_messages(
    session: Session, status: str | None, page: int, per_page: int
) -> tuple[list[OutboxMessage], int]:
    """Newest first; `status` None means every status."""
    if status is not None and status not in STATUSES:
        raise ServiceError(f"Unknown status {status!r}.")
    where = [OutboxMessage.status == status] if status else []
    total = session.scalar(select(func.count(OutboxMessage.id)).where(*where))
    rows = session.scalars(
        select(OutboxMessage).where(*where).order_by(OutboxMessage.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(rows), total


def statuses_by_key(session: Session, keys: list[str]) -> dict[str, OutboxMessage]:
    if not keys:
        return {}
    rows = session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.in_(keys)))
    return {row.dedupe_key: row for row in rows}
