"""The outbox: messages are rows first, deliveries second, so none is lost or sent twice."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from supplier_dd.models.outbox import OutboxMessage

MAX_ATTEMPTS = 8
CLAIM_SECONDS = 120


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
    values = dict(
        dedupe_key=dedupe_key,
        kind=kind,
        recipient=recipient,
        subject=subject,
        body_text=text,
        body_html=html,
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    result = session.execute(
        insert(OutboxMessage).values(**values).on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
    return bool(result.rowcount)


def backoff(attempts: int) -> timedelta:
    return timedelta(minutes=min(2 ** max(attempts - 1, 0), 24 * 60))


def due_messages(session: Session, now: datetime, limit: int = 100) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )


def claim(session: Session, message_id: int, now: datetime) -> bool:
    """Take a lease on one message so a second sender process leaves it alone."""
    from sqlalchemy import or_, update

    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == "pending",
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
    )
    return result.rowcount == 1


def record_sent(message: OutboxMessage, now: datetime) -> None:
    message.status = "sent"
    message.sent_at = now
    message.attempts += 1
    message.claimed_until = None
    message.last_error = None


def record_failure(message: OutboxMessage, error: str, now: datetime, permanent: bool) -> None:
    message.attempts += 1
    message.last_error = error[:2000]
    message.claimed_until = None
    if permanent or message.attempts >= MAX_ATTEMPTS:
        message.status = "failed"
    else:
        message.next_attempt_at = now + backoff(message.attempts)
