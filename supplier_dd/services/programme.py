"""Training records, the referrals log (with its retention), and Charter evidence."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session, selectinload

from supplier_dd.domain.charter import (
    COMMITMENT_NUMBERS,
    CommitmentStatus,
    Evidence,
    charter_statuses,
)
from supplier_dd.domain.programme import (
    ReferralType,
    TrainingGroup,
    check_referral_date,
    check_training_counts,
    referral_retention_cutoff,
)
from supplier_dd.models import (
    CharterEvidence,
    Contract,
    Referral,
    Supplier,
    Tender,
    TrainingRecord,
    User,
)
from supplier_dd.services import InvalidField, audit

# --- training -------------------------------------------------------------------------------


@dataclass
class TrainingDetails:
    staff_group: str
    course: str
    completed: int
    total: int
    recorded_on: date
    notes: str = ""


def add_training_record(
    session: Session, details: TrainingDetails, user: User | None, now: datetime,
    actor: audit.Actor | None = None,
) -> TrainingRecord:
    if details.staff_group not in {g.value for g in TrainingGroup}:
        raise InvalidField("staff_group", "Select the group that was trained")
    course = details.course.strip()
    if not course:
        raise InvalidField("course", "Enter the name of the course")
    problem = check_training_counts(details.completed, details.total)
    if problem:
        raise InvalidField("completed", problem)
    if details.recorded_on > now.date():
        raise InvalidField("recorded_on", "The date of the count must be today or in the past")
    record = TrainingRecord(
        staff_group=details.staff_group, course=course[:300], completed=details.completed,
        total=details.total, recorded_on=details.recorded_on, notes=details.notes.strip(),
        recorded_by=user, created_at=now,
    )
    session.add(record)
    session.flush()
    audit.record(session, "training.recorded", audit.actor_or(actor, user), now,
                 object_type="training_record", object_id=record.id,
                 after={"staff_group": record.staff_group, "course": record.course,
                        "completed": record.completed, "total": record.total,
                        "recorded_on": record.recorded_on})
    return record


def training_records(session: Session) -> list[TrainingRecord]:
    return list(session.scalars(
        select(TrainingRecord).order_by(TrainingRecord.recorded_on.desc(), TrainingRecord.id.desc())
    ))


def latest_training(records: list[TrainingRecord]) -> list[TrainingRecord]:
    """The newest count for each group and course: what the Cabinet pack reports."""
    latest: dict[tuple[str, str], TrainingRecord] = {}
    for record in records:
        key = (record.staff_group, record.course.lower())
        if key not in latest or (record.recorded_on, record.id) > (latest[key].recorded_on,
                                                                    latest[key].id):
            latest[key] = record
    return sorted(latest.values(), key=lambda r: (r.staff_group, r.course.lower()))


# --- referrals ------------------------------------------------------------------------------


@dataclass
class ReferralDetails:
    referred_on: date
    referral_type: str
    service_area: str
    outcome: str = ""
    notes: str = ""
    # What the referral concerns, if it concerns a supplier or one of its contracts.
    supplier_id: int | None = None
    contract_id: int | None = None


def _checked_referral(session: Session, details: ReferralDetails, today: date) -> dict:
    """The referral's columns from `details`, or InvalidField naming the field to correct.
    A contract chosen without a supplier links the contract's supplier too, so the supplier's
    page lists it."""
    if details.referral_type not in {t.value for t in ReferralType}:
        raise InvalidField("referral_type", "Select the type of referral")
    service_area = details.service_area.strip()
    if not service_area:
        raise InvalidField("service_area", "Enter the service area that made the referral")
    problem = check_referral_date(details.referred_on, today)
    if problem:
        raise InvalidField("referred_on", problem)
    supplier_id = details.supplier_id
    if supplier_id is not None and session.get(Supplier, supplier_id) is None:
        raise InvalidField("supplier_id", "Select a supplier from the list")
    if details.contract_id is not None:
        contract = session.get(Contract, details.contract_id)
        if contract is None:
            raise InvalidField("contract_id", "Select a contract from the list")
        if supplier_id is None:
            supplier_id = contract.supplier_id
        elif contract.supplier_id != supplier_id:
            raise InvalidField("contract_id", "That contract is not held by the supplier "
                                              "selected: select one of its contracts, or "
                                              "no supplier")
    return {"referred_on": details.referred_on, "referral_type": details.referral_type,
            "service_area": service_area[:200], "outcome": details.outcome.strip(),
            "notes": details.notes.strip(), "supplier_id": supplier_id,
            "contract_id": details.contract_id}


def add_referral(
    session: Session, details: ReferralDetails, user: User | None, now: datetime,
    actor: audit.Actor | None = None,
) -> Referral:
    referral = Referral(**_checked_referral(session, details, now.date()), recorded_by=user,
                        created_at=now)
    session.add(referral)
    session.flush()
    # The audit entry says a referral was logged, never what it says: the log is readable by
    # more people than the referral is.
    audit.record(session, "referral.created", actor or audit.Actor.of(user), now,
                 object_type="referral", object_id=referral.id,
                 details={"referral_type": referral.referral_type})
    return referral


# Kept in the audit entry as they were and became. The outcome and notes are free text that a
# correction may be removing (a name that should never have been written), so the entry says
# only that they changed: copying them into the audit log would keep what was taken out.
_AUDITED_REFERRAL_FIELDS = ("referred_on", "referral_type", "service_area", "supplier_id",
                            "contract_id")
_UNQUOTED_REFERRAL_FIELDS = ("outcome", "notes")


def update_referral(
    session: Session, referral: Referral, details: ReferralDetails, user: User | None,
    now: datetime, actor: audit.Actor | None = None,
) -> list[str]:
    """Correct a referral; returns the names of the fields that changed (none: nothing is
    written or audited)."""
    values = _checked_referral(session, details, now.date())
    changed = [name for name, value in values.items() if getattr(referral, name) != value]
    if not changed:
        return []
    before = {name: getattr(referral, name) for name in _AUDITED_REFERRAL_FIELDS
              if name in changed}
    for name in changed:
        setattr(referral, name, values[name])
    session.flush()
    audit.record(session, "referral.corrected", audit.actor_or(actor, user), now,
                 object_type="referral", object_id=referral.id, before=before,
                 after={name: values[name] for name in before},
                 details={"text_changed": [name for name in _UNQUOTED_REFERRAL_FIELDS
                                           if name in changed]})
    return changed


def referrals_about_supplier(session: Session, supplier_id: int) -> list[Referral]:
    """Referrals linked to the supplier or to one of its contracts, newest first."""
    held = select(Contract.id).where(Contract.supplier_id == supplier_id)
    return list(session.scalars(
        select(Referral).options(selectinload(Referral.contract))
        .where(or_(Referral.supplier_id == supplier_id, Referral.contract_id.in_(held)))
        .order_by(Referral.referred_on.desc(), Referral.id.desc())
    ))


def referrals_page(session: Session, page: int, per_page: int) -> tuple[list[Referral], int]:
    total = session.scalar(select(func.count(Referral.id)))
    rows = session.scalars(
        select(Referral).options(selectinload(Referral.recorded_by),
                                 selectinload(Referral.supplier), selectinload(Referral.contract))
        .order_by(Referral.referred_on.desc(), Referral.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(rows), total


def financial_year(day: date) -> str:
    """UK local government years run April to March: 5 May 2024 is in 2024/25."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{str(start + 1)[-2:]}"


