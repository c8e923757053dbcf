"""Re-attestation cycles, the reminder sweep, and what officers and dashboards read about them.

- `schedule_after_submission` starts a new cycle when a declaration is submitted (and updates it
  when the residual risk band arrives later); `record_contract_event` brings the due date forward.
- `sweep_batch` decides the messages due today for cycles whose next reminder day has come,
  renders them and puts them in the outbox in the same transaction as the decision.
- `overdue_supplier_ids`, `attestation_counts`, `supplier_reattestation` feed pages.

Functions flush, never commit. Rendering and links come in as a `MessageContext`, so this module
needs no web request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supplier_dd.database import insert_ignoring_duplicates
from supplier_dd.domain.reminders import (
    DEFAULT_REMINDERS,
    TEMPLATE_DIGEST,
    AttestationState,
    Audience,
    DueMessage,
    ReminderPolicy,
    attestation_state,
    digest_key,
    digest_period_start,
    first_check_on,
    messages_due,
    next_reminder_on,
)
from supplier_dd.domain.roles import Role
from supplier_dd.domain.schedule import (
    CONTRACT_EVENTS,
    DEFAULT_VALIDITY,
    DueDate,
    DueReason,
    ValidityPolicy,
    WorkingCalendar,
    due_after_contract_event,
    due_after_submission,
    earliest,
)
from supplier_dd.infrastructure.bank_holidays import england_and_wales
from supplier_dd.infrastructure.mail import invalid_address_reason
from supplier_dd.models import (
    AttestationReminder,
    AttestationSchedule,
    OutboxMessage,
    Supplier,
    User,
)
from supplier_dd.models.attestation import (
    REMINDER_INVALID_ADDRESS,
    REMINDER_NO_RECIPIENT,
    REMINDER_QUEUED,
    SCHEDULE_ACTIVE,
    SCHEDULE_COMPLETED,
)
from supplier_dd.services import ServiceError, audit, outbox
from supplier_dd.services.next_due import refresh_next_due

LOCAL_ZONE = ZoneInfo("Europe/London")
# How far from today an officer may date a contract event.
CONTRACT_EVENT_WINDOW_DAYS = 366


def local_date(moment: datetime, zone: ZoneInfo = LOCAL_ZONE) -> date:
    """The council's calendar date of a naive UTC time: 23:30 UTC in summer is the next day."""
    return moment.replace(tzinfo=ZoneInfo("UTC")).astimezone(zone).date()


# --- cycles ---------------------------------------------------------------------------------

def active_schedule(session: Session, supplier_id: int, lock: bool = False):
    statement = select(AttestationSchedule).where(
        AttestationSchedule.supplier_id == supplier_id,
        AttestationSchedule.status == SCHEDULE_ACTIVE,
    )
    if lock:
        statement = statement.with_for_update()
    return session.scalar(statement)


def _apply_due(schedule: AttestationSchedule, due: DueDate, today: date,
               policy: ReminderPolicy) -> None:
    moved = schedule.due_on != due.on
    schedule.due_on = due.on
    schedule.reason = due.reason.value
    schedule.holidays_known = due.holidays_known
    if moved or schedule.next_reminder_on is None:
        # A new due date is a new cycle of reminders (keys carry the due date).
        schedule.next_reminder_on = first_check_on(due.on, today, policy)


def _binding_due(schedule: AttestationSchedule, calendar: WorkingCalendar,
                 validity: ValidityPolicy) -> DueDate:
    periodic = None
    if schedule.valid_from is not None:
        periodic = due_after_submission(
            schedule.valid_from, schedule.residual_band, calendar, validity
        )
        schedule.periodic_due_on = periodic.on
    event = None
    if schedule.event_due_on is not None:
        event = DueDate(schedule.event_due_on, schedule.event_due_on,
                        DueReason(schedule.event_kind),
                        calendar.holidays_known_for(schedule.event_due_on))
    binding = earliest([periodic, event])
    if binding is None:  # a cycle always has one of the two
        raise ServiceError("This re-attestation has neither a submission nor a contract event.")
    return binding


