"""Which re-attestation reminders are due today: the reminder policy as data, and the decision.

Pure rules: `today` is passed in. Each message has a key made of the re-attestation cycle, the
message kind and the due date, so deciding twice (a second sweep, a restarted process) yields the
same key and the outbox's unique constraint keeps one copy.

Catching up: if the sweep did not run for some days, only the latest supplier reminder whose day
has come is sent (a supplier never gets "30 days left" and "14 days left" together), and the
officer escalation is sent once whenever its day has passed.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class Audience(StrEnum):
    SUPPLIER_CONTACTS = "supplier"
    RESPONSIBLE_OFFICER = "officer"


class AttestationState(StrEnum):
    CURRENT = "current"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"current": "Current", "due_soon": "Due soon", "overdue": "Overdue"}[self.value]


TEMPLATE_BEFORE_DUE = "reattestation_reminder"
TEMPLATE_OVERDUE = "reattestation_overdue"
TEMPLATE_ESCALATION = "reattestation_escalation"
TEMPLATE_DIGEST = "reattestation_digest"


@dataclass(frozen=True)
class ReminderPolicy:
    days_before_due: tuple[int, ...] = (30, 14, 7)
    remind_on_due_date: bool = True
    # Supplier contacts are reminded every this many days while overdue, for as long as it lasts.
    overdue_every_days: int = 7
    escalate_after_days_overdue: int = 7
    digest_weekday: int = 0  # Monday
    # The digest lists re-attestations due within this many days, as well as overdue ones.
    due_soon_days: int = 30

    def __post_init__(self):
        if any(days <= 0 for days in self.days_before_due):
            raise ValueError("days_before_due must be positive numbers of days.")
        if self.overdue_every_days <= 0 or self.escalate_after_days_overdue < 0:
            raise ValueError("overdue intervals must be positive.")
        if not 0 <= self.digest_weekday <= 6:
            raise ValueError("digest_weekday is 0 (Monday) to 6 (Sunday).")

    @property
    def escalation_kind(self) -> str:
        return f"escalation_{self.escalate_after_days_overdue}_days_overdue"

    def supplier_steps(self, due_on: date) -> Iterator[tuple[date, str]]:
        """(day, kind) of every supplier reminder for a due date, in order. Endless: the overdue
        reminders repeat until the supplier re-attests."""
        for days in sorted(set(self.days_before_due), reverse=True):
            yield due_on - timedelta(days=days), f"due_in_{days}_days"
        if self.remind_on_due_date:
            yield due_on, "due_today"
        overdue_days = self.overdue_every_days
        while True:
            yield due_on + timedelta(days=overdue_days), f"overdue_{overdue_days}_days"
            overdue_days += self.overdue_every_days

    def escalation_day(self, due_on: date) -> date:
        return due_on + timedelta(days=self.escalate_after_days_overdue)


DEFAULT_REMINDERS = ReminderPolicy()


@dataclass(frozen=True)
class DueMessage:
    """One message the policy says should go out now."""

    cycle_ref: str  # names one re-attestation cycle (e.g. the schedule or declaration id)
    kind: str
    due_on: date
    audience: Audience
    template: str
    step_day: date  # the day the policy intended; earlier than today when catching up
    days_until_due: int  # negative when overdue

    @property
    def key(self) -> str:
        return reminder_key(self.cycle_ref, self.kind, self.due_on)


def reminder_key(cycle_ref: str, kind: str, due_on: date) -> str:
    return f"reattestation:{cycle_ref}:{kind}:{due_on.isoformat()}"


def current_supplier_step(
    due_on: date, today: date, policy: ReminderPolicy = DEFAULT_REMINDERS
) -> tuple[date, str] | None:
    """The latest supplier reminder whose day has come, or None before the first one."""
    current = None
    for step in policy.supplier_steps(due_on):
        if step[0] > today:
            return current
        current = step
    return current  # unreachable: the steps never end


def messages_due(
    cycle_ref: str,
    due_on: date,
    today: date,
    already_sent: Collection[str],
    policy: ReminderPolicy = DEFAULT_REMINDERS,
) -> list[DueMessage]:
    """The messages to send today for one cycle. `already_sent` holds the kinds already decided
    for this cycle and due date."""
    messages = []
    step = current_supplier_step(due_on, today, policy)
    if step is not None and step[1] not in already_sent:
        step_day, kind = step
        overdue = step_day > due_on
        messages.append(DueMessage(
            cycle_ref, kind, due_on, Audience.SUPPLIER_CONTACTS,
            TEMPLATE_OVERDUE if overdue else TEMPLATE_BEFORE_DUE, step_day, (due_on - today).days,
        ))
    escalation_day = policy.escalation_day(due_on)
    if today >= escalation_day and policy.escalation_kind not in already_sent:
        messages.append(DueMessage(
            cycle_ref, policy.escalation_kind, due_on, Audience.RESPONSIBLE_OFFICER,
            TEMPLATE_ESCALATION, escalation_day, (due_on - today).days,
        ))
    return messages


def next_reminder_on(
    due_on: date, today: date, policy: ReminderPolicy = DEFAULT_REMINDERS
) -> date:
    """The first day after `today` on which this cycle may need a message. The sweep only looks
    at cycles whose day has come, so its work grows with what is due, not with what exists."""
    candidates = [policy.escalation_day(due_on)] if policy.escalation_day(due_on) > today else []
    for step_day, _kind in policy.supplier_steps(due_on):
        if step_day > today:
            candidates.append(step_day)
            break
    return min(candidates)


def first_check_on(due_on: date, today: date, policy: ReminderPolicy = DEFAULT_REMINDERS) -> date:
    """For a new or moved due date: today if a reminder is already due, else the first one's day."""
    if current_supplier_step(due_on, today, policy) is not None:
        return today
    return next_reminder_on(due_on, today, policy)


def digest_period_start(today: date, policy: ReminderPolicy = DEFAULT_REMINDERS) -> date:
    """The digest weekday on or before today: one digest per officer per period, keyed by it.
    A sweep that missed the weekday still sends that week's digest on a later day."""
    return today - timedelta(days=(today.weekday() - policy.digest_weekday) % 7)


def digest_key(officer_ref: str, period_start: date) -> str:
    return f"reattestation-digest:{officer_ref}:{period_start.isoformat()}"


def kind_label(kind: str) -> str:
    """How a reminder kind reads to an officer: 'due_in_14_days' -> '14 days before due'."""
    parts = kind.split("_")
    if kind == "due_today":
        return "On the due date"
    if kind.startswith("due_in_") and parts[2].isdigit():
        return f"{parts[2]} days before due"
    if kind.startswith("overdue_") and parts[1].isdigit():
        return f"{parts[1]} days overdue"
    if kind.startswith("escalation_") and parts[1].isdigit():
        return f"Escalated to the officer ({parts[1]} days overdue)"
    return kind.replace("_", " ").capitalize()


def attestation_state(
    due_on: date, today: date, policy: ReminderPolicy = DEFAULT_REMINDERS
) -> AttestationState:
    if today > due_on:
        return AttestationState.OVERDUE
    if (due_on - today).days <= policy.due_soon_days:
        return AttestationState.DUE_SOON
    return AttestationState.CURRENT
