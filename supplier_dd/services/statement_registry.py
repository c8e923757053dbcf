"""The Home Office statement registry: importing its yearly CSV, and reading it per supplier.

Unlike the council's own register, the registry file is not the council's to fix, so a row
that cannot be read is skipped with its reason rather than stopping the import. Statements are
upserted by (registry year, organisation), so importing the same file twice changes nothing.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import func, insert, or_, select, update
from sqlalchemy.orm import Session

from supplier_dd.domain.columns import HEADER_SEARCH_ROWS, MissingColumnsError, find_header_row
from supplier_dd.domain.contracts_register import RowProblem
from supplier_dd.domain.statement_registry import (
    REGISTRY_COLUMNS,
    STATEMENT_AREAS,
    RegisteredStatement,
    RegistryFacts,
    VerifiedFact,
    organisation_key,
    parse_registry_row,
    registry_facts,
    verified_facts,
)
from supplier_dd.models import RegistryStatement, Supplier
from supplier_dd.services.contract_import import ImportFileError
from supplier_dd.services.suppliers import normalise_name

CHUNK_ROWS = 500
PROGRESS_EVERY = 5_000
LISTED_LIMIT = 200
MATCHED_BY_NUMBER = "company number"
MATCHED_BY_NAME = "name"

_AREA_COLUMNS = {key: f"includes_{key}" for key, _label, _column in STATEMENT_AREAS}
_STORED_FIELDS = ("organisation_name", "normalised_name", "company_number", "statement_url",
                  "summary_url", "start_date", "end_date", "approved_on", "turnover_band",
                  "sectors", "group_submission", "parent_name", "last_updated",
                  *_AREA_COLUMNS.values())

Progress = Callable[[int], None]


@dataclass
class RegistryImportSummary:
    rows: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_rows: list[dict] = field(default_factory=list)
    years: dict[str, int] = field(default_factory=dict)
    suppliers_matched: int = 0
    notices: list[str] = field(default_factory=list)
    imported: bool = False

    @property
    def can_import(self) -> bool:
        return self.to_create + self.to_update + self.unchanged > 0

    def skip(self, problem: RowProblem) -> None:
        self.skipped += 1
        if len(self.skipped_rows) < LISTED_LIMIT:
            self.skipped_rows.append({"row": problem.row_number, "name": problem.reference,
                                      "message": problem.message})

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> RegistryImportSummary:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


def _stored_values(statement: RegisteredStatement) -> dict:
    values = {
        "organisation_name": statement.organisation_name,
        "normalised_name": normalise_name(statement.organisation_name)[:300],
        "company_number": statement.company_number,
        "statement_url": statement.statement_url,
        "summary_url": statement.summary_url,
        "start_date": statement.start_date,
        "end_date": statement.end_date,
        "approved_on": statement.approved_on,
        "turnover_band": statement.turnover_band,
        "sectors": "\n".join(statement.sectors),
        "group_submission": statement.group_submission,
        "parent_name": statement.parent_name,
        "last_updated": statement.last_updated,
    }
    for key, column in _AREA_COLUMNS.items():
        values[column] = key in statement.areas
    return values


def _run(session: Session, rows: Iterable[tuple[int, list]], *, apply: bool,
         batch_id: int | None, progress: Progress | None,
         now: datetime | None) -> RegistryImportSummary:
    summary = RegistryImportSummary()
    source = iter(rows)
    opening = list(itertools.islice(source, HEADER_SEARCH_ROWS))
    try:
        header = find_header_row(opening, REGISTRY_COLUMNS)
    except MissingColumnsError as error:
        raise ImportFileError(
            f"{error} Upload a StatementSummaries CSV file downloaded from the statement registry."
        ) from None
    summary.notices = header.notices()
    remaining = itertools.chain(
        (item for item in opening if item[0] > header.header_row_number), source
    )
    supplier_numbers, supplier_names = set(), set()
    for number, normalised in session.execute(
        select(Supplier.companies_house_number, Supplier.normalised_name)
    ):
        if number:
            supplier_numbers.add(number)
        supplier_names.add(normalised)
    matched_keys: set[str] = set()
    seen: dict[tuple[int, str], int] = {}
    chunk: list[tuple[str, RegisteredStatement]] = []

    for row_number, values in remaining:
        parsed = parse_registry_row(row_number, values, header, normalise_name)
        if parsed is None:
            continue
        summary.rows += 1
        if progress and summary.rows % PROGRESS_EVERY == 0:
            progress(summary.rows)
        if isinstance(parsed, RowProblem):
            summary.skip(parsed)
            continue
        normalised = normalise_name(parsed.organisation_name)
        key = organisation_key(parsed.company_number, normalised)[:320]
        first_row = seen.get((parsed.statement_year, key))
        if first_row is not None:
            # Group submissions can list an organisation twice in a year; the first is kept.
            summary.skip(RowProblem(row_number, parsed.organisation_name, (
                f"the same organisation is already on row {first_row} for "
                f"{parsed.statement_year}",
            ), what=""))
            continue
        seen[(parsed.statement_year, key)] = row_number
        year = str(parsed.statement_year)
        summary.years[year] = summary.years.get(year, 0) + 1
        if parsed.company_number in supplier_numbers or normalised in supplier_names:
            matched_keys.add(parsed.company_number or normalised)
        chunk.append((key, parsed))
        if len(chunk) >= CHUNK_ROWS:
            _apply_chunk(session, chunk, summary, apply, batch_id, now)
            chunk.clear()
    _apply_chunk(session, chunk, summary, apply, batch_id, now)
    summary.suppliers_matched = len(matched_keys)
    if summary.skipped:
        summary.notices.append(
            f"{summary.skipped} rows could not be read and are skipped; the rest can be imported."
        )
    if progress:
        progress(summary.rows)
    return summary


def _apply_chunk(session: Session, chunk: Sequence[tuple[str, RegisteredStatement]],
                 summary: RegistryImportSummary, apply: bool, batch_id: int | None,
                 now: datetime | None) -> None:
    if not chunk:
        return
    keys = {key for key, _statement in chunk}
    columns = [getattr(RegistryStatement, name) for name in _STORED_FIELDS]
    existing = {
        (row.statement_year, row.organisation_key): row
        for row in session.execute(
            select(RegistryStatement.id, RegistryStatement.statement_year,
                   RegistryStatement.organisation_key, *columns)
            .where(RegistryStatement.organisation_key.in_(keys))
        )
    }
    inserts, updates = [], []
    for key, statement in chunk:
        values = _stored_values(statement)
        current = existing.get((statement.statement_year, key))
        if current is None:
            summary.to_create += 1
            inserts.append({"statement_year": statement.statement_year, "organisation_key": key,
                            "import_batch_id": batch_id, "imported_at": now, **values})
        elif any(getattr(current, name) != values[name] for name in _STORED_FIELDS):
            summary.to_update += 1
            updates.append({"id": current.id, "import_batch_id": batch_id, "imported_at": now,
                            **values})
        else:
            summary.unchanged += 1
    if apply:
        if inserts:
            session.execute(insert(RegistryStatement), inserts)
        if updates:
            session.execute(update(RegistryStatement), updates)


def preview_registry(session: Session, rows: Iterable[tuple[int, list]], *,
                     progress: Progress | None = None) -> RegistryImportSummary:
    return _run(session, rows, apply=False, batch_id=None, progress=progress, now=None)


def import_registry(session: Session, rows: Iterable[tuple[int, list]], *, now: datetime,
                    batch_id: int | None = None,
                    progress: Progress | None = None) -> RegistryImportSummary:
    summary = _run(session, rows, apply=True, batch_id=batch_id, progress=progress, now=now)
    if not summary.can_import:
        raise ImportFileError(
            "The file has no statements that could be read, so nothing was imported."
        )
    session.flush()
    summary.imported = True
    return summary


# --- reading the registry for suppliers -----------------------------------------------------

def _as_domain(row: RegistryStatement) -> RegisteredStatement:
    return RegisteredStatement(
        row_number=0,
        statement_year=row.statement_year,
        organisation_name=row.organisation_name,
        company_number=row.company_number,
        statement_url=row.statement_url,
        summary_url=row.summary_url,
        start_date=row.start_date,
        end_date=row.end_date,
        approved_on=row.approved_on,
        areas=frozenset(key for key, column in _AREA_COLUMNS.items() if getattr(row, column)),
        turnover_band=row.turnover_band,
        sectors=tuple(line for line in (row.sectors or "").splitlines() if line),
        group_submission=row.group_submission,
        parent_name=row.parent_name,
        last_updated=row.last_updated,
    )


def registry_facts_for_suppliers(
    session: Session, suppliers: Sequence[Supplier], today: date
) -> dict[int, RegistryFacts]:
    """Registry facts for many suppliers in two queries (for pages, scoring and KPIs).

    A supplier matches statements under its company number. Failing that, statements with no
    company number (or any, when the supplier has none) match by normalised name, but only if
    no other supplier shares that name: a shared name is not evidence about either of them.
    """
    if not suppliers:
        return {}
    numbers = {s.companies_house_number for s in suppliers if s.companies_house_number}
    names = {s.normalised_name for s in suppliers}
    shared_names = set(session.scalars(
        select(Supplier.normalised_name)
        .where(Supplier.normalised_name.in_(names))
        .group_by(Supplier.normalised_name)
        .having(func.count(Supplier.id) > 1)
    ))
    by_number: dict[str, list[RegisteredStatement]] = {}
    by_name: dict[str, list[tuple[str | None, RegisteredStatement]]] = {}
    clauses = []
    if numbers:
        clauses.append(RegistryStatement.company_number.in_(numbers))
    if names - shared_names:
        clauses.append(RegistryStatement.normalised_name.in_(names - shared_names))
    if clauses:
        for row in session.scalars(select(RegistryStatement).where(or_(*clauses))):
            statement = _as_domain(row)
            if row.company_number in numbers:
                by_number.setdefault(row.company_number, []).append(statement)
            by_name.setdefault(row.normalised_name, []).append((row.company_number, statement))
    facts: dict[int, RegistryFacts] = {}
    for supplier in suppliers:
        number = supplier.companies_house_number
        if number and number in by_number:
            facts[supplier.id] = registry_facts(by_number[number], MATCHED_BY_NUMBER, today)
            continue
        candidates = []
        if supplier.normalised_name not in shared_names:
            candidates = [
                statement for statement_number, statement in by_name.get(
                    supplier.normalised_name, ())
                if statement_number is None or number is None
            ]
        facts[supplier.id] = registry_facts(candidates, MATCHED_BY_NAME, today)
    return facts


def registry_facts_for(session: Session, supplier: Supplier, today: date) -> RegistryFacts:
    """What the registry says about one supplier (officer page, declaration checks)."""
    return registry_facts_for_suppliers(session, [supplier], today)[supplier.id]


def verified_registry_facts(
    session: Session, supplier: Supplier, today: date
) -> dict[str, VerifiedFact]:
    """Facts about a supplier verified against the registry, for scoring and KPIs.

    Keys: statement_registered, statement_current, statement_year, statement_url,
    statement_approved_on, statement_period_end, statement_areas, statement_covers_all_areas,
    and, when the registry states a turnover band, turnover_band and
    relevant_commercial_organisation. Empty when no statement is registered.
    """
    return verified_facts(registry_facts_for(session, supplier, today))