def schedule_after_submission(
    session: Session,
    *,
    supplier_id: int,
    declaration_id: int,
    submitted_at: datetime,
    residual_band: str | None,
    now: datetime,
    responsible_officer_id: int | None = None,
    calendar: WorkingCalendar | None = None,
    validity: ValidityPolicy = DEFAULT_VALIDITY,
    policy: ReminderPolicy = DEFAULT_REMINDERS,
) -> AttestationSchedule:
    """Call when a declaration is submitted (band None until scored), and again with the band
    once the residual risk is known: the same declaration updates its cycle rather than
    starting another. A new declaration completes the supplier's current cycle and starts the
    next, which resets the reminders."""
    calendar = calendar or england_and_wales()
    today = local_date(now)
    current = active_schedule(session, supplier_id, lock=True)
    if current is not None and current.declaration_id == declaration_id:
        current.residual_band = residual_band
        current.updated_at = now
        _apply_due(current, _binding_due(current, calendar, validity), today, policy)
        session.flush()
        refresh_next_due(session, supplier_id)
        return current
    if current is not None:
        current.status = SCHEDULE_COMPLETED
        current.completed_at = now
        current.next_reminder_on = None
        responsible_officer_id = responsible_officer_id or current.responsible_officer_id
        session.flush()  # the one-active-cycle index must see the old one completed first
    schedule = AttestationSchedule(
        supplier_id=supplier_id,
        declaration_id=declaration_id,
        status=SCHEDULE_ACTIVE,
        valid_from=local_date(submitted_at),
        residual_band=residual_band,
        responsible_officer_id=responsible_officer_id,
        created_at=now,
        updated_at=now,
    )
    _apply_due(schedule, _binding_due(schedule, calendar, validity), today, policy)
    session.add(schedule)
    session.flush()
    refresh_next_due(session, supplier_id)
    return schedule


def shorten_for_band(
    session: Session,
    *,
    supplier_id: int,
    declaration_id: int,
    residual_band: str | None,
    now: datetime,
    actor: audit.Actor = audit.SYSTEM,
    calendar: WorkingCalendar | None = None,
    validity: ValidityPolicy = DEFAULT_VALIDITY,
    policy: ReminderPolicy = DEFAULT_REMINDERS,
) -> AttestationSchedule | None:
    """A re-score that raises the residual band of the declaration whose cycle is open shortens
    that cycle to the new band's period: the due date moves earlier when the new period ends
    sooner, never later (a lower band leaves the cycle as it is). Audited when it changes."""
    schedule = active_schedule(session, supplier_id, lock=True)
    if (schedule is None or schedule.declaration_id != declaration_id
            or schedule.valid_from is None
            or validity.months_for(residual_band) >= validity.months_for(schedule.residual_band)):
        return None
    before = {"due_on": schedule.due_on.isoformat() if schedule.due_on else None,
              "residual_band": schedule.residual_band, "reason": schedule.reason}
    schedule.residual_band = residual_band
    due = _binding_due(schedule, calendar or england_and_wales(), validity)
    if schedule.due_on is not None and due.on > schedule.due_on:  # never later
        due = DueDate(schedule.due_on, schedule.due_on, DueReason(schedule.reason),
                      schedule.holidays_known)
    schedule.updated_at = now
    _apply_due(schedule, due, local_date(now), policy)
    session.flush()
    refresh_next_due(session, supplier_id)
    audit.record(session, "reattestation.shortened", actor, now,
                 object_type="attestation_schedule", object_id=schedule.id, before=before,
                 after={"due_on": schedule.due_on.isoformat(),
                        "residual_band": schedule.residual_band, "reason": schedule.reason},
                 details={"supplier_id": supplier_id, "declaration_id": declaration_id})
    return schedule



def parse_contract_event(value: str) -> DueReason:
    try:
        reason = DueReason(value)
    except ValueError:
        reason = None
    if reason not in CONTRACT_EVENTS:
        choices = ", ".join(r.label.lower() for r in CONTRACT_EVENTS)
        raise ServiceError(f"Choose the kind of contract event: {choices}.")
    return reason


