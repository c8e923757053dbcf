"""The bulk request campaigns' batch, as the scheduler runs it every minute: the next
SUPPLIER_DD_BULK_BATCH_SIZE suppliers waiting in a campaign are asked, and their emails join
the outbox, which the send pass delivers.
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from supplier_dd.config import Settings
from supplier_dd.infrastructure.notification_mailer import mailer_for
from supplier_dd.services.bulk_requests import queue_batch


def run_batch(app: Flask, session, now: datetime) -> int:
    """One batch, committed; returns how many suppliers it dealt with."""
    settings: Settings = app.config["SUPPLIER_DD_SETTINGS"]
    done = queue_batch(session, mailer_for(app), now, settings.bulk_batch_size,
                       settings.invitation_valid_hours)
    session.commit()
    return done
