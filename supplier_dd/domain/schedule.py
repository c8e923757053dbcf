"""When a supplier must re-attest its declaration: the validity policy and working-day rules.

Pure rules: no database, no clock. Callers pass `today`/`submitted_on` and a WorkingCalendar
built from whatever holiday data they have (see `supplier_dd.infrastructure.bank_holidays`).
"""

from __future__ import annotations

import calendar as _calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from types import MappingProxyType


class DueReason(StrEnum):
    """Why a re-attestation is due on the date it is. Stored, and shown to officers."""

    ANNUAL = "annual"  # the default validity period after a submission ran out
    RISK_BAND = "risk_band"  # a shorter period because the residual risk is High or Critical
    CONTRACT_AWARD = "contract_award"
    CONTRACT_EXTENSION = "contract_extension"
    SUBCONTRACTOR_CHANGE = "subcontractor_change"

    @property
    def label(self) -> str:
        return REASON_LABELS[self]


REASON_LABELS = {
    DueReason.ANNUAL: "Annual re-attestation",
    DueReason.RISK_BAND: "Shorter validity for high residual risk",
    DueReason.CONTRACT_AWARD: "New contract awarded",
    DueReason.CONTRACT_EXTENSION: "Contract extended",
    DueReason.SUBCONTRACTOR_CHANGE: "Change of subcontractor",
}

CONTRACT_EVENTS = (
    DueReason.CONTRACT_AWARD,
    DueReason.CONTRACT_EXTENSION,
    DueReason.SUBCONTRACTOR_CHANGE,
)


def _frozen(mapping: Mapping) -> Mapping:
    return MappingProxyType(dict(mapping))


@dataclass(frozen=True)
class ValidityPolicy:
    """How long a submitted declaration stays valid, and how soon contract events need a new one.

    Bands are matched case-insensitively, so the scoring code may say "High" or "high".
    """

    default_months: int = 12
    months_by_band: Mapping[str, int] = field(
        default_factory=lambda: _frozen({"high": 6, "critical": 6})
    )
    # A contract event makes the current declaration stale: the supplier has this many days to
    # re-attest (unless the declaration already lapses sooner).
    days_after_contract_event: Mapping[DueReason, int] = field(
        default_factory=lambda: _frozen({reason: 30 for reason in CONTRACT_EVENTS})
    )

    def months_for(self, residual_band: str | None) -> int:
        if residual_band:
            return self.months_by_band.get(residual_band.strip().lower(), self.default_months)
        return self.default_months


DEFAULT_VALIDITY = ValidityPolicy()


@dataclass(frozen=True)
class WorkingCalendar:
    """Weekends plus known bank holidays. Beyond `holidays_known_until` only weekends count,
    because the bundled holiday list stops there; callers show that to people."""

    holidays: frozenset[date]
    holidays_known_until: date

    @classmethod
    def weekends_only(cls) -> WorkingCalendar:
        return cls(frozenset(), date.min)

    def holidays_known_for(self, day: date) -> bool:
        return day <= self.holidays_known_until

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def on_or_before(self, day: date) -> date:
        """The working day itself, or the last working day before it."""
        while not self.is_working_day(day):
            day -= timedelta(days=1)
        return day


@dataclass(frozen=True)
class DueDate:
    on: date  # the working day the re-attestation is due
    nominal: date  # before moving off a weekend or bank holiday
    reason: DueReason
    # False when `nominal` lies beyond the holiday data: only weekends were avoided.
    holidays_known: bool

    @property
    def moved(self) -> bool:
        return self.on != self.nominal


def add_months(day: date, months: int) -> date:
    """Same day of the month, `months` later; the 31st becomes the month's last day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    last_day = _calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def _working_due(nominal: date, reason: DueReason, calendar: WorkingCalendar) -> DueDate:
    return DueDate(
        on=calendar.on_or_before(nominal),
        nominal=nominal,
        reason=reason,
        holidays_known=calendar.holidays_known_for(nominal),
    )


def due_after_submission(
    submitted_on: date,
    residual_band: str | None,
    calendar: WorkingCalendar,
    policy: ValidityPolicy = DEFAULT_VALIDITY,
) -> DueDate:
    months = policy.months_for(residual_band)
    reason = DueReason.ANNUAL if months == policy.default_months else DueReason.RISK_BAND
    return _working_due(add_months(submitted_on, months), reason, calendar)


def due_after_contract_event(
    event: DueReason,
    event_on: date,
    calendar: WorkingCalendar,
    policy: ValidityPolicy = DEFAULT_VALIDITY,
) -> DueDate:
    if event not in CONTRACT_EVENTS:
        raise ValueError(f"{event!r} is not a contract event.")
    days = policy.days_after_contract_event[event]
    return _working_due(event_on + timedelta(days=days), event, calendar)


def earliest(candidates: Iterable[DueDate | None]) -> DueDate | None:
    """The binding due date: whichever comes first. Ties keep the first given."""
    best = None
    for candidate in candidates:
        if candidate is not None and (best is None or candidate.on < best.on):
            best = candidate
    return best


def days_until(due_on: date, today: date) -> int:
    """Positive before the due date, 0 on it, negative once overdue."""
    return (due_on - today).days


def is_overdue(due_on: date, today: date) -> bool:
    return today > due_on