def record_contract_event(
    session: Session,
    *,
    supplier_id: int,
    event: DueReason | str,
    event_on: date,
    now: datetime,
    note: str = "",
    responsible_officer_id: int | None = None,
    calendar: WorkingCalendar | None = None,
    validity: ValidityPolicy = DEFAULT_VALIDITY,
    policy: ReminderPolicy = DEFAULT_REMINDERS,
) -> AttestationSchedule:
    """A new contract award, an extension or a subcontractor change declared by an officer: the
    supplier must re-attest within the policy's notice, unless its cycle ends sooner."""
    event = parse_contract_event(event) if isinstance(event, str) else event
    if event not in CONTRACT_EVENTS:
        raise ServiceError("That is not a contract event.")
    today = local_date(now)
    if abs((event_on - today).days) > CONTRACT_EVENT_WINDOW_DAYS:
        raise ServiceError("Enter a date within a year of today.")
    if session.get(Supplier, supplier_id) is None:
        raise ServiceError("That supplier does not exist.")
    calendar = calendar or england_and_wales()
    due = due_after_contract_event(event, event_on, calendar, validity)
    schedule = active_schedule(session, supplier_id, lock=True)
    if schedule is None:
        schedule = AttestationSchedule(supplier_id=supplier_id, status=SCHEDULE_ACTIVE,
                                       created_at=now)
    # Several events: the earliest deadline stands; a later event cannot postpone it.
    if schedule.event_due_on is None or due.on < schedule.event_due_on:
        schedule.event_due_on = due.on
        schedule.event_kind = event.value
        schedule.reason_note = (note or "").strip()[:500] or None
    schedule.responsible_officer_id = schedule.responsible_officer_id or responsible_officer_id
    schedule.updated_at = now
    _apply_due(schedule, _binding_due(schedule, calendar, validity), today, policy)
    session.add(schedule)
    session.flush()
    refresh_next_due(session, supplier_id)
    return schedule


def set_responsible_officer(session: Session, supplier_id: int, officer_id: int | None,
                            now: datetime) -> AttestationSchedule:
    schedule = active_schedule(session, supplier_id)
    if schedule is None:
        raise ServiceError("This supplier has no re-attestation scheduled yet.")
    if officer_id is not None:
        officer = session.get(User, officer_id)
        if officer is None or officer.role not in (Role.OFFICER, Role.ADMIN) or not officer.active:
            raise ServiceError("Choose an active officer.")
    schedule.responsible_officer_id = officer_id
    schedule.updated_at = now
    session.flush()
    return schedule


# --- the sweep --------------------------------------------------------------------------------

@dataclass(frozen=True)
class MessageContext:
    """What the sweep needs from outside: rendering and links (absolute URLs)."""

    council_name: str
    render: Callable[..., object]  # mail.render_email(name, **context) -> RenderedEmail
    supplier_link: Callable[[int, int | None], str]  # (supplier_id, declaration_id) -> URL
    officer_link: Callable[[int], str]  # supplier_id -> URL of its page for officers


@dataclass
class SweepResult:
    cycles: int = 0
    queued: int = 0
    invalid_addresses: int = 0
    without_recipient: int = 0
    digests: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: SweepResult) -> None:
        self.cycles += other.cycles
        self.queued += other.queued
        self.invalid_addresses += other.invalid_addresses
        self.without_recipient += other.without_recipient
        self.digests += other.digests
        self.problems.extend(other.problems)


@dataclass
class _SweepWrites:
    """What a batch decides, written in two statements at the end of the batch rather than two
    per message (the per-row statements were four fifths of the sweep's time)."""

    reminders: list[dict] = field(default_factory=list)
    messages: list[outbox.NewMessage] = field(default_factory=list)

    def reminder(self, row: dict) -> None:
        self.reminders.append(dict(REMINDER_COLUMNS_UNSET, **row))

    def write(self, session: Session, now: datetime) -> int:
        """Queue the messages and record the reminders; returns how many messages were new."""
        queued = outbox.enqueue_many(session, self.messages, now)
        self.reminders.sort(key=lambda row: row["dedupe_key"])  # same lock order in every sweep
        insert_ignoring_duplicates(session, AttestationReminder, self.reminders,
                                          "dedupe_key")
        return len(queued)