@dataclass(frozen=True)
class ReferralCounts:
    years: list[str]  # newest first
    by_year_and_type: dict[tuple[str, str], int]
    by_type: dict[str, int]
    total: int


def referral_counts(session: Session) -> ReferralCounts:
    """Counts only, by financial year and type: what people without safeguarding access see."""
    rows = session.execute(select(Referral.referred_on, Referral.referral_type)).all()
    by_year_and_type = Counter((financial_year(day), kind) for day, kind in rows)
    by_type = Counter(kind for _day, kind in rows)
    years = sorted({year for year, _kind in by_year_and_type}, reverse=True)
    return ReferralCounts(years, dict(by_year_and_type), dict(by_type), len(rows))


@dataclass(frozen=True)
class PurgeResult:
    deleted: int
    cutoff: date
    retention_days: int


def purge_expired_referrals(
    session: Session, now: datetime, retention_days: int | None = None,
    actor: audit.Actor | None = None,
) -> PurgeResult:
    """Delete referrals dated before the retention cut-off, and audit the deletion.

    `retention_days` defaults to the configured SUPPLIER_DD_REFERRAL_RETENTION_DAYS. The audit
    entry records how many were deleted and the cut-off, not their content (which is gone).
    """
    if retention_days is None:
        retention_days = _configured_retention_days()
    cutoff = referral_retention_cutoff(now, retention_days)
    expired = select(Referral.id).where(Referral.referred_on < cutoff)
    ids = list(session.scalars(expired))
    if ids:
        session.execute(delete(Referral).where(Referral.id.in_(ids)))
    audit.record(
        session, "referrals.purged", actor or audit.SYSTEM, now, object_type="referral",
        details={"deleted": len(ids), "cutoff": cutoff.isoformat(),
                 "retention_days": retention_days},
    )
    session.flush()
    return PurgeResult(len(ids), cutoff, retention_days)


