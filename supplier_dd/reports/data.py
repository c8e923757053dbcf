"""What the annual Cabinet evidence pack says, as plain frozen data.

Every number in the pack is a `Figure`: a stable key, the label a reader sees, the value, and the
`source` naming the table and filter that produced it, so any figure put to Cabinet can be traced
back and recomputed. The renderers (pdf.py, xlsx.py) only lay this data out; they never compute.

No Flask, SQLAlchemy or clock here: the year and the cover date are inputs, so the same data
always gives the same pack and the same checksum.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from enum import Enum
from functools import cached_property

from supplier_dd.domain.action_plans import Rag
from supplier_dd.domain.charter import COMMITMENTS

COUNT = "count"
PERCENT = "percent"
# Whole pounds (the statement's contract values); the pack's figures are counts and shares.
POUNDS = "pounds"
NOT_RECORDED = "Not recorded"

# Section keys and the headings a Cabinet paper reads in this order (PDF and XLSX share them).
SUMMARY = "summary"
CHARTER = "charter"
TRANSPARENCY = "transparency"
ACTION_PLAN = "action_plan"
TRAINING = "training"
APPENDIX = "appendix"
SECTION_HEADINGS = {
    SUMMARY: "Summary",
    CHARTER: "Charter Against Modern Slavery",
    TRANSPARENCY: "Transparency Statement KPIs",
    ACTION_PLAN: "Action plan",
    TRAINING: "Training and referrals",
    APPENDIX: "Appendix: evidence index",
}
# Sections whose spreadsheet sheet lists the rows behind their figures.
EVIDENCE_SECTIONS = (CHARTER, TRANSPARENCY, ACTION_PLAN, TRAINING)

# The Co-operative Party Charter Against Modern Slavery: (number, commitment as the pack prints
# it), from the one list the programme records also use.
CHARTER_COMMITMENTS: tuple[tuple[int, str], ...] = tuple(
    (commitment.number, commitment.text) for commitment in COMMITMENTS
)

MET = "Met"
PARTLY_MET = "Partly met"
NOT_MET = "Not met"
NOT_EVIDENCED = "Not evidenced"


class ReportInputError(ValueError):
    """Input to the pack a person can correct (a badly written year, say); the message says how."""


# --- the financial year ---------------------------------------------------------------------

_YEAR_PATTERN = re.compile(r"^\s*(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})\s*$")


@dataclass(frozen=True, order=True)
class FinancialYear:
    """A council financial year: 1 April of `start_year` to 31 March of the next year."""

    start_year: int

    @classmethod
    def parse(cls, text: str | None) -> FinancialYear:
        """'2025/26' (also '2025-26' or '2025/2026') → FinancialYear(2025)."""
        raw = (text or "").strip()
        match = _YEAR_PATTERN.match(raw)
        if not match:
            raise ReportInputError(
                f"Enter the financial year like 2025/26, got {raw!r}." if raw
                else "Enter the financial year, like 2025/26."
            )
        start = int(match.group(1))
        written_end = match.group(2)
        following = start + 1
        if written_end not in (f"{following % 100:02d}", str(following)):
            raise ReportInputError(
                f"A financial year runs from April to the next March, so {start} is followed by "
                f"{following % 100:02d}: enter {start}/{following % 100:02d}, not {raw}."
            )
        if not 2000 <= start <= 2100:
            raise ReportInputError(
                f"The financial year {raw} is out of range: use 2000/01 to 2100/01."
            )
        return cls(start)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def first_day(self) -> date:
        return date(self.start_year, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.start_year + 1, 3, 31)

    @property
    def previous(self) -> FinancialYear:
        return FinancialYear(self.start_year - 1)

    @property
    def period(self) -> str:
        """How a source filter writes the year: '2025-04-01..2026-03-31'."""
        return f"{self.first_day.isoformat()}..{self.last_day.isoformat()}"

    def __str__(self) -> str:
        return self.label


def financial_year_of(day: date) -> FinancialYear:
    return FinancialYear(day.year if day.month >= 4 else day.year - 1)


# --- figures ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Figure:
    """One reported number and where it comes from.

    `value` is None when the figure cannot be given; `missing_reason` then says why (no source
    recorded in the service, or nothing to divide by), and the pack prints that instead.
    """

    key: str
    label: str
    value: int | float | None
    source: str
    unit: str = COUNT
    missing_reason: str = ""
    # Keys of the figures this one is calculated from (a share names its two counts); the pack
    # refuses to build if any of them is not reported too, so every input can be checked.
    inputs: tuple[str, ...] = ()

    def __post_init__(self):
        if self.unit not in (COUNT, PERCENT, POUNDS):
            raise ValueError(f"Figure {self.key}: unit must be {COUNT}, {PERCENT} or {POUNDS}")

    @property
    def recorded(self) -> bool:
        return self.value is not None

    def display(self) -> str:
        return format_value(self.value, self.unit, self.missing_reason or NOT_RECORDED)


def format_value(value: int | float | None, unit: str, missing: str = NOT_RECORDED) -> str:
    if value is None:
        return missing
    if unit == PERCENT:
        return f"{value:.1f}%"
    if unit == POUNDS:
        return f"£{value:,}"
    return f"{value:,}"


def share(numerator: int | None, denominator: int | None) -> float | None:
    """Percentage to one decimal place; None when there is nothing to divide by."""
    if numerator is None or not denominator:
        return None
    return round(100 * numerator / denominator, 1)


def percent_figure(key: str, label: str, numerator: Figure, denominator: Figure,
                   empty_reason: str) -> Figure:
    """A share whose source names the two figures it divides, so both can be checked."""
    value = share(numerator.value, denominator.value)  # type: ignore[arg-type]
    if denominator.value is None or numerator.value is None:
        reason = numerator.missing_reason or denominator.missing_reason or NOT_RECORDED
    else:
        reason = empty_reason
    return Figure(key, label, value, f"{numerator.key} / {denominator.key} × 100", PERCENT,
                  "" if value is not None else reason, (numerator.key, denominator.key))


def not_recorded(key: str, label: str, source: str, reason: str, unit: str = COUNT) -> Figure:
    """A figure whose source does not exist in the service (yet)."""
    return Figure(key, label, None, source, unit, reason)


@dataclass(frozen=True)
class FigureGroup:
    """Figures reported together under one sub-heading. `note` explains gaps or context."""

    title: str
    figures: tuple[Figure, ...]
    note: str = ""


# --- summary: headline KPIs against targets -------------------------------------------------

def rag_against_target(value: float | None, target: float | None, higher_is_better: bool,
                       amber_within: float) -> Rag | None:
    """Green on or beyond target, amber within `amber_within` of it, red further away.

    None (not rated) when there is no value or no target: a missing figure is never green.
    """
    if value is None or target is None:
        return None
    shortfall = (target - value) if higher_is_better else (value - target)
    if shortfall <= 0:
        return Rag.GREEN
    if shortfall <= amber_within:
        return Rag.AMBER
    return Rag.RED


@dataclass(frozen=True)
class SummaryKpi:
    figure: Figure
    target: float | None
    previous: int | float | None
    higher_is_better: bool = True
    # How far short of target still counts as amber, in the figure's unit.
    amber_within: float = 10.0
    # Edition 2: who set the target ("Target set by the council on 02/12/2026").
    target_note: str = ""

    @property
    def rag(self) -> Rag | None:
        return rag_against_target(self.figure.value, self.target, self.higher_is_better,
                                  self.amber_within)

    @property
    def change(self) -> int | float | None:
        if self.figure.value is None or self.previous is None:
            return None
        change = self.figure.value - self.previous
        return round(change, 1) if self.figure.unit == PERCENT else change

    def target_display(self) -> str:
        if self.target is None:
            return "No target"
        comparison = "at least" if self.higher_is_better else "at most"
        return f"{comparison} {format_value(self.target, self.figure.unit)}"

    def change_display(self) -> str:
        change = self.change
        if change is None:
            return "No comparison" if self.previous is None else NOT_RECORDED
        if change == 0:
            return "No change"
        suffix = " points" if self.figure.unit == PERCENT else ""
        magnitude = f"{abs(change):.1f}" if self.figure.unit == PERCENT else f"{abs(change):,}"
        return f"{'Up' if change > 0 else 'Down'} {magnitude}{suffix}"

    def previous_display(self) -> str:
        return format_value(self.previous, self.figure.unit, "No figure")


# --- Charter commitments ----------------------------------------------------------------------

def charter_status(measure: Figure | None, target: float) -> tuple[str, Rag | None]:
    """A commitment's status from its headline measure (a percentage) against its target."""
    if measure is None or measure.value is None:
        return NOT_EVIDENCED, None
    if measure.value >= target:
        return MET, Rag.GREEN
    if measure.value > 0:
        return PARTLY_MET, Rag.AMBER
    return NOT_MET, Rag.RED