# Every reminder row names every column, as a multi-row INSERT needs.
REMINDER_COLUMNS_UNSET = {"recipient_user_id": None, "recipient_email": None, "detail": None}


def _cycle_ref(schedule: AttestationSchedule) -> str:
    return f"s{schedule.id}"


def _format_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def cycles_due_for_reminders(session: Session, today: date, limit: int):
    """Active cycles whose next reminder day has come, over the (status, next_reminder_on)
    index. On PostgreSQL rows another sweep is working on are skipped (SKIP LOCKED), so two
    sweeps share the work instead of waiting for each other."""
    return session.scalars(
        select(AttestationSchedule)
        .where(AttestationSchedule.status == SCHEDULE_ACTIVE,
               AttestationSchedule.next_reminder_on <= today)
        .order_by(AttestationSchedule.next_reminder_on, AttestationSchedule.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()


def sweep_batch(
    session: Session, *, today: date, now: datetime, context: MessageContext,
    policy: ReminderPolicy = DEFAULT_REMINDERS, limit: int = 500,
) -> SweepResult:
    """Decide, render and queue the reminders of up to `limit` cycles, and move each cycle's next
    reminder day past today. Call again (after committing) until it reports no cycles."""
    result = SweepResult()
    schedules = cycles_due_for_reminders(session, today, limit)
    if not schedules:
        return result
    ids = [s.id for s in schedules]
    supplier_ids = {s.supplier_id for s in schedules}
    sent: dict[tuple[int, date], set[str]] = {}
    for schedule_id, due_on, kind in session.execute(
        select(AttestationReminder.schedule_id, AttestationReminder.due_on,
               AttestationReminder.kind).where(AttestationReminder.schedule_id.in_(ids))
    ):
        sent.setdefault((schedule_id, due_on), set()).add(kind)
    names = dict(session.execute(
        select(Supplier.id, Supplier.name).where(Supplier.id.in_(supplier_ids))
    ).all())
    contacts: dict[int, list[User]] = {}
    for user in session.scalars(
        select(User).where(User.supplier_id.in_(supplier_ids), User.role == Role.SUPPLIER,
                           User.active.is_(True)).order_by(User.id)
    ):
        contacts.setdefault(user.supplier_id, []).append(user)
    officers = _active_officers(session)

    writes = _SweepWrites()
    for schedule in schedules:
        result.cycles += 1
        for message in messages_due(_cycle_ref(schedule), schedule.due_on, today,
                                    sent.get((schedule.id, schedule.due_on), set()), policy):
            if message.audience is Audience.SUPPLIER_CONTACTS:
                recipients = contacts.get(schedule.supplier_id, [])
            else:
                recipients = _escalation_recipients(schedule, officers)
            _queue_for(writes, schedule, message, recipients, names[schedule.supplier_id],
                       today, now, context, result)
        schedule.next_reminder_on = next_reminder_on(schedule.due_on, today, policy)
    result.queued += writes.write(session, now)
    session.flush()
    return result


def _active_officers(session: Session) -> list[User]:
    return list(session.scalars(
        select(User).where(User.role == Role.OFFICER, User.active.is_(True)).order_by(User.id)
    ))


def _escalation_recipients(schedule: AttestationSchedule, officers: list[User]) -> list[User]:
    """The responsible officer; without one, every officer, so an escalation is never dropped."""
    responsible = schedule.responsible_officer
    if responsible is not None and responsible.active:
        return [responsible]
    return officers


def _queue_for(
    writes: _SweepWrites, schedule: AttestationSchedule, message: DueMessage,
    recipients: Iterable[User], supplier_name: str, today: date, now: datetime,
    context: MessageContext, result: SweepResult,
) -> None:
    base = dict(council_id=schedule.council_id, schedule_id=schedule.id,
                supplier_id=schedule.supplier_id,
                due_on=message.due_on, kind=message.kind, audience=message.audience.value,
                decided_on=today, decided_at=now)
    recipients = list(recipients)
    if not recipients:
        who = "supplier contact" if message.audience is Audience.SUPPLIER_CONTACTS else "officer"
        detail = f"No active {who} to send this to."
        writes.reminder(dict(base, dedupe_key=f"{message.key}:to:nobody",
                             status=REMINDER_NO_RECIPIENT, detail=detail))
        result.without_recipient += 1
        result.problems.append(f"{supplier_name}: {detail}")
        return
    for user in recipients:
        key = f"{message.key}:to:u{user.id}"
        reason = invalid_address_reason(user.email)
        row = dict(base, dedupe_key=key, recipient_user_id=user.id,
                   recipient_email=user.email)
        if reason:
            # Reported, never queued: retrying cannot fix an address; a person must.
            writes.reminder(dict(row, status=REMINDER_INVALID_ADDRESS,
                                 detail=f"Invalid email address: {reason}"[:500]))
            result.invalid_addresses += 1
            result.problems.append(f"{supplier_name}: {user.email!r} is not a valid address")
            continue
        email = context.render(message.template, **_message_context(
            schedule, message, user, supplier_name, today, context))
        writes.messages.append(outbox.NewMessage(
            dedupe_key=key, kind=f"reattestation_{message.kind}", recipient=user.email,
            subject=email.subject, text=email.text, html=email.html))
        writes.reminder(dict(row, status=REMINDER_QUEUED))


def _message_context(schedule: AttestationSchedule, message: DueMessage, user: User,
                     supplier_name: str, today: date, context: MessageContext) -> dict:
    days_left = message.days_until_due
    return dict(
        council_name=context.council_name,
        supplier_name=supplier_name,
        name=user.name,
        due_date=_format_date(schedule.due_on),
        days_left=days_left,
        days_overdue=-days_left,
        reason=DueReason(schedule.reason).label if schedule.reason else "",
        reason_note=schedule.reason_note or "",
        holidays_known=schedule.holidays_known,
        link=(context.officer_link(schedule.supplier_id)
              if message.audience is Audience.RESPONSIBLE_OFFICER
              else context.supplier_link(schedule.supplier_id, schedule.declaration_id)),
        kind=message.kind,
        today=_format_date(today),
    )


@dataclass(frozen=True)
class DigestLine:
    supplier_id: int
    supplier_name: str
    due_on: date
    state: AttestationState
    days: int  # until due; negative when overdue
    link: str


def send_digests(
    session: Session, *, today: date, now: datetime, context: MessageContext,
    policy: ReminderPolicy = DEFAULT_REMINDERS,
) -> int:
    """Queue this week's digest for each officer who has something overdue or due soon: cycles
    they are responsible for and cycles nobody is. Keyed by officer and week, so once a week.

    What goes in is judged as of the digest weekday, not today: a sweep on a later day of the
    week sends what the weekday's sweep would have sent (catching up if it was missed) and does
    not start a digest midweek merely because a due date came within the window on Tuesday."""
    period = digest_period_start(today, policy)
    officers = _active_officers(session)
    keys = {officer.id: digest_key(f"u{officer.id}", period) for officer in officers}
    already = set(session.scalars(
        select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.in_(list(keys.values())))
    ))
    waiting = [officer for officer in officers if keys[officer.id] not in already]
    if not waiting:
        return 0
    rows = session.execute(
        select(AttestationSchedule.supplier_id, AttestationSchedule.due_on,
               AttestationSchedule.responsible_officer_id, Supplier.name)
        .join(Supplier, Supplier.id == AttestationSchedule.supplier_id)
        .where(AttestationSchedule.status == SCHEDULE_ACTIVE,
               AttestationSchedule.due_on <= period + timedelta(days=policy.due_soon_days))
        .order_by(AttestationSchedule.due_on, Supplier.name)
    ).all()
    queued = 0
    for officer in waiting:
        lines = [
            DigestLine(supplier_id, name, due_on, attestation_state(due_on, today, policy),
                       (due_on - today).days, context.officer_link(supplier_id))
            for supplier_id, due_on, responsible_id, name in rows
            if responsible_id in (None, officer.id)
        ]
        if not lines:
            continue
        email = context.render(
            TEMPLATE_DIGEST, council_name=context.council_name, name=officer.name,
            week=_format_date(period),
            overdue=[line for line in lines if line.state is AttestationState.OVERDUE],
            due_soon=[line for line in lines if line.state is not AttestationState.OVERDUE],
            format_date=_format_date,
        )
        if outbox.enqueue(session, dedupe_key=keys[officer.id], kind="reattestation_digest",
                          recipient=officer.email, subject=email.subject, text=email.text,
                          html=email.html, now=now):
            queued += 1
    session.flush()
    return queued


# --- what pages read ------------------------------------------------------------------------

def overdue_supplier_ids(session: Session, today: date) -> list[int]:
    """Suppliers whose re-attestation is past due (for the dashboard's 'Overdue' status)."""
    return list(session.scalars(
        select(AttestationSchedule.supplier_id)
        .where(AttestationSchedule.status == SCHEDULE_ACTIVE, AttestationSchedule.due_on < today)
        .order_by(AttestationSchedule.due_on)
    ))


def attestation_counts(session: Session, today: date,
                       policy: ReminderPolicy = DEFAULT_REMINDERS) -> dict[str, int]:
    """KPIs: {'overdue': n, 'due_soon': n, 'current': n} over active cycles."""
    soon = today + timedelta(days=policy.due_soon_days)
    active = AttestationSchedule.status == SCHEDULE_ACTIVE
    overdue = session.scalar(select(func.count()).where(active, AttestationSchedule.due_on < today))
    due_soon = session.scalar(select(func.count()).where(
        active, AttestationSchedule.due_on >= today, AttestationSchedule.due_on <= soon))
    total = session.scalar(select(func.count()).where(active))
    return {"overdue": overdue, "due_soon": due_soon, "current": total - overdue - due_soon}


def attestation_states(session: Session, supplier_ids: Iterable[int], today: date,
                       policy: ReminderPolicy = DEFAULT_REMINDERS) -> dict[int, tuple]:
    """{supplier_id: (AttestationState, due_on)} for suppliers with an active cycle."""
    ids = list(supplier_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(AttestationSchedule.supplier_id, AttestationSchedule.due_on)
        .where(AttestationSchedule.status == SCHEDULE_ACTIVE,
               AttestationSchedule.supplier_id.in_(ids))
    ).all()
    return {sid: (attestation_state(due, today, policy), due) for sid, due in rows}


@dataclass
class HistoryLine:
    reminder: AttestationReminder
    delivery: OutboxMessage | None

    @property
    def status_label(self) -> str:
        r, d = self.reminder, self.delivery
        if r.status == REMINDER_INVALID_ADDRESS:
            return "Not sent: invalid email address"
        if r.status == REMINDER_NO_RECIPIENT:
            return "Not sent: nobody to send it to"
        if d is None:
            return "Queued"
        return {
            outbox.SENT: "Sent", outbox.PENDING: "Waiting to send" if not d.attempts
            else "Retrying", outbox.SENDING: "Sending", outbox.FAILED: "Failed",
            outbox.UNCONFIRMED: "Delivery unconfirmed",
        }.get(d.status, d.status)

    @property
    def problem(self) -> bool:
        return self.status_label.startswith(("Not sent", "Failed", "Delivery unconfirmed"))


@dataclass
class SupplierReattestation:
    schedule: AttestationSchedule | None
    state: AttestationState | None
    history: list[HistoryLine]
    total_reminders: int
    holidays_known_until: date


def supplier_reattestation(session: Session, supplier_id: int, today: date, limit: int = 20,
                           policy: ReminderPolicy = DEFAULT_REMINDERS) -> SupplierReattestation:
    schedule = active_schedule(session, supplier_id)
    where = AttestationReminder.supplier_id == supplier_id
    reminders = list(session.scalars(
        select(AttestationReminder).where(where)
        .order_by(AttestationReminder.decided_at.desc(), AttestationReminder.id.desc())
        .limit(limit)
    ))
    deliveries = outbox.statuses_by_key(session, [r.dedupe_key for r in reminders])
    return SupplierReattestation(
        schedule=schedule,
        state=attestation_state(schedule.due_on, today, policy) if schedule else None,
        history=[HistoryLine(r, deliveries.get(r.dedupe_key)) for r in reminders],
        total_reminders=session.scalar(select(func.count(AttestationReminder.id)).where(where)),
        holidays_known_until=england_and_wales().holidays_known_until,
    )
