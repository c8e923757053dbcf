"""Delivering outbox messages. Commits per message, so a crash loses at most one lease."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.mail import PermanentDeliveryError, SmtpSender
from supplier_dd.models.outbox import OutboxMessage
from supplier_dd.services import outbox

log = logging.getLogger(__name__)


@dataclass
class SendPassResult:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0


def deliver(
    session: Session, sender: SmtpSender, message_id: int, now: Callable[[], datetime]
) -> str:
    """Claim, send and record one message. Returns its status afterwards, or 'skipped'."""
    if not outbox.claim(session, message_id, now()):
        session.rollback()
        return "skipped"
    session.commit()
    message = session.get(OutboxMessage, message_id)
    try:
        sender.send(
            message.recipient, message.subject, message.body_text, message.body_html,
            message.dedupe_key,
        )
    except PermanentDeliveryError as error:
        outbox.record_failure(message, str(error), now(), permanent=True)
        log.warning("outbox message %s failed permanently: %s", message_id, error)
    except (OSError, smtplib.SMTPException) as error:
        outbox.record_failure(message, f"{type(error).__name__}: {error}", now(), permanent=False)
        log.info("outbox message %s will be retried: %s", message_id, error)
    else:
        outbox.record_sent(message, now())
    session.commit()
    return message.status


def deliver_by_key(
    session: Session, sender: SmtpSender, dedupe_key: str, now: Callable[[], datetime]
) -> str:
    message_id = session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    )
    if message_id is None:
        return "skipped"
    return deliver(session, sender, message_id, now)


def run_send_pass(
    session: Session, sender: SmtpSender, now: Callable[[], datetime], limit: int = 500
) -> SendPassResult:
    result = SendPassResult()
    for message_id in [m.id for m in outbox.due_messages(session, now(), limit)]:
        status = deliver(session, sender, message_id, now)
        if status == "sent":
            result.sent += 1
        elif status == "failed":
            result.failed += 1
        elif status == "pending":
            result.retrying += 1
        else:
            result.skipped += 1
    return result