@dataclass(frozen=True)
class CharterCommitment:
    number: int
    commitment: str
    status: str
    rag: Rag | None
    evidence: tuple[Figure, ...]
    note: str = ""


# --- action plan --------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedAction:
    ref: str
    description: str
    lead: str
    start: date | None
    end: date | None
    rag: Rag | None
    progress: str = ""


@dataclass(frozen=True)
class ActionPlanSection:
    """The council's own action plan; `actions` is empty and `note` says so when none exists.

    The plan is named on the cover (title, when it was imported, the span of its actions'
    dates), so a reader can tell which plan the pack reports."""

    title: str
    actions: tuple[PlannedAction, ...]
    summary: FigureGroup
    note: str = ""
    imported_on: date | None = None

    @property
    def first_day(self) -> date | None:
        return min((day for a in self.actions for day in (a.start, a.end) if day), default=None)

    @property
    def last_day(self) -> date | None:
        return max((day for a in self.actions for day in (a.start, a.end) if day), default=None)

    def dates(self) -> str:
        """'Imported 12/03/2026; actions dated 01/08/2018 to 31/03/2021'."""
        parts = []
        if self.imported_on is not None:
            parts.append(f"Imported {self.imported_on:%d/%m/%Y}")
        if self.first_day is not None:
            parts.append(f"actions dated {self.first_day:%d/%m/%Y} to {self.last_day:%d/%m/%Y}")
        text = "; ".join(parts)
        return text[:1].upper() + text[1:]

    def named(self) -> str:
        """The plan's title and dates, as the cover names it, or that no plan is reported."""
        if not self.title:
            return "No action plan reported"
        dates = self.dates()
        return f"{self.title} ({dates[:1].lower() + dates[1:]})" if dates else self.title


