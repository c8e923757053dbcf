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

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from supplier_dd.domain.columns import HEADER_SEARCH_ROWS, MissingColumnsError, find_header_row
from supplier_dd.domain.contracts_register import RowProblem
from supplier_dd.domain.statement_registry import (
    REGISTRY_COLUMNS,
    RegisteredStatement,
    VerifiedFact,
    organisation_key,
    parse_registry_row,
    verified_facts,
)
from supplier_dd.models import RegistryStatement, Supplier
from supplier_dd.services.contract_import import ImportFileError
from supplier_dd.services.registry_lookup import (  # noqa: F401 - named here for callers
    AREA_COLUMNS,
    MATCHED_BY_NAME,
    MATCHED_BY_NUMBER,
    registry_facts_for,
    registry_facts_for_suppliers,
)
from supplier_dd.services.suppliers import normalise_name

CHUNK_ROWS = 500
PROGRESS_EVERY = 5_000
LISTED_LIMIT = 200

_AREA_COLUMNS = AREA_COLUMNS
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
