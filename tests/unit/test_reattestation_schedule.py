"""Validity policy, working days and the reminder decision, over simulated days and years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from supplier_dd.domain.reminders import (
    AttestationState,
    Audience,
    ReminderPolicy,
    attestation_state,
    digest_period_start,
    first_check_on,
    messages_due,
    next_reminder_on,
)
from supplier_dd.domain.schedule import (
    DueReason,
    ValidityPolicy,
    WorkingCalendar,
    add_months,
    due_after_contract_event,
    due_after_submission,
    earliest,
)
from supplier_dd.infrastructure.bank_holidays import england_and_wales

CALENDAR = england_and_wales()


def days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def simulate(due_on: date, start: date, end: date, policy: ReminderPolicy | None = None,
             skip: set[date] | None = None):
    """Run the decision once a day (except on `skip` days, as if the sweep were down), remembering
    what was sent, exactly as the sweep does. Returns {day: [kinds]}."""
    policy = policy or ReminderPolicy()
    sent: set[str] = set()
    keys: set[str] = set()
    log: dict[date, list[str]] = {}
    check_on = first_check_on(due_on, start, policy)
    for today in days(start, end):
        if today in (skip or set()) or today < check_on:
            continue
        for message in messages_due("cycle-1", due_on, today, sent, policy):
            assert message.key not in keys, "a key was produced twice"
            keys.add(message.key)
            sent.add(message.kind)
            log.setdefault(today, []).append(message.kind)
        check_on = next_reminder_on(due_on, today, policy)
    return log


def test_bundled_bank_holidays_are_used_without_the_network():
    assert date(2026, 12, 25) in CALENDAR.holidays
    assert date(2026, 12, 28) in CALENDAR.holidays  # Boxing Day substitute
    assert CALENDAR.holidays_known_until >= date(2027, 12, 27)


@pytest.mark.parametrize(
    ("nominal", "expected"),
    [
        (date(2026, 3, 18), date(2026, 3, 18)),  # a Wednesday stays put
        (date(2026, 3, 21), date(2026, 3, 20)),  # Saturday -> Friday
        (date(2026, 3, 22), date(2026, 3, 20)),  # Sunday -> Friday
        (date(2026, 4, 6), date(2026, 4, 2)),  # Easter Monday -> Good Friday -> Thursday
        (date(2026, 12, 28), date(2026, 12, 24)),  # substitute Boxing Day, weekend, Christmas
        (date(2026, 5, 25), date(2026, 5, 22)),  # Spring bank holiday -> Friday
    ],
)
def test_due_dates_move_to_the_previous_working_day(nominal, expected):
    assert CALENDAR.on_or_before(nominal) == expected


def test_beyond_the_known_holidays_only_weekends_move_and_that_is_reported():
    calendar = WorkingCalendar(frozenset({date(2026, 12, 25)}), date(2026, 12, 31))
    due = due_after_submission(date(2026, 12, 26), None, calendar)  # nominal 26 Dec 2027, Sunday
    assert due.nominal == date(2027, 12, 26)
    assert due.on == date(2027, 12, 24)
    assert due.holidays_known is False
    inside = due_after_submission(date(2025, 12, 20), None, calendar)
    assert inside.holidays_known is True


def test_default_validity_is_twelve_months_and_high_risk_six():
    submitted = date(2026, 1, 14)
    assert due_after_submission(submitted, None, CALENDAR).on == date(2027, 1, 14)
    assert due_after_submission(submitted, "Low", CALENDAR).reason is DueReason.ANNUAL
    high = due_after_submission(submitted, "High", CALENDAR)
    assert (high.on, high.reason) == (date(2026, 7, 14), DueReason.RISK_BAND)
    assert due_after_submission(submitted, "critical", CALENDAR).on == date(2026, 7, 14)
    assert due_after_submission(submitted, "Medium", CALENDAR).on == date(2027, 1, 14)


def test_validity_policy_is_data():
    policy = ValidityPolicy(default_months=24, months_by_band={"medium": 12})
    assert due_after_submission(date(2026, 1, 14), None, CALENDAR, policy).on == date(2028, 1, 14)
    assert due_after_submission(date(2026, 1, 14), "Medium", CALENDAR, policy).on == date(
        2027, 1, 14
    )


def test_month_ends_are_clamped():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 31), 12) == date(2027, 1, 31)


def test_contract_events_bring_the_due_date_forward_but_never_push_it_back():
    periodic = due_after_submission(date(2026, 1, 14), None, CALENDAR)
    award = due_after_contract_event(DueReason.CONTRACT_AWARD, date(2026, 3, 2), CALENDAR)
    assert award.on == date(2026, 4, 1)
    assert earliest([periodic, award]) is award
    late = due_after_contract_event(DueReason.CONTRACT_EXTENSION, date(2027, 1, 1), CALENDAR)
    assert earliest([periodic, late]) is periodic
    with pytest.raises(ValueError, match="not a contract event"):
        due_after_contract_event(DueReason.ANNUAL, date(2026, 3, 2), CALENDAR)


def test_reminders_on_the_right_days_then_weekly_while_overdue_with_one_escalation():
    due = date(2026, 6, 1)
    log = simulate(due, date(2026, 1, 1), date(2026, 7, 15))
    assert log == {
        date(2026, 5, 2): ["due_in_30_days"],
        date(2026, 5, 18): ["due_in_14_days"],
        date(2026, 5, 25): ["due_in_7_days"],
        date(2026, 6, 1): ["due_today"],
        date(2026, 6, 8): ["overdue_7_days", "escalation_7_days_overdue"],
        date(2026, 6, 15): ["overdue_14_days"],
        date(2026, 6, 22): ["overdue_21_days"],
        date(2026, 6, 29): ["overdue_28_days"],
        date(2026, 7, 6): ["overdue_35_days"],
        date(2026, 7, 13): ["overdue_42_days"],
    }


def test_a_simulated_year_of_submissions_with_bank_holidays_and_a_reset_cycle():
    """Submitted 6 April 2025; due 6 April 2026 is a bank holiday (Easter Monday), so the cycle
    is due on Thursday 2 April. The supplier re-attests on 10 April 2026 (overdue), which resets
    the cycle to a new due date 12 months on."""
    first = due_after_submission(date(2025, 4, 6), None, CALENDAR)
    assert first.on == date(2026, 4, 2) and first.moved
    sent_days: dict[date, list[str]] = {}
    sent: set[str] = set()
    cycle, due_on = "c1", first.on
    for today in days(date(2025, 4, 6), date(2027, 4, 12)):
        if today == date(2026, 4, 10):  # re-attestation: a new cycle, nothing carried over
            renewed = due_after_submission(today, None, CALENDAR)
            cycle, due_on, sent = "c2", renewed.on, set()
        for message in messages_due(cycle, due_on, today, sent):
            sent.add(message.kind)
            sent_days.setdefault(today, []).append(f"{cycle}:{message.kind}")
    assert sent_days == {
        date(2026, 3, 3): ["c1:due_in_30_days"],
        date(2026, 3, 19): ["c1:due_in_14_days"],
        date(2026, 3, 26): ["c1:due_in_7_days"],
        date(2026, 4, 2): ["c1:due_today"],
        date(2026, 4, 9): ["c1:overdue_7_days", "c1:escalation_7_days_overdue"],
        # 10 April 2027 is a Saturday: due Friday 9 April.
        date(2027, 3, 10): ["c2:due_in_30_days"],
        date(2027, 3, 26): ["c2:due_in_14_days"],  # Good Friday: reminders still go out
        date(2027, 4, 2): ["c2:due_in_7_days"],
        date(2027, 4, 9): ["c2:due_today"],
    }
    assert due_on == date(2027, 4, 9)


def test_missed_days_catch_up_with_only_the_latest_reminder():
    due = date(2026, 6, 1)
    skipped = set(days(date(2026, 4, 1), date(2026, 5, 20)))  # the sweep was down for weeks
    log = simulate(due, date(2026, 4, 1), date(2026, 6, 1), skip=skipped)
    assert log == {
        date(2026, 5, 21): ["due_in_14_days"],  # not 30 and 14 together
        date(2026, 5, 25): ["due_in_7_days"],
        date(2026, 6, 1): ["due_today"],
    }


def test_a_cycle_that_starts_close_to_its_due_date_is_told_at_once():
    due = date(2026, 6, 1)
    assert first_check_on(due, date(2026, 5, 22)) == date(2026, 5, 22)
    messages = messages_due("c", due, date(2026, 5, 22), set())
    assert [(m.kind, m.days_until_due) for m in messages] == [("due_in_14_days", 10)]


def test_keys_name_the_cycle_kind_and_due_date():
    [message] = messages_due("42", date(2026, 6, 1), date(2026, 5, 2), set())
    assert message.key == "reattestation:42:due_in_30_days:2026-06-01"
    assert message.audience is Audience.SUPPLIER_CONTACTS


def test_reminder_policy_is_data():
    policy = ReminderPolicy(days_before_due=(60, 10), remind_on_due_date=False,
                            overdue_every_days=14, escalate_after_days_overdue=21)
    log = simulate(date(2026, 6, 1), date(2026, 1, 1), date(2026, 7, 1), policy)
    assert log == {
        date(2026, 4, 2): ["due_in_60_days"],
        date(2026, 5, 22): ["due_in_10_days"],
        date(2026, 6, 15): ["overdue_14_days"],
        date(2026, 6, 22): ["escalation_21_days_overdue"],
        date(2026, 6, 29): ["overdue_28_days"],
    }
    with pytest.raises(ValueError):
        ReminderPolicy(days_before_due=(0,))


def test_digest_period_is_the_week_starting_on_the_digest_weekday():
    assert digest_period_start(date(2026, 6, 1)) == date(2026, 6, 1)  # a Monday
    assert digest_period_start(date(2026, 6, 4)) == date(2026, 6, 1)
    assert digest_period_start(date(2026, 6, 7)) == date(2026, 6, 1)
    assert digest_period_start(date(2026, 6, 8)) == date(2026, 6, 8)


def test_attestation_state():
    due = date(2026, 6, 1)
    assert attestation_state(due, date(2026, 4, 1)) is AttestationState.CURRENT
    assert attestation_state(due, date(2026, 5, 2)) is AttestationState.DUE_SOON
    assert attestation_state(due, date(2026, 6, 1)) is AttestationState.DUE_SOON
    assert attestation_state(due, date(2026, 6, 2)) is AttestationState.OVERDUE
