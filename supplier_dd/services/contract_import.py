"""Importing a council's contracts register: a preview, then an all-or-nothing import.

Both run the same pass over the file, so what the preview promises is what the import does.
Rows are handled in chunks (one query for the chunk's existing contracts, one bulk insert, one
bulk update), which keeps 100,000 rows fast and memory flat; only per-supplier decisions and
the set of references already seen grow with the file.

Suppliers are matched by Companies House number, then by normalised name. When a name could be
more than one supplier, the row waits for a person to choose: it is never guessed. Suppliers
that match nothing are created, and the preview says so.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from supplier_dd.domain.columns import HEADER_SEARCH_ROWS, MissingColumnsError, find_header_row
from supplier_dd.domain.contracts_register import (
    REGISTER_COLUMNS,
    RegisterRow,
    RowProblem,
    parse_register_row,
)
from supplier_dd.domain.ppn import industry_label
from supplier_dd.models import Contract, Supplier
from supplier_dd.models.tenancy import ALL_COUNCILS, council_for_insert, link_suppliers
from supplier_dd.services import ServiceError
from supplier_dd.services.risk import rescore_suppliers
from supplier_dd.services.suppliers import normalise_name

CHUNK_ROWS = 500
PROGRESS_EVERY = 5_000
# A summary lists this many rejected rows, new suppliers and so on in full, then counts the rest.
LISTED_LIMIT = 200
NEW_SUPPLIER = "new"
CONTRACT_FIELDS = ("title", "category", "cpv_code", "value", "start_date", "end_date",
                   "supplier_id", "ppn_industry", "ppn_high_risk")

Progress = Callable[[int], None]


class ImportFileError(ServiceError):
    """The file as a whole cannot be imported (unreadable, or required columns missing)."""


class ImportRefused(ServiceError):
    """The import found problems, so nothing was imported. `summary` lists them."""

    def __init__(self, summary: ContractImportSummary):
        self.summary = summary
        super().__init__(summary.refusal_message())


@dataclass
class ContractImportSummary:
    rows: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    rejected: int = 0
    waiting_for_supplier: int = 0
    high_risk: int = 0
    new_supplier_count: int = 0
    rejections: list[dict] = field(default_factory=list)
    new_suppliers: list[dict] = field(default_factory=list)
    ambiguous: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    industries: dict[str, int] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    imported: bool = False
    # Suppliers whose contracts the import changed, scored again (their inherent risk reads
    # their contracts' industry and total value).
    rescored: int = 0

    @property
    def unresolved(self) -> list[dict]:
        return [item for item in self.ambiguous if not item.get("resolution")]

    @property
    def can_import(self) -> bool:
        return self.rejected == 0 and self.waiting_for_supplier == 0 and self.rows > 0

    @property
    def industry_rows(self) -> list[tuple[str, int]]:
        return sorted(((industry_label(k), n) for k, n in self.industries.items()),
                      key=lambda item: -item[1])

    def reject(self, problem: RowProblem) -> None:
        self.rejected += 1
        if len(self.rejections) < LISTED_LIMIT:
            self.rejections.append({"row": problem.row_number, "reference": problem.reference,
                                    "reasons": list(problem.reasons),
                                    "message": problem.message})

    def refusal_message(self) -> str:
        if self.rows == 0:
            return "The file has no contracts in it below the header row. Nothing was imported."
        parts = []
        if self.rejected:
            first = self.rejections[0]["message"] if self.rejections else ""
            plural = "row has a problem" if self.rejected == 1 else "rows have problems"
            parts.append(f"{self.rejected} {plural}. {first}")
        if self.waiting_for_supplier:
            names = ", ".join(f"'{item['name']}'" for item in self.unresolved[:5])
            parts.append(
                f"{self.waiting_for_supplier} rows need you to choose their supplier ({names})"
            )
        return "Nothing was imported: " + "; ".join(parts)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> ContractImportSummary:
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)


@dataclass(frozen=True)
class _SupplierRef:
    id: int
    name: str
    company_number: str | None


_AMBIGUOUS = object()


def supplier_key(company_number: str | None, supplier_name: str) -> str:
    """Identifies 'this supplier as the file names it', for decisions and resolutions."""
    return f"{company_number or ''}|{normalise_name(supplier_name)}"


class _SupplierMatcher:
    """Decides each distinct supplier in the file once, and remembers the decision."""

    def __init__(self, session: Session, summary: ContractImportSummary,
                 resolutions: Mapping[str, str], now: datetime | None):
        self.session = session
        self.summary = summary
        self.resolutions = resolutions
        self.now = now
        self.by_number: dict[str, _SupplierRef] = {}
        self.by_name: dict[str, list[_SupplierRef]] = defaultdict(list)
        columns = (Supplier.id, Supplier.name, Supplier.normalised_name,
                   Supplier.companies_house_number)
        for supplier_id, name, normalised, number in session.execute(select(*columns)):
            self._remember(_SupplierRef(supplier_id, name, number), normalised)
        # A Companies House number names one organisation whichever council met it first, so
        # a partner's supplier is matched by number (the one shared record, issue 17); by name
        # only the council's own suppliers are, so no partner's supplier list shows in a preview.
        for supplier_id, name, _normalised, number in session.execute(
                select(*columns).where(Supplier.companies_house_number.is_not(None))
                .execution_options(**{ALL_COUNCILS: True})):
            self.by_number.setdefault(number, _SupplierRef(supplier_id, name, number))
        self.decided: dict[str, object] = {}
        # New suppliers get a negative placeholder id at once, and their real id when the chunk
        # is written: one flush per chunk rather than one per supplier.
        self._placeholders = itertools.count(-1, -1)
        self._unsaved: dict[int, Supplier] = {}
        self._real_ids: dict[int, int] = {}
        self._names: dict[str, str] = {}

    def normalised(self, name: str) -> str:
        if name not in self._names:
            self._names[name] = normalise_name(name)
        return self._names[name]

    def save_new_suppliers(self) -> None:
        if self._unsaved:
            self.session.flush()
            self._real_ids.update({ph: s.id for ph, s in self._unsaved.items()})
            self._unsaved.clear()

    def real_id(self, supplier_id: int) -> int:
        return self._real_ids.get(supplier_id, supplier_id)

    def _remember(self, ref: _SupplierRef, normalised: str) -> None:
        if ref.company_number:
            self.by_number[ref.company_number] = ref
        self.by_name[normalised].append(ref)

    def supplier_id_for(self, row: RegisterRow, writing: bool):
        """The supplier id for a row, or _AMBIGUOUS while a person has not chosen."""
        key = f"{row.company_number or ''}|{self.normalised(row.supplier_name)}"
        if key not in self.decided:
            self.decided[key] = self._decide(key, row, writing)
        decision = self.decided[key]
        if decision is _AMBIGUOUS:
            self._note_waiting_row(key, row)
        return decision

    def _decide(self, key: str, row: RegisterRow, writing: bool):
        number = row.company_number
        if number and number in self.by_number:
            return self.by_number[number].id
        normalised = self.normalised(row.supplier_name)
        candidates = list(self.by_name.get(normalised, ()))
        if number:
            # The same name under a different company number is another company or a typo in
            # the register; only a person can tell which.
            if len(candidates) == 1 and candidates[0].company_number is None:
                return candidates[0].id
            if candidates:
                return self._ambiguous(
                    key, row, candidates, writing,
                    f"The file gives Companies House number {number}, which no supplier has, "
                    "but suppliers with this name are already recorded.",
                )
        elif len(candidates) > 1:
            return self._ambiguous(key, row, candidates, writing,
                                   f"{len(candidates)} suppliers have this name.")
        elif len(candidates) == 1:
            return candidates[0].id
        return self._create(row, normalised, writing)

    def _ambiguous(self, key: str, row: RegisterRow, candidates: list[_SupplierRef],
                   writing: bool, reason: str):
        choice = self.resolutions.get(key)
        listed = [{"id": c.id, "name": c.name, "company_number": c.company_number}
                  for c in candidates if c.id > 0]
        entry = {"key": key, "name": row.supplier_name, "company_number": row.company_number,
                 "reason": reason, "candidates": listed, "rows": [], "contracts": 0,
                 "resolution": None}
        if choice == NEW_SUPPLIER:
            entry["resolution"] = NEW_SUPPLIER
            self._list_ambiguous(entry)
            return self._create(row, self.normalised(row.supplier_name), writing)
        if choice and choice.isdigit() and int(choice) in {c["id"] for c in listed}:
            entry["resolution"] = choice
            self._list_ambiguous(entry)
            return int(choice)
        self._list_ambiguous(entry)
        return _AMBIGUOUS

    def _list_ambiguous(self, entry: dict) -> None:
        if len(self.summary.ambiguous) < LISTED_LIMIT:
            self.summary.ambiguous.append(entry)

    def _note_waiting_row(self, key: str, row: RegisterRow) -> None:
        self.summary.waiting_for_supplier += 1
        for entry in self.summary.ambiguous:
            if entry["key"] == key:
                entry["contracts"] += 1
                if len(entry["rows"]) < 10:
                    entry["rows"].append(row.row_number)
                break

    def _create(self, row: RegisterRow, normalised: str, writing: bool):
        number = row.company_number if row.company_number not in self.by_number else None
        supplier_id = next(self._placeholders)
        if writing:
            supplier = Supplier(name=row.supplier_name, normalised_name=normalised,
                                companies_house_number=number, country="GB")
            if self.now is not None:
                supplier.created_at = self.now
            self.session.add(supplier)
            self._unsaved[supplier_id] = supplier
        self._remember(_SupplierRef(supplier_id, row.supplier_name, number), normalised)
        self.summary.new_supplier_count += 1
        if len(self.summary.new_suppliers) < LISTED_LIMIT:
            self.summary.new_suppliers.append(
                {"name": row.supplier_name, "company_number": number, "first_row": row.row_number}
            )
        return supplier_id


def _run(session: Session, rows: Iterable[tuple[int, list]], *, apply: bool,
         resolutions: Mapping[str, str] | None, progress: Progress | None,
         now: datetime | None, affected: set[int] | None = None) -> ContractImportSummary:
    summary = ContractImportSummary()
    source = iter(rows)
    opening = list(itertools.islice(source, HEADER_SEARCH_ROWS))
    try:
        header = find_header_row(opening, REGISTER_COLUMNS)
    except MissingColumnsError as error:
        raise ImportFileError(str(error)) from None
    summary.notices = header.notices()
    remaining = itertools.chain(
        (item for item in opening if item[0] > header.header_row_number), source
    )
    matcher = _SupplierMatcher(session, summary, resolutions or {}, now)
    seen: dict[str, int] = {}
    state = {"writing": apply, "affected": affected if affected is not None else set()}
    chunk: list[RegisterRow] = []

    def flush_chunk() -> None:
        _apply_chunk(session, chunk, summary, matcher, state)
        chunk.clear()

    for row_number, values in remaining:
        parsed = parse_register_row(row_number, values, header)
        if parsed is None:
            continue
        summary.rows += 1
        if progress and summary.rows % PROGRESS_EVERY == 0:
            progress(summary.rows)
        if isinstance(parsed, RowProblem):
            summary.reject(parsed)
            state["writing"] = False
            if parsed.reference:  # once the row is fixed, a repeat of it is still a repeat
                seen.setdefault(parsed.reference, row_number)
            continue
        first_row = seen.get(parsed.reference)
        if first_row is not None:
            summary.reject(RowProblem(row_number, parsed.reference, (
                f"Contract reference {parsed.reference} is also on row {first_row}; "
                "each contract must appear once",
            )))
            state["writing"] = False
            continue
        seen[parsed.reference] = row_number
        chunk.append(parsed)
        if len(chunk) >= CHUNK_ROWS:
            flush_chunk()
    flush_chunk()
    if progress:
        progress(summary.rows)
    return summary


def _apply_chunk(session: Session, chunk: list[RegisterRow], summary: ContractImportSummary,
                 matcher: _SupplierMatcher, state: dict) -> None:
    if not chunk:
        return
    references = [row.reference for row in chunk]
    existing = {
        item.reference: item
        for item in session.execute(
            select(Contract.id, Contract.reference, *(getattr(Contract, f) for f in
                                                       CONTRACT_FIELDS))
            .where(Contract.reference.in_(references))
        )
    }
    inserts: list[dict] = []
    updates: list[dict] = []
    for row in chunk:
        supplier_id = matcher.supplier_id_for(row, state["writing"])
        if supplier_id is _AMBIGUOUS:
            state["writing"] = False
            continue
        values = {
            "title": row.title, "category": row.category, "cpv_code": row.cpv_code,
            "value": row.value, "start_date": row.start_date, "end_date": row.end_date,
            "supplier_id": supplier_id, "ppn_industry": row.ppn_industry,
            "ppn_high_risk": row.ppn_high_risk,
        }
        summary.industries[row.ppn_industry] = summary.industries.get(row.ppn_industry, 0) + 1
        if row.ppn_high_risk:
            summary.high_risk += 1
        current = existing.get(row.reference)
        if current is None:
            summary.to_create += 1
            inserts.append({"reference": row.reference, **values})
            continue
        # The query selected id, reference, then CONTRACT_FIELDS in order.
        stored = tuple(current)[2:]
        incoming = tuple(values[name] for name in CONTRACT_FIELDS)
        if stored == incoming:
            summary.unchanged += 1
            continue
        state["affected"].add(current.supplier_id)  # a contract moved away changes it too
        changed = [name for name, old, new in zip(CONTRACT_FIELDS, stored, incoming, strict=True)
                   if old != new]
        summary.to_update += 1
        updates.append({"id": current.id, **values})
        if len(summary.changes) < LISTED_LIMIT:
            summary.changes.append({"reference": row.reference, "row": row.row_number,
                                    "fields": changed})
    if state["writing"]:
        matcher.save_new_suppliers()
        for values in itertools.chain(inserts, updates):
            values["supplier_id"] = matcher.real_id(values["supplier_id"])
            state["affected"].add(values["supplier_id"])
        if inserts:
            council_id = council_for_insert(session)
            for values in inserts:
                values["council_id"] = council_id
            session.execute(insert(Contract), inserts)
            link_suppliers(session, {(council_id, values["supplier_id"]) for values in inserts
                                     if values["supplier_id"] is not None})
        if updates:
            session.execute(update(Contract), updates)


def preview_contracts(session: Session, rows: Iterable[tuple[int, list]], *,
                      resolutions: Mapping[str, str] | None = None,
                      progress: Progress | None = None) -> ContractImportSummary:
    """What importing would do, without changing anything."""
    return _run(session, rows, apply=False, resolutions=resolutions, progress=progress, now=None)


def import_contracts(session: Session, rows: Iterable[tuple[int, list]], *, now: datetime,
                     resolutions: Mapping[str, str] | None = None,
                     progress: Progress | None = None) -> ContractImportSummary:
    """Import every row or none: raises ImportRefused (the caller rolls back) on any problem.
    The suppliers whose contracts changed are scored again in the same transaction, so the
    dashboard never shows a score worked out from contracts that are no longer recorded."""
    affected: set[int] = set()
    summary = _run(session, rows, apply=True, resolutions=resolutions, progress=progress, now=now,
                   affected=affected)
    if not summary.can_import:
        raise ImportRefused(summary)
    session.flush()
    affected.discard(None)
    summary.rescored = rescore_suppliers(session, affected, now).done
    summary.imported = True
    return summary
