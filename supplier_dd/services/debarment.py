"""The council's debarment list (issue 16): a CSV of names and company numbers, checked against
every supplier when it is imported and against a supplier at each declaration request.

Columns (a header row, case-insensitive): `name` (required), `company_number` (optional),
`schedule` (6 or 7: the ground the listing rests on), `listed_on` and `expires_on` (optional,
YYYY-MM-DD). An entry counts until it expires. A supplier matches an entry by Companies House
number, or by normalised name when either has no number. Every check is kept (matched or not)
for the Cabinet pack's counts.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from supplier_dd.domain.organisations import normalise_company_number
from supplier_dd.models import Supplier
from supplier_dd.models.exclusion import DebarmentCheck, DebarmentEntry
from supplier_dd.services import audit
from supplier_dd.services.suppliers import normalise_name

CONTEXT_IMPORT = "import"
CONTEXT_REQUEST = "request"


@dataclass
class ImportResult:
    entries: int = 0
    checked: int = 0
    matched: int = 0
    already_listed: int = 0
    errors: list[str] = field(default_factory=list)


def _date(text: str, row: int, column: str, errors: list[str]) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append(f"Row {row}: {column} must be a date like 2026-03-27")
        return None


def parse(text: str) -> tuple[list[DebarmentEntry], list[str]]:
    """Entries and the row errors (nothing is imported while any row is wrong)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    reader.fieldnames = [(name or "").strip().lower() for name in reader.fieldnames or []]
    if "name" not in reader.fieldnames or "schedule" not in reader.fieldnames:
        return [], ["The file needs a header row with at least the columns name and schedule"]
    entries, errors = [], []
    for row_number, row in enumerate(reader, start=2):
        name = (row.get("name") or "").strip()
        if not name:
            errors.append(f"Row {row_number}: enter the name")
            continue
        number = None
        if (row.get("company_number") or "").strip():
            try:
                number = normalise_company_number(row["company_number"])
            except ValueError as error:
                errors.append(f"Row {row_number}: {error}")
        schedule = (row.get("schedule") or "").strip()
        if schedule not in ("6", "7"):
            errors.append(f"Row {row_number}: schedule must be 6 (mandatory) or 7 "
                          "(discretionary)")
            continue
        entries.append(DebarmentEntry(
            name=name[:300], normalised_name=normalise_name(name)[:300], company_number=number,
            schedule=int(schedule),
            listed_on=_date(row.get("listed_on"), row_number, "listed_on", errors),
            expires_on=_date(row.get("expires_on"), row_number, "expires_on", errors),
        ))
    if not entries and not errors:
        errors.append("The file has no entries under its header row")
    return entries, errors


def _match(session: Session, supplier: Supplier, today: date) -> DebarmentEntry | None:
    by_number = (DebarmentEntry.company_number == supplier.companies_house_number
                 if supplier.companies_house_number else None)
    by_name = DebarmentEntry.normalised_name == supplier.normalised_name
    condition = or_(by_number, by_name) if by_number is not None else by_name
    return session.scalar(
        select(DebarmentEntry)
        .where(condition, or_(DebarmentEntry.expires_on.is_(None),
                              DebarmentEntry.expires_on >= today))
        .order_by(DebarmentEntry.schedule, DebarmentEntry.id).limit(1)
    )


def check_supplier(session: Session, supplier: Supplier, context: str,
                   now: datetime) -> DebarmentCheck:
    entry = _match(session, supplier, now.date())
    check = DebarmentCheck(supplier_id=supplier.id, checked_at=now, matched=entry is not None,
                           entry_id=entry.id if entry else None, context=context)
    session.add(check)
    return check


def import_list(session: Session, text: str, now: datetime, actor: audit.Actor, *,
                batch_id: int | None = None) -> ImportResult:
    """Add the file's entries and check every supplier against the list (audited
    `debarment.imported`). Nothing is added when any row is wrong."""
    parsed, errors = parse(text)
    if errors:
        return ImportResult(errors=errors)
    # Importing the same list again adds nothing twice.
    known = {_entry_key(entry) for entry in session.scalars(select(DebarmentEntry))}
    new_entries = []
    for entry in parsed:
        if _entry_key(entry) not in known:
            known.add(_entry_key(entry))
            entry.import_batch_id = batch_id
            new_entries.append(entry)
    session.add_all(new_entries)
    session.flush()
    result = ImportResult(entries=len(new_entries), already_listed=len(parsed) - len(new_entries))
    for supplier in session.scalars(select(Supplier).order_by(Supplier.id)):
        check = check_supplier(session, supplier, CONTEXT_IMPORT, now)
        result.checked += 1
        result.matched += check.matched
    audit.record(session, "debarment.imported", actor, now, object_type="debarment_list",
                 after={"entries": result.entries, "already_listed": result.already_listed,
                        "checked": result.checked, "matched": result.matched})
    return result


def _entry_key(entry: DebarmentEntry) -> tuple:
    return (entry.normalised_name, entry.company_number, entry.schedule, entry.listed_on,
            entry.expires_on)


def entries(session: Session) -> list[DebarmentEntry]:
    """The list as it stands, in name order."""
    return list(session.scalars(
        select(DebarmentEntry).order_by(DebarmentEntry.normalised_name, DebarmentEntry.id)))


def suppliers_on_the_list(session: Session) -> list[tuple[Supplier, DebarmentCheck]]:
    """Suppliers whose latest check found them on the list, with that check."""
    found = []
    for supplier in session.scalars(
        select(Supplier).where(Supplier.id.in_(
            select(DebarmentCheck.supplier_id).where(DebarmentCheck.matched.is_(True))))
        .order_by(Supplier.name)
    ):
        check = latest_check(session, supplier.id)
        if check is not None and check.matched:
            found.append((supplier, check))
    return found


def latest_check(session: Session, supplier_id: int) -> DebarmentCheck | None:
    return session.scalar(
        select(DebarmentCheck).where(DebarmentCheck.supplier_id == supplier_id)
        .order_by(DebarmentCheck.checked_at.desc(), DebarmentCheck.id.desc()).limit(1)
    )
