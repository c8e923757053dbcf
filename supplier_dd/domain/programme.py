"""Rules for the council's own programme records: training counts and the referrals log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum


class TrainingGroup(StrEnum):
    ALL_STAFF = "all_staff"
    PROCUREMENT_TEAM = "procurement_team"
    MEMBERS = "members"
    SAFEGUARDING_CHAMPIONS = "safeguarding_champions"
    NEW_STARTERS = "new_starters"
    SENIOR_MANAGERS = "senior_managers"

    @property
    def label(self) -> str:
        return TRAINING_GROUP_LABELS[self]


TRAINING_GROUP_LABELS = {
    TrainingGroup.ALL_STAFF: "All staff",
    TrainingGroup.PROCUREMENT_TEAM: "Procurement team",
    TrainingGroup.MEMBERS: "Members (councillors)",
    TrainingGroup.SAFEGUARDING_CHAMPIONS: "Safeguarding champions",
    TrainingGroup.NEW_STARTERS: "New starters",
    TrainingGroup.SENIOR_MANAGERS: "Senior managers",
}

# Courses councils record; the form accepts others too.
SUGGESTED_COURSES = (
    "CIPS Ethical Procurement and Supply",
    "Safeguarding e-learning (includes modern slavery)",
    "Modern slavery awareness",
    "Safeguarding level one and two, face to face",
)


def check_training_counts(completed: int, total: int) -> str | None:
    """The message for counts that cannot be true, or None."""
    if total < 1:
        return "The number in the group must be 1 or more"
    if completed < 0:
        return "The number who completed the course must be 0 or more"
    if completed > total:
        return (f"The number who completed ({completed}) cannot be more than the number in "
                f"the group ({total})")
    return None


def completion_percent(completed: int, total: int) -> int:
    return round(100 * completed / total) if total else 0


class ReferralType(StrEnum):
    NRM = "nrm"
    DUTY_TO_NOTIFY = "duty_to_notify"
    ADVICE_SOUGHT = "advice_sought"
    NOT_REFERRED = "not_referred"

    @property
    def label(self) -> str:
        return REFERRAL_TYPE_LABELS[self]


REFERRAL_TYPE_LABELS = {
    ReferralType.NRM: "National Referral Mechanism (NRM) referral",
    ReferralType.DUTY_TO_NOTIFY: "Duty to Notify (adult who did not consent to an NRM referral)",
    ReferralType.ADVICE_SOUGHT: "Advice sought (for example from the Modern Slavery Helpline)",
    ReferralType.NOT_REFERRED: "Concern recorded, not referred",
}

SHORT_REFERRAL_TYPE_LABELS = {
    ReferralType.NRM: "NRM",
    ReferralType.DUTY_TO_NOTIFY: "Duty to Notify",
    ReferralType.ADVICE_SOUGHT: "Advice sought",
    ReferralType.NOT_REFERRED: "Not referred",
}

# Six years: the period councils commonly keep safeguarding case records for (the Limitation
# Act's six-year period); an operator can change it with SUPPLIER_DD_REFERRAL_RETENTION_DAYS.
DEFAULT_REFERRAL_RETENTION_DAYS = 6 * 365 + 2
# Below this, entries would vanish before the annual Cabinet report that counts them.
MINIMUM_REFERRAL_RETENTION_DAYS = 366


def referral_retention_cutoff(now: datetime, retention_days: int) -> date:
    """Referrals dated before this day have been kept long enough and are deleted."""
    return now.date() - timedelta(days=retention_days)


def check_referral_date(referred_on: date, today: date) -> str | None:
    if referred_on > today:
        return "The date of the referral must be today or in the past"
    return None
