"""The audit checkpoint as the scheduler and `supplier-dd audit checkpoint` run it.

Like reminder_jobs, this commits: the checkpoint line is written, the admins' emails are queued
and committed, then delivered at once rather than at the next send pass, so the outbox rows are
in the database for as short a time as possible.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import Flask

from supplier_dd.config import Settings
from supplier_dd.infrastructure.mail import SmtpSender, render_email
from supplier_dd.jobs.delivery import deliver_by_key
from supplier_dd.services import outbox
from supplier_dd.services.audit_checkpoints import CheckpointResult, mail_admins, write_checkpoint
from supplier_dd.services.audit_key import current_key

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CheckpointRun:
    result: CheckpointResult
    mailed: int
    sent: int


def run_checkpoint(app: Flask, session, clock: Callable[[], datetime]) -> CheckpointRun | None:
    """Raises ServiceError, writing nothing, when the entries since the last checkpoint do not
    verify: a broken chain is never signed."""
    settings: Settings = app.config["SUPPLIER_DD_SETTINGS"]
    now = clock()
    result = write_checkpoint(session, current_key(), Path(settings.audit_checkpoint_dir), now)
    if result is None:
        return None
    keys = []
    if result.written:
        keys = mail_admins(session, result.checkpoint, render_email, settings.council_name, now)
    session.commit()
    sender = SmtpSender(settings)
    sent = sum(deliver_by_key(session, sender, key, clock) == outbox.SENT for key in keys)
    log.info("audit checkpoint at entry %s (%s new), mailed to %s admins, %s sent",
             result.checkpoint.sequence, "written" if result.written else "nothing",
             len(keys), sent)
    return CheckpointRun(result, len(keys), sent)
