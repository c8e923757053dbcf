"""The reminder jobs as the scheduler and the CLI run them: sweep in batches, then send.

Unlike services, these commit: each batch of the sweep is one transaction (decisions and their
outbox rows together), and the send pass commits per message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from sqlalchemy.exc import OperationalError
from werkzeug.routing import BuildError

from supplier_dd.config import Settings
from supplier_dd.domain.reminders import DEFAULT_REMINDERS, ReminderPolicy
from supplier_dd.infrastructure.mail import SmtpSender, render_email
from supplier_dd.infrastructure.notification_mailer import acting_council_name
from supplier_dd.jobs.delivery import SendPassResult, run_send_pass
from supplier_dd.models import Council
from supplier_dd.models.tenancy import acting_council
from supplier_dd.services.reminders import (
    MessageContext,
    SweepResult,
    local_date,
    send_digests,
    sweep_batch,
)

log = logging.getLogger(__name__)

SWEEP_BATCH = 500
# Where a supplier contact is sent to re-attest: the first of these routes that exists (the
# submitted declaration, from which the supplier revises it; else the supplier's home).
SUPPLIER_LINK_ENDPOINTS = (
    ("declarations.overview", "declaration_id"),
    ("supplier.home", None),
)
# SQLite allows one writer; a second sweep at the same moment may find the database locked.
SQLITE_LOCK_RETRIES = 5


def _build_path(app: Flask, endpoint: str, **values) -> str | None:
    try:
        return app.url_map.bind("localhost").build(endpoint, values)
    except BuildError:
        return None


def message_context(app: Flask) -> MessageContext:
    """For the council the session acts for: its name is in every message."""
    settings: Settings = app.config["SUPPLIER_DD_SETTINGS"]

    def supplier_link(supplier_id: int, declaration_id: int | None) -> str:
        for endpoint, parameter in SUPPLIER_LINK_ENDPOINTS:
            if parameter and declaration_id is None:
                continue
            values = {parameter: declaration_id} if parameter else {}
            path = _build_path(app, endpoint, **values)
            if path:
                return settings.base_url + path
        return settings.base_url + "/"

    def officer_link(supplier_id: int) -> str:
        return settings.base_url + (
            _build_path(app, "officer.supplier", supplier_id=supplier_id) or "/"
        )

    return MessageContext(
        council_name=acting_council_name(settings),
        render=render_email,
        supplier_link=supplier_link,
        officer_link=officer_link,
    )


def today_for(settings: Settings, now: datetime):
    # The deployment's zone, as the cron times are: a council's own time zone would move an
    # existing install's sweep day if it differed from SUPPLIER_DD_TIMEZONE.
    return local_date(now, ZoneInfo(settings.scheduler_timezone))


def reminder_policy_for(council: Council | None) -> ReminderPolicy:
    """The council's own reminder days ("30,14,7", set on its settings page), else the
    service's policy."""
    if council is None or not council.reminder_days:
        return DEFAULT_REMINDERS
    days = tuple(int(day) for day in council.reminder_days.split(",") if day.strip())
    return replace(DEFAULT_REMINDERS, days_before_due=days) if days else DEFAULT_REMINDERS


def _with_sqlite_retry(session, work: Callable[[], object]):
    for attempt in range(SQLITE_LOCK_RETRIES):
        try:
            outcome = work()
            session.commit()
            return outcome
        except OperationalError as error:
            session.rollback()
            locked = "database is locked" in str(error) or "busy" in str(error).lower()
            if session.get_bind().dialect.name != "sqlite" or not locked \
                    or attempt == SQLITE_LOCK_RETRIES - 1:
                raise
            time.sleep(0.2 * (attempt + 1))
    return None  # unreachable


def run_sweep(app: Flask, session, now: datetime, batch_size: int = SWEEP_BATCH) -> SweepResult:
    settings: Settings = app.config["SUPPLIER_DD_SETTINGS"]
    context = message_context(app)
    council = session.get(Council, acting_council(session)) if acting_council(session) else None
    today = today_for(settings, now)
    policy = reminder_policy_for(council)
    total = SweepResult()
    while True:
        batch = _with_sqlite_retry(session, lambda: sweep_batch(
            session, today=today, now=now, context=context, policy=policy, limit=batch_size))
        total.add(batch)
        if batch.cycles < batch_size:
            break
    total.digests = _with_sqlite_retry(
        session, lambda: send_digests(session, today=today, now=now, context=context,
                                      policy=policy)
    )
    for problem in total.problems:
        log.warning("reminder not sent: %s", problem)
    log.info("reminder sweep for %s%s: %s cycles, %s queued, %s digests", today,
             f" ({council.short_name})" if council else "", total.cycles, total.queued,
             total.digests)
    return total


def run_send(app: Flask, session, clock: Callable[[], datetime]) -> SendPassResult:
    settings: Settings = app.config["SUPPLIER_DD_SETTINGS"]
    result = run_send_pass(session, SmtpSender(settings), clock)
    if result.server_problem:
        log.error("send pass stopped, messages kept for later: %s", result.server_problem)
    return result


@dataclass
class ReminderRun:
    sweep: SweepResult
    send: SendPassResult


def run_once(app: Flask, session, clock: Callable[[], datetime]) -> ReminderRun:
    """One sweep and one send pass: what `supplier-dd reminders run` does."""
    sweep = run_sweep(app, session, clock())
    return ReminderRun(sweep, run_send(app, session, clock))
