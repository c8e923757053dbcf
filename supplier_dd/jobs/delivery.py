"""Delivering outbox messages: one message at a time, committing at each step.

For each message: claim it (lease + token, commit), talk SMTP up to the recipient, commit
`sending`, hand the message over (DATA), record the result (commit). A crash before `sending` is
committed leaves a pending row whose lease runs out: sent later, exactly once. A crash after it
leaves a `sending` row that the next pass reconciles (services.outbox.reconcile_interrupted).
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.infrastructure.mail import (
    MailServerUnavailable,
    PermanentDeliveryError,
    SmtpSender,
)
from supplier_dd.models.outbox import OutboxMessage
from supplier_dd.services import outbox

log = logging.getLogger(__name__)

SKIPPED = "skipped"
UNAVAILABLE = "unavailable"


@dataclass
class SendPassResult:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    skipped: int = 0
    reconciled: int = 0
    # Set when the mail server could not be used: the pass stopped, nothing was used up.
    server_problem: str | None = None


class _LeaseLost(Exception):
    """Another sender took the message over (our lease ran out): leave it to them."""


def _max_attempts(sender: SmtpSender) -> int:
    return getattr(sender.settings, "smtp_max_attempts", outbox.MAX_ATTEMPTS)


def _interrupted_policy(sender: SmtpSender) -> str:
    return getattr(sender.settings, "smtp_interrupted_delivery", outbox.INTERRUPTED_RESEND)


def deliver(
    session: Session, sender: SmtpSender, message_id: int, now: Callable[[], datetime]
) -> str:
    """Claim, send and record one message. Returns its status afterwards, 'skipped' when another
    sender has it, or 'unavailable' when the mail server could not be used."""
    token = uuid.uuid4().hex
    if not outbox.claim(session, message_id, now(), token):
        session.rollback()
        return SKIPPED
    session.commit()
    message = session.get(OutboxMessage, message_id)
    handed_over = False

    def before_data() -> None:
        nonlocal handed_over
        if not outbox.mark_sending(session, message_id, token, now()):
            session.rollback()
            raise _LeaseLost()
        session.commit()
        handed_over = True

    try:
        sender.send(
            message.recipient, message.subject, message.body_text, message.body_html,
            message.dedupe_key, before_data=before_data,
        )
    except _LeaseLost:
        log.warning("outbox message %s: lease lost before sending; left to the other sender",
                    message_id)
        return SKIPPED
    except MailServerUnavailable as error:
        problem = str(error)
        _record(session, message, token, lambda m: outbox.release(m, problem))
        log.warning("mail server unavailable: %s", problem)
        return UNAVAILABLE
    except PermanentDeliveryError as error:
        problem = str(error)
        _record(session, message, token, lambda m: outbox.record_failure(
            m, problem, now(), permanent=True, max_attempts=_max_attempts(sender)))
        log.warning("outbox message %s failed permanently: %s", message_id, problem)
    except smtplib.SMTPResponseException as error:
        # The server answered with a temporary refusal: certainly not delivered.
        problem = f"{error.smtp_code} {error.smtp_error!r}"
        _record(session, message, token, lambda m: outbox.record_failure(
            m, problem, now(), permanent=False, max_attempts=_max_attempts(sender)))
        log.info("outbox message %s will be retried: %s", message_id, problem)
    except (OSError, smtplib.SMTPException) as error:
        description = f"{type(error).__name__}: {error}"
        if handed_over:
            # No answer to DATA: the server may have the message. Policy decides.
            _record(session, message, token, lambda m: outbox.record_interrupted(
                m, description, now(), _interrupted_policy(sender), _max_attempts(sender)))
            log.warning("outbox message %s: delivery interrupted: %s", message_id, description)
        else:
            _record(session, message, token, lambda m: outbox.record_failure(
                m, description, now(), permanent=False, max_attempts=_max_attempts(sender)))
            log.info("outbox message %s will be retried: %s", message_id, description)
    else:
        _record(session, message, token, lambda m: outbox.record_sent(m, now()))
    return message.status


def _record(session: Session, message: OutboxMessage, token: str, change) -> None:
    session.refresh(message)
    if message.claim_token != token:
        # Our lease ran out and another sender took over; its record wins.
        log.warning("outbox message %s: result not recorded, lease lost", message.id)
        session.rollback()
        return
    change(message)
    session.commit()


def deliver_by_key(
    session: Session, sender: SmtpSender, dedupe_key: str, now: Callable[[], datetime]
) -> str:
    message_id = session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    )
    if message_id is None:
        return SKIPPED
    return deliver(session, sender, message_id, now)


def run_send_pass(
    session: Session, sender: SmtpSender, now: Callable[[], datetime], limit: int = 500
) -> SendPassResult:
    result = SendPassResult()
    result.reconciled = outbox.reconcile_interrupted(
        session, now(), _interrupted_policy(sender), _max_attempts(sender)
    )
    session.commit()
    for message_id in [m.id for m in outbox.due_messages(session, now(), limit)]:
        status = deliver(session, sender, message_id, now)
        if status == UNAVAILABLE:
            # Every other message would fail the same way; keep them for the next pass.
            result.server_problem = session.get(OutboxMessage, message_id).last_error
            break
        if status == outbox.SENT:
            result.sent += 1
        elif status == outbox.FAILED or status == outbox.UNCONFIRMED:
            result.failed += 1
        elif status == outbox.PENDING:
            result.retrying += 1
        else:
            result.skipped += 1
    return result