# --- cover ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Approval:
    """A signature line left for the people who approve the pack before Cabinet."""

    role: str
    name: str = ""
    approved_on: date | None = None


DEFAULT_APPROVALS = (
    Approval("Monitoring Officer / Head of Legal Services"),
    Approval("Executive Member responsible for procurement"),
)


@dataclass(frozen=True)
class Cover:
    council: str
    year: FinancialYear
    cover_date: date
    author: str
    version: str = "1.0"
    approvals: tuple[Approval, ...] = DEFAULT_APPROVALS

    @property
    def title(self) -> str:
        return f"Modern slavery annual evidence pack {self.year.label}"


# --- row-level evidence -------------------------------------------------------------------------

Cell = str | int | float | date | None


@dataclass(frozen=True)
class EvidenceTable:
    """The rows behind one or more figures, for the spreadsheet.

    `total_rows` is how many rows the filter matched; when it is more than `len(rows)` the
    builder capped the listing (the figure itself is always computed over every row).
    """

    section: str
    title: str
    figure_keys: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    total_rows: int

    @property
    def truncated(self) -> bool:
        return self.total_rows > len(self.rows)


# --- the whole pack -----------------------------------------------------------------------------

@dataclass(frozen=True)
class IndexedFigure:
    section: str
    figure: Figure


