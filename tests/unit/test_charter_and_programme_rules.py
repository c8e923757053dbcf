"""The Charter commitments and the rules on training counts and referral retention."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from supplier_dd.config import ConfigError, load_settings
from supplier_dd.domain.charter import (
    COMMITMENTS,
    CharterStatus,
    Evidence,
    add_months,
    charter_statuses,
    commitment,
    commitment_status,
)
from supplier_dd.domain.programme import (
    DEFAULT_REFERRAL_RETENTION_DAYS,
    check_training_counts,
    completion_percent,
    referral_retention_cutoff,
)
from supplier_dd.domain.roles import Permission, Role, can


def test_the_charter_has_ten_numbered_commitments():
    assert [c.number for c in COMMITMENTS] == list(range(1, 11))
    assert "CIPS" in commitment(1).text
    assert "abnormally low" in commitment(3).text
    assert "National Referral Mechanism" in commitment(9).text
    with pytest.raises(ValueError, match="commitments 1 to 10, not 11"):
        commitment(11)


def test_status_is_derived_from_dated_evidence():
    whistle_blowing = commitment(5)  # evidence current for 12 months
    evidence = [Evidence(5, date(2025, 4, 15))]
    assert commitment_status(whistle_blowing, [], date(2025, 5, 1)).status == \
        CharterStatus.NO_EVIDENCE
    current = commitment_status(whistle_blowing, evidence, date(2026, 4, 15))
    assert current.status == CharterStatus.EVIDENCED
    assert current.valid_until == date(2026, 4, 15)
    lapsed = commitment_status(whistle_blowing, evidence, date(2026, 4, 16))
    assert lapsed.status == CharterStatus.LAPSED and lapsed.status.rag == "amber"


def test_future_dated_evidence_does_not_count():
    status = commitment_status(commitment(7), [Evidence(7, date(2026, 6, 1))], date(2026, 5, 1))
    assert status.status == CharterStatus.NO_EVIDENCE


def test_evidence_for_one_commitment_does_not_evidence_another():
    statuses = charter_statuses([Evidence(3, date(2026, 1, 5))], date(2026, 2, 1))
    assert [s.status for s in statuses].count(CharterStatus.EVIDENCED) == 1
    assert statuses[2].status == CharterStatus.EVIDENCED
    assert statuses[2].latest == date(2026, 1, 5)


def test_add_months_keeps_to_the_end_of_short_months():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2025, 11, 30), 15) == date(2027, 2, 28)


def test_training_counts_must_be_possible():
    assert check_training_counts(20, 49) is None
    assert "cannot be more than the number in the group (49)" in check_training_counts(50, 49)
    assert check_training_counts(0, 0) == "The number in the group must be 1 or more"
    assert completion_percent(20, 49) == 41


def test_retention_cutoff_counts_back_from_now():
    now = datetime(2026, 11, 22, 2, 30)
    assert referral_retention_cutoff(now, 366) == date(2025, 11, 21)


def test_retention_setting_is_validated():
    assert load_settings({}).referral_retention_days == DEFAULT_REFERRAL_RETENTION_DAYS
    assert load_settings({"SUPPLIER_DD_REFERRAL_RETENTION_DAYS": "3000"}) \
        .referral_retention_days == 3000
    with pytest.raises(ConfigError, match="SUPPLIER_DD_REFERRAL_RETENTION_DAYS must be at least"):
        load_settings({"SUPPLIER_DD_REFERRAL_RETENTION_DAYS": "30"})
    with pytest.raises(ConfigError, match="must be a whole number"):
        load_settings({"SUPPLIER_DD_REFERRAL_RETENTION_DAYS": "six years"})


def test_only_safeguarding_and_admin_may_read_referral_entries():
    allowed = {role for role in Role if can(role, Permission.MANAGE_REFERRALS)}
    assert allowed == {Role.SAFEGUARDING, Role.ADMIN}
    counts = {role for role in Role if can(role, Permission.VIEW_PROGRAMME)}
    assert counts == {Role.OFFICER, Role.LEGAL, Role.SAFEGUARDING, Role.ADMIN}