def _configured_retention_days() -> int:
    from flask import current_app

    return current_app.config["SUPPLIER_DD_SETTINGS"].referral_retention_days


# --- Charter evidence -----------------------------------------------------------------------


@dataclass
class EvidenceDetails:
    commitment: int
    evidenced_on: date
    description: str
    tender_id: int | None = None
    contract_id: int | None = None


def add_charter_evidence(
    session: Session, details: EvidenceDetails, user: User | None, now: datetime,
    actor: audit.Actor | None = None,
) -> CharterEvidence:
    if details.commitment not in COMMITMENT_NUMBERS:
        raise InvalidField("commitment", "Select the Charter commitment this evidences")
    description = details.description.strip()
    if not description:
        raise InvalidField("description", "Describe what was done")
    if details.evidenced_on > now.date():
        raise InvalidField("evidenced_on", "The date must be today or in the past: evidence "
                                           "is something already done")
    if details.tender_id is not None and session.get(Tender, details.tender_id) is None:
        raise InvalidField("tender_id", "Select a tender from the list")
    if details.contract_id is not None and session.get(Contract, details.contract_id) is None:
        raise InvalidField("contract_id", "Select a contract from the list")
    item = CharterEvidence(
        commitment=details.commitment, evidenced_on=details.evidenced_on,
        description=description, tender_id=details.tender_id, contract_id=details.contract_id,
        recorded_by=user, created_at=now,
    )
    session.add(item)
    session.flush()
    audit.record(session, "charter_evidence.recorded", audit.actor_or(actor, user), now,
                 object_type="charter_evidence", object_id=item.id,
                 after={"commitment": item.commitment, "evidenced_on": item.evidenced_on,
                        "description": item.description, "tender_id": item.tender_id,
                        "contract_id": item.contract_id})
    return item


def charter_evidence(session: Session, commitment: int | None = None) -> list[CharterEvidence]:
    statement = select(CharterEvidence).options(
        selectinload(CharterEvidence.tender), selectinload(CharterEvidence.contract),
        selectinload(CharterEvidence.recorded_by),
    ).order_by(CharterEvidence.evidenced_on.desc(), CharterEvidence.id.desc())
    if commitment is not None:
        statement = statement.where(CharterEvidence.commitment == commitment)
    return list(session.scalars(statement))


def charter_status(session: Session, today: date) -> list[CommitmentStatus]:
    rows = session.execute(select(CharterEvidence.commitment, CharterEvidence.evidenced_on)).all()
    return charter_statuses([Evidence(number, day) for number, day in rows], today)
