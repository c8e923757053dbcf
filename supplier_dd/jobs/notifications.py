"""The daily notification jobs, as the scheduler runs them: corrective actions due soon or
overdue, and each person's digest of the news that could wait.

Like the reminder sweep, it commits what it queued; the outbox send pass delivers it.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from supplier_dd.infrastructure.notification_mailer import mailer_for
from supplier_dd.jobs.reminders import today_for
from supplier_dd.services.notifications import corrective_action_deadlines, send_digests


def run_deadlines(app: Flask, session, now: datetime) -> int:
    """Queue the due-soon and overdue emails for open corrective actions; returns how many."""
    today = today_for(app.config["SUPPLIER_DD_SETTINGS"], now)
    queued = corrective_action_deadlines(session, mailer_for(app), today, now)
    session.commit()
    return queued


def run_digests(app: Flask, session, now: datetime) -> int:
    """Queue today's digest for everyone with held notifications; returns how many."""
    today = today_for(app.config["SUPPLIER_DD_SETTINGS"], now)
    queued = send_digests(session, mailer_for(app), today, now)
    session.commit()
    return queued