@dataclass(frozen=True)
class ReportData:
    cover: Cover
    summary: tuple[SummaryKpi, ...]
    charter: tuple[CharterCommitment, ...]
    transparency: tuple[FigureGroup, ...]
    risk_bands: FigureGroup
    action_plan: ActionPlanSection
    training: tuple[FigureGroup, ...]
    evidence_tables: tuple[EvidenceTable, ...] = field(default=())
    # reports/editions.py. Edition 1's checksum data leaves this (and edition 2's other new
    # fields) out, so a pack rebuilt as edition 1 has the checksum it always had.
    edition: int = 1

    def __post_init__(self):
        numbers = [c.number for c in self.charter]
        if numbers != list(range(1, 11)):
            raise ValueError(f"The Charter has ten commitments numbered 1 to 10, got {numbers}")
        index = self.figure_index()  # raises on two different figures sharing a key
        known = {entry.figure.key for entry in index}
        for entry in index:
            missing = set(entry.figure.inputs) - known
            if missing:
                raise ValueError(f"Figure {entry.figure.key} is calculated from figures the pack "
                                 f"does not report: {', '.join(sorted(missing))}")
        for table in self.evidence_tables:
            unknown = set(table.figure_keys) - known
            if unknown:
                raise ValueError(f"Evidence table {table.title!r} names unknown figures: "
                                 f"{', '.join(sorted(unknown))}")
            if table.section not in EVIDENCE_SECTIONS:
                raise ValueError(f"Evidence table {table.title!r}: rows are listed in the "
                                 f"sections {', '.join(EVIDENCE_SECTIONS)}, not "
                                 f"{table.section!r}")

    def _figures_by_section(self) -> Iterator[tuple[str, Figure]]:
        for kpi in self.summary:
            yield SUMMARY, kpi.figure
        for commitment in self.charter:
            for figure in commitment.evidence:
                yield CHARTER, figure
        for group in (*self.transparency, self.risk_bands):
            for figure in group.figures:
                yield TRANSPARENCY, figure
        for figure in self.action_plan.summary.figures:
            yield ACTION_PLAN, figure
        for group in self.training:
            for figure in group.figures:
                yield TRAINING, figure

    def figure_index(self) -> tuple[IndexedFigure, ...]:
        """Every figure once, in reading order, with the first section that reports it.

        The same figure may be quoted in several sections (a headline KPI is also a
        Transparency Statement KPI); two *different* figures may never share a key.
        """
        seen: dict[str, Figure] = {}
        index = []
        for section, figure in self._figures_by_section():
            earlier = seen.get(figure.key)
            if earlier is None:
                seen[figure.key] = figure
                index.append(IndexedFigure(section, figure))
            elif earlier != figure:
                raise ValueError(f"Two different figures share the key {figure.key!r}")
        return tuple(index)

    def figure(self, key: str) -> Figure:
        for entry in self.figure_index():
            if entry.figure.key == key:
                return entry.figure
        raise KeyError(key)

    def figure_refs(self) -> dict[str, str]:
        """F1, F2, ... in reading order: the short references printed beside each figure and
        used again in the spreadsheet, so a reader can go from one to the other."""
        return {entry.figure.key: f"F{number}"
                for number, entry in enumerate(self.figure_index(), start=1)}

    def evidence_for(self, section: str) -> tuple[EvidenceTable, ...]:
        return tuple(t for t in self.evidence_tables if t.section == section)

    def as_dict(self) -> dict:
        data = asdict(self)
        # Derived values are part of what Cabinet reads, so they are part of the checksum.
        for kpi, kpi_data in zip(self.summary, data["summary"], strict=True):
            kpi_data["rag"] = kpi.rag
            kpi_data["change"] = kpi.change
            if not kpi.target_note:
                del kpi_data["target_note"]
        if self.edition == 1:
            del data["edition"]
        return data

    def canonical_json(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"),
                          ensure_ascii=False, default=_json_default)

    def checksum(self) -> str:
        """SHA-256 of the canonical JSON: printed on the cover, so a pack can be matched to the
        exact data it was built from."""
        return self._checksum

    @cached_property
    def _checksum(self) -> str:
        # Worked out once: the data is frozen, and the PDF, the XLSX and the run record each
        # print it (0.3 s apiece at 100,000 suppliers, docs/performance.md).
        return hashlib.sha256(self.canonical_json().encode("utf-8")).hexdigest()


def _json_default(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    raise TypeError(f"Cannot put {type(value).__name__} into report JSON")
