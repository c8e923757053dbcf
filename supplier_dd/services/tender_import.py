"""Importing a register of tenders into the same records officers create on the web.

Each row creates a tender (by its reference) or updates an open one through services.tenders,
so the rules, the audit entries and the reference check are those of the web form. A tender
that has closed or been awarded is left as it is and listed. Everything or nothing: on any
row's problem the caller rolls back (TenderImportRefused) and the summary lists every problem.
A register of tenders is hundreds of rows, not the contracts register's hundred thousand, so
rows go one at a time through the same functions as the form.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supplier_dd.domain import tenders as rules
from supplier_dd.domain.columns import HEADER_SEARCH_ROWS, MissingColumnsError, find_header_row
from supplier_dd.domain.contracts_register import RowProblem
from supplier_dd.domain.tender_register import TENDER_COLUMNS, TenderRow, parse_tender_row
from supplier_dd.models import Tender
from supplier_dd.services import InvalidField, ServiceError, audit
from supplier_dd.services.contract_import import LISTED_LIMIT, ImportFileError
from supplier_dd.services.reminders import local_date
from supplier_dd.services.tenders import (
    TenderDetails,
    create_tender,
    tender_snapshot,
    update_tender,
)

# The fields a register row sets, as tender_snapshot names them.
ROW_FIELDS = ("reference", "title", "description", "category", "cpv_code", "value",
              "procurement_route", "risk_tier", "closing_date", "lot")


@dataclass
class TenderImportSummary:
    rows: int = 0
    to_create: int = 0
    to_update: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: list[dict] = field(default_factory=list)
    # Tenders in the file that have closed or been awarded: never changed by an import.
    not_open: list[dict] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    imported: bool = False

    @property
    def can_import(self) -> bool:
        return self.rejected == 0 and self.to_create + self.to_update > 0

    def reject(self, problem: RowProblem) -> None:
        self.rejected += 1
        if len(self.rejections) < LISTED_LIMIT:
            self.rejections.append({"row": problem.row_number, "reference": problem.reference,
                                    "reasons": list(problem.reasons),
                                    "message": problem.message})

    def refusal_message(self) -> str:
        if self.rows == 0:
            return "The file has no tenders in it below the header row. Nothing was imported."
        if self.rejected:
            plural = "row has a problem" if self.rejected == 1 else "rows have problems"
            return (f"Nothing was imported: {self.rejected} {plural}. "
                    f"{self.rejections[0]['message'] if self.rejections else ''}")
        return "Nothing was imported: every tender in the file is already up to date."

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping) -> TenderImportSummary:
        return cls(**{name: data[name] for name in cls.__dataclass_fields__ if name in data})


class TenderImportRefused(ServiceError):
    """A row has a problem, so nothing was imported; `summary` lists every problem."""

    def __init__(self, summary: TenderImportSummary):
        self.summary = summary
        super().__init__(summary.refusal_message())


def _details(row: TenderRow, reference: str | None = None) -> TenderDetails:
    return TenderDetails(
        reference=reference or row.reference, title=row.title, description=row.description,
        category=row.category, cpv_code=row.cpv_code, value=row.value,
        procurement_route=row.procurement_route, risk_tier=row.risk_tier,
        closing_date=row.closing_date, lot=row.lot,
    )


def _existing(session: Session, reference: str) -> Tender | None:
    return session.scalar(select(Tender).where(func.lower(Tender.reference) == reference.lower()))


def _changed_fields(tender: Tender, row: TenderRow) -> list[str]:
    """What the row would change, compared as the form stores values (blank is None)."""
    stored = tender_snapshot(tender)
    incoming = {name: getattr(row, name) for name in ROW_FIELDS}
    return [name for name in ROW_FIELDS
            if (stored[name] or None) != (incoming[name] or None)
            and not (name == "reference" and stored[name].lower() == incoming[name].lower())]


def _one_row(session: Session, row: TenderRow, summary: TenderImportSummary, *, apply: bool,
             today: date, now: datetime | None, actor: audit.Actor | None) -> None:
    tender = _existing(session, row.reference)
    if tender is not None and tender.status != rules.TenderStatus.OPEN.value:
        summary.unchanged += 1
        if len(summary.not_open) < LISTED_LIMIT:
            summary.not_open.append({"row": row.row_number, "reference": tender.reference,
                                     "status": rules.TenderStatus(tender.status).label})
        return
    if tender is None:
        try:
            rules.check_closing_date(row.closing_date, today)
        except ValueError:
            summary.reject(RowProblem(row.row_number, row.reference, (
                f"The closing date {row.closing_date:%d/%m/%Y} has passed; a new tender must "
                "close today or later",), what="tender "))
            return
        summary.to_create += 1
        if apply:
            create_tender(session, _details(row), now, actor)
        return
    changed = _changed_fields(tender, row)
    if not changed:
        summary.unchanged += 1
        return
    summary.to_update += 1
    if len(summary.changes) < LISTED_LIMIT:
        summary.changes.append({"row": row.row_number, "reference": tender.reference,
                                "fields": changed})
    if apply:
        # References match whatever their case; the one recorded stays as it was written.
        update_tender(session, tender, _details(row, tender.reference), now, actor)


def _run(session: Session, rows: Iterable[tuple[int, list]], *, apply: bool, today: date,
         now: datetime | None = None, actor: audit.Actor | None = None) -> TenderImportSummary:
    summary = TenderImportSummary()
    source = iter(rows)
    opening = list(itertools.islice(source, HEADER_SEARCH_ROWS))
    try:
        header = find_header_row(opening, TENDER_COLUMNS)
    except MissingColumnsError as error:
        raise ImportFileError(str(error)) from None
    summary.notices = header.notices()
    seen: dict[str, int] = {}
    for row_number, values in itertools.chain(
        (item for item in opening if item[0] > header.header_row_number), source
    ):
        parsed = parse_tender_row(row_number, values, header)
        if parsed is None:
            continue
        summary.rows += 1
        if isinstance(parsed, RowProblem):
            summary.reject(parsed)
            apply = False  # nothing more is written: the caller rolls back what was
            continue
        first_row = seen.setdefault(parsed.reference.lower(), row_number)
        if first_row != row_number:
            summary.reject(RowProblem(row_number, parsed.reference, (
                f"Tender reference {parsed.reference} is also on row {first_row}; each tender "
                "must appear once",), what="tender "))
            apply = False
            continue
        try:
            _one_row(session, parsed, summary, apply=apply, today=today, now=now, actor=actor)
        except (InvalidField, ServiceError) as error:
            summary.reject(RowProblem(row_number, parsed.reference, (str(error),),
                                      what="tender "))
            apply = False
    return summary


def preview_tenders(session: Session, rows: Iterable[tuple[int, list]], *,
                    now: datetime) -> TenderImportSummary:
    """What importing would do, without changing anything."""
    return _run(session, rows, apply=False, today=local_date(now))


def import_tenders(session: Session, rows: Iterable[tuple[int, list]], *, now: datetime,
                   actor: audit.Actor) -> TenderImportSummary:
    """Import every row or none: raises TenderImportRefused (the caller rolls back)."""
    summary = _run(session, rows, apply=True, today=local_date(now), now=now, actor=actor)
    if not summary.can_import:
        raise TenderImportRefused(summary)
    session.flush()
    summary.imported = True
    return summary
