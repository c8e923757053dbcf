"""APScheduler 3 running the reminder sweep and the outbox send pass on cron-like schedules.

`supplier-dd scheduler run` is the one scheduler process per database (`make run` starts it
beside the web server). Two at once are harmless: sweeps share out cycles and outbox keys are
unique, senders lease messages. Times in the cron expressions are read in
SUPPLIER_DD_TIMEZONE (Europe/London by default), so "0 6 * * *" is 06:00 UK time all year.

In a partnership (issue 17) every job that reads a council's records runs once per council, the
session acting for it (models.tenancy), so one council's sweep never reads or mails another's
suppliers and each email names its own council; a council whose run fails does not stop the
next. The outbox send pass, the audit checkpoint and the digests (whose items were written, each
naming its council, when the news happened) work for the whole deployment.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from flask import Flask

from supplier_dd.config import Settings
from supplier_dd.models.base import utcnow

log = logging.getLogger(__name__)

SWEEP_JOB = "reminder_sweep"
SEND_JOB = "outbox_send"
# A sweep missed by up to this long (process down, machine asleep) still runs once on return.
SWEEP_MISFIRE_GRACE_SECONDS = 12 * 3600


def _in_app(app: Flask, name: str, work) -> None:
    from supplier_dd.extensions import db

    with app.app_context():
        try:
            work(db.session)
        except Exception:  # a failing run must not stop the scheduler; the next run retries
            log.exception("%s failed", name)
            db.session.rollback()
        finally:
            db.session.remove()


def _for_each_council(app: Flask, name: str, work) -> None:
    """`work(session)` once per council, acting for it; each council's failure is logged and
    rolled back on its own."""
    from supplier_dd.extensions import db
    from supplier_dd.models.tenancy import acting_for
    from supplier_dd.services.councils import all_councils

    with app.app_context():
        session = db.session
        try:
            councils = [(council.id, council.short_name) for council in all_councils(session)]
            session.rollback()  # end the read: each council's run is its own transaction
            for council_id, short_name in councils:
                try:
                    with acting_for(session, council_id):
                        work(session)
                except Exception:  # the next council's run must still happen
                    log.exception("%s failed for council %s", name, short_name)
                    session.rollback()
        finally:
            db.session.remove()


def sweep_job(app: Flask, clock=utcnow) -> None:
    from supplier_dd.jobs.reminders import run_sweep

    _for_each_council(app, SWEEP_JOB, lambda session: run_sweep(app, session, clock()))


def send_job(app: Flask) -> None:
    from supplier_dd.jobs.reminders import run_send

    _in_app(app, SEND_JOB, lambda session: run_send(app, session, utcnow))


# Referrals past the retention period are deleted nightly, outside office hours (issue 7).
REFERRAL_PURGE_JOB = "referral_purge"
REFERRAL_PURGE_CRON = "30 2 * * *"


def referral_purge_job(app: Flask) -> None:
    from supplier_dd.services.programme import purge_expired_referrals

    _for_each_council_committing(app, REFERRAL_PURGE_JOB, purge_expired_referrals)


# Pack builds whose web worker stopped are marked failed rather than 'running' for ever.
STOPPED_PACKS_JOB = "stopped_pack_runs"
STOPPED_PACKS_CRON = "*/10 * * * *"


def stopped_packs_job(app: Flask) -> None:
    from supplier_dd.services.cabinet_packs import fail_stopped_runs

    _for_each_council_committing(app, STOPPED_PACKS_JOB, fail_stopped_runs)


# The audit chain's head signed into a file outside the database and mailed to admins (issue 22).
AUDIT_CHECKPOINT_JOB = "audit_checkpoint"


def audit_checkpoint_job(app: Flask) -> None:
    from supplier_dd.jobs.audit import run_checkpoint

    _in_app(app, AUDIT_CHECKPOINT_JOB, lambda session: run_checkpoint(app, session, utcnow))


# Corrective actions due within a week, or past due, are mailed to the supplier once per due
# date (issue 15), at the hour of the reminder sweep.
ACTION_DEADLINES_JOB = "corrective_action_deadlines"


def action_deadlines_job(app: Flask) -> None:
    from supplier_dd.jobs.notifications import run_deadlines

    _for_each_council(app, ACTION_DEADLINES_JOB,
                      lambda session: run_deadlines(app, session, utcnow()))


# Each person who chose a daily digest gets the day's news that could wait in one email.
DIGEST_JOB = "notification_digest"


def digest_job(app: Flask) -> None:
    from supplier_dd.jobs.notifications import run_digests

    _in_app(app, DIGEST_JOB, lambda session: run_digests(app, session, utcnow()))


# Bulk request campaigns ask SUPPLIER_DD_BULK_BATCH_SIZE suppliers a minute (issue 15).
BULK_REQUESTS_JOB = "bulk_request_batch"
BULK_REQUESTS_CRON = "* * * * *"


def bulk_requests_job(app: Flask) -> None:
    from supplier_dd.jobs.bulk_requests import run_batch

    _for_each_council(app, BULK_REQUESTS_JOB, lambda session: run_batch(app, session, utcnow()))


def _for_each_council_committing(app: Flask, name: str, service) -> None:
    """Run a service `fn(session, now)` as a job for each council and commit what it did."""

    def work(session) -> None:
        service(session, utcnow())
        session.commit()

    _for_each_council(app, name, work)


def build_scheduler(app: Flask, scheduler_class: type[BaseScheduler] = BlockingScheduler,
                    sweep_at_start: bool = True) -> BaseScheduler:
    settings: Settings = app.config["SUPPLIER_DD_SETTINGS"]
    zone = ZoneInfo(settings.scheduler_timezone)
    scheduler = scheduler_class(timezone=zone)
    scheduler.add_job(
        sweep_job, CronTrigger.from_crontab(settings.reminder_sweep_cron, timezone=zone),
        args=[app], id=SWEEP_JOB, name="Re-attestation reminder sweep", max_instances=1,
        coalesce=True, misfire_grace_time=SWEEP_MISFIRE_GRACE_SECONDS,
        # Also once at start: a scheduler started after the sweep's hour must not wait a day.
        # Harmless when today's sweep already ran: its decisions are keyed.
        **({"next_run_time": datetime.now(zone)} if sweep_at_start else {}),
    )
    scheduler.add_job(
        send_job, CronTrigger.from_crontab(settings.outbox_send_cron, timezone=zone),
        args=[app], id=SEND_JOB, name="Outbox send pass", max_instances=1, coalesce=True,
        misfire_grace_time=300,
    )
    scheduler.add_job(
        referral_purge_job, CronTrigger.from_crontab(REFERRAL_PURGE_CRON, timezone=zone),
        args=[app], id=REFERRAL_PURGE_JOB, name="Referral retention purge", max_instances=1,
        coalesce=True, misfire_grace_time=SWEEP_MISFIRE_GRACE_SECONDS,
    )
    scheduler.add_job(
        stopped_packs_job, CronTrigger.from_crontab(STOPPED_PACKS_CRON, timezone=zone),
        args=[app], id=STOPPED_PACKS_JOB, name="Cabinet pack builds that stopped",
        max_instances=1, coalesce=True, misfire_grace_time=300,
    )
    scheduler.add_job(
        audit_checkpoint_job,
        CronTrigger.from_crontab(settings.audit_checkpoint_cron, timezone=zone), args=[app],
        id=AUDIT_CHECKPOINT_JOB, name="Audit log checkpoint", max_instances=1, coalesce=True,
        misfire_grace_time=SWEEP_MISFIRE_GRACE_SECONDS,
    )
    scheduler.add_job(
        action_deadlines_job,
        CronTrigger.from_crontab(settings.reminder_sweep_cron, timezone=zone), args=[app],
        id=ACTION_DEADLINES_JOB, name="Corrective actions due soon or overdue",
        max_instances=1, coalesce=True, misfire_grace_time=SWEEP_MISFIRE_GRACE_SECONDS,
    )
    scheduler.add_job(
        digest_job, CronTrigger.from_crontab(settings.reminder_sweep_cron, timezone=zone),
        args=[app], id=DIGEST_JOB, name="Daily notification digests", max_instances=1,
        coalesce=True, misfire_grace_time=SWEEP_MISFIRE_GRACE_SECONDS,
    )
    scheduler.add_job(
        bulk_requests_job, CronTrigger.from_crontab(BULK_REQUESTS_CRON, timezone=zone),
        args=[app], id=BULK_REQUESTS_JOB, name="Bulk declaration requests, one batch",
        max_instances=1, coalesce=True, misfire_grace_time=300,
    )
    return scheduler


def describe(scheduler: BaseScheduler, settings: Settings) -> list[str]:
    return [
        f"Reminder sweep: cron '{settings.reminder_sweep_cron}' ({settings.scheduler_timezone})",
        f"Outbox send pass: cron '{settings.outbox_send_cron}' ({settings.scheduler_timezone})",
        f"Referral retention purge: cron '{REFERRAL_PURGE_CRON}' "
        f"({settings.scheduler_timezone}), entries older than "
        f"{settings.referral_retention_days} days",
        f"Cabinet pack builds that stopped: cron '{STOPPED_PACKS_CRON}' "
        f"({settings.scheduler_timezone})",
        f"Audit log checkpoint: cron '{settings.audit_checkpoint_cron}' "
        f"({settings.scheduler_timezone}), into {settings.audit_checkpoint_dir}",
        f"Corrective actions due soon or overdue: cron '{settings.reminder_sweep_cron}' "
        f"({settings.scheduler_timezone})",
        f"Daily notification digests: cron '{settings.reminder_sweep_cron}' "
        f"({settings.scheduler_timezone})",
        f"Bulk declaration requests: cron '{BULK_REQUESTS_CRON}', "
        f"{settings.bulk_batch_size} suppliers a batch",
    ]


def start_in_background(app: Flask) -> BackgroundScheduler | None:
    """For SUPPLIER_DD_SCHEDULER_IN_WEB=true only (off by default): every web worker would run
    the jobs, which outbox keys make harmless but wasteful."""
    settings: Settings = app.config["SUPPLIER_DD_SETTINGS"]
    if not settings.run_scheduler_in_web:
        return None
    scheduler = build_scheduler(app, BackgroundScheduler)
    scheduler.start()
    return scheduler
