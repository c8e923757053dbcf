"""Demo step for re-attestation reminders (issue 5): a few suppliers overdue, a few due soon, and
six weeks of reminder history already delivered, so the supplier pages, the outbox and the
officers' digests show something on first run.

Idempotent: a supplier's cycle is only shaped while it has no reminders yet, and replaying past
days decides nothing twice (reminder and outbox keys are unique).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import select

from supplier_dd.demo.data import SUPPLIERS
from supplier_dd.domain.reminders import first_check_on
from supplier_dd.domain.schedule import add_months, due_after_submission
from supplier_dd.infrastructure.bank_holidays import england_and_wales
from supplier_dd.models import AttestationReminder, AttestationSchedule, OutboxMessage, Supplier
from supplier_dd.models.attestation import SCHEDULE_ACTIVE
from supplier_dd.services import outbox
from supplier_dd.services.next_due import refresh_next_due
from supplier_dd.services.reminders import local_date, send_digests, sweep_batch

# Slug -> days from today to the re-attestation due date (negative: overdue).
DUE_IN_DAYS = {
    "paving": -23, "dhaka-garments": -9, "agency": -3, "fresh-fields": 4,
    "sentinel": 12, "harvest": 27, "greenleaf": 45, "uniform": 160,
}
HISTORY_DAYS = 45
# One contact whose mailbox "no longer exists", so admins see a failure to retry.
BOUNCED_SLUG = "paving"


def load_reminders(ctx) -> None:
    today = local_date(ctx.now)
    start = today - timedelta(days=HISTORY_DAYS)
    calendar = england_and_wales()
    numbers = {item.company_number: item.slug for item in SUPPLIERS if item.slug in DUE_IN_DAYS}
    suppliers = ctx.session.scalars(
        select(Supplier).where(Supplier.companies_house_number.in_(list(numbers)))
    ).all()
    for supplier in suppliers:
        has_history = ctx.session.scalar(
            select(AttestationReminder.id).where(AttestationReminder.supplier_id == supplier.id)
            .limit(1)
        )
        if has_history:
            continue
        target = today + timedelta(days=DUE_IN_DAYS[numbers[supplier.companies_house_number]])
        # As if the last declaration had been submitted a year before the due date.
        valid_from = add_months(target, -12)
        due = due_after_submission(valid_from, None, calendar)
        schedule = ctx.session.scalar(
            select(AttestationSchedule).where(AttestationSchedule.supplier_id == supplier.id,
                                              AttestationSchedule.status == SCHEDULE_ACTIVE)
        )
        if schedule is None:
            schedule = AttestationSchedule(supplier_id=supplier.id, status=SCHEDULE_ACTIVE,
                                           created_at=ctx.now)
            ctx.session.add(schedule)
            ctx.result.count("re-attestation schedules")
        schedule.valid_from = valid_from
        schedule.residual_band = None
        schedule.periodic_due_on = due.on
        schedule.event_due_on = None
        schedule.due_on = due.on
        schedule.reason = due.reason.value
        schedule.holidays_known = due.holidays_known
        schedule.next_reminder_on = first_check_on(due.on, start)
        schedule.updated_at = ctx.now
        ctx.session.flush()
        refresh_next_due(ctx.session, supplier.id)  # so the dashboard shows it Overdue
    _replay_past_days(ctx, start, today)


def _replay_past_days(ctx, start, today) -> None:
    from supplier_dd.jobs.reminders import message_context

    context = message_context(current_app)
    day = start
    while day < today:
        moment = datetime.combine(day, time(6, 0))
        while sweep_batch(ctx.session, today=day, now=moment, context=context).cycles:
            pass
        send_digests(ctx.session, today=day, now=moment, context=context)
        day += timedelta(days=1)
    # What was decided before today was delivered then; today's wait for the scheduler.
    bounced = f"@{BOUNCED_SLUG}."
    for message in ctx.session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == outbox.PENDING,
                                    OutboxMessage.created_at < datetime.combine(today, time()))
    ):
        if bounced in message.recipient:
            outbox.record_failure(message, "Recipient refused: 550 5.1.1 Mailbox does not exist",
                                  message.created_at + timedelta(minutes=1), permanent=True)
        else:
            outbox.record_sent(message, message.created_at + timedelta(minutes=1))
        ctx.result.count("reminder emails")
    ctx.session.flush()
