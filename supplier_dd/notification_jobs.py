"""The daily corrective-action deadline job, as the scheduler runs it: due soon and overdue.

Like the reminder sweep, it commits what it queued; the outbox send pass delivers it.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from supplier_dd.notification_mailer import mailer_for
from supplier_dd.reminder_jobs import today_for
from supplier_dd.services.notifications import corrective_action_deadlines


def run_deadlines(app: Flask, session, now: datetime) -> int:
    """Queue the due-soon and overdue emails for open corrective actions; returns how many."""
    today = today_for(app.config["SUPPLIER_DD_SETTINGS"], now)
    queued = corrective_action_deadlines(session, mailer_for(app), today, now)
    session.commit()
    return queued
