"""What the accessible editions of a Cabinet pack lay out beside its figures (issue 19): the web
page (templates/reports/pack_html.html) and the tagged PDF printed from the same markup
(templates/reports/pack_print.html). Both show the ReportData the ReportLab PDF and the XLSX
show, with the trend charts placed beside the figures they continue and the rows behind each
figure cut to a few, saying how many are left out and where the rest are.

No Flask, SQLAlchemy or clock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from supplier_dd.reports.data import Cell, EvidenceTable, FigureGroup, ReportData
from supplier_dd.reports.trends import Trend

# Enough rows to show what a list holds; the spreadsheet has the rest.
EVIDENCE_ROWS_SHOWN = 10


@dataclass(frozen=True)
class EvidencePreview:
    """The first rows of one evidence table, and what is left out of this edition."""

    table: EvidenceTable
    refs: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]

    @property
    def heading(self) -> str:
        return f"Rows behind {', '.join(self.refs)}: {self.table.title}"

    def cells(self) -> tuple[tuple[str, ...], ...]:
        """The rows as a reader sees them: the spreadsheet's ISO dates written out."""
        return tuple(tuple(cell_text(cell) for cell in row) for row in self.rows)

    @property
    def left_out(self) -> int:
        return self.table.total_rows - len(self.rows)

    def note(self) -> str:
        total = self.table.total_rows
        if total == 0:
            return "No rows: nothing matched the filter."
        if not self.left_out:
            return f"All {_rows(total)}."
        listed = len(self.table.rows)
        where = (f"the spreadsheet lists the first {listed:,} and the figures count every row"
                 if self.table.truncated else f"the spreadsheet lists all {total:,}")
        return (f"The first {len(self.rows):,} of {_rows(total)}: {self.left_out:,} "
                f"{'is' if self.left_out == 1 else 'are'} left out here; {where}.")


_ISO_MOMENT = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})[0-9:.]*)?$")


def cell_text(cell: Cell) -> str:
    """'2026-05-21T14:17:37.968878' -> '21 May 2026 at 14:17', '2026-05-15' -> '15 May 2026';
    anything else as it is, an empty cell as nothing."""
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return f"{_day(cell.date())} at {cell:%H:%M}"
    if isinstance(cell, date):
        return _day(cell)
    match = _ISO_MOMENT.match(cell) if isinstance(cell, str) else None
    if match is None:
        return str(cell)
    try:
        day = _day(date.fromisoformat(match.group(1)))
    except ValueError:
        return str(cell)
    return f"{day} at {match.group(2)}" if match.group(2) else day


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _rows(count: int) -> str:
    return f"{count:,} row{'' if count == 1 else 's'}"


def evidence_previews(data: ReportData, refs: dict[str, str],
                      rows_shown: int = EVIDENCE_ROWS_SHOWN) -> tuple[EvidencePreview, ...]:
    return tuple(EvidencePreview(table, tuple(refs[key] for key in table.figure_keys),
                                 table.rows[:rows_shown])
                 for table in data.evidence_tables)


@dataclass(frozen=True)
class GroupWithCharts:
    group: FigureGroup
    charts: tuple[Trend, ...]


def with_charts(groups: Sequence[FigureGroup], trends: Sequence[Trend],
                refs: dict[str, str]) -> tuple[GroupWithCharts, ...]:
    """Each group with the charts that continue its figures over the years (this year's point
    of each series is a figure of the pack). A chart goes after the group reporting most of its
    series, the first such group on a tie, so it is shown once: the risk bands chart with the
    band table, not with the one band the high-risk group quotes too."""
    group_refs = [{refs[figure.key] for figure in group.figures} for group in groups]
    home: dict[int, list[Trend]] = {}
    for trend in trends:
        shared = [sum(series.ref in known for series in trend.series) for known in group_refs]
        if shared and max(shared) > 0:
            home.setdefault(shared.index(max(shared)), []).append(trend)
    return tuple(GroupWithCharts(group, tuple(home.get(number, ())))
                 for number, group in enumerate(groups))


def charts_left(trends: Sequence[Trend], *placed: Sequence[GroupWithCharts]
                ) -> tuple[Trend, ...]:
    """The charts no group took (a measure this year's pack does not report as a figure of
    its own, such as training no one recorded this year)."""
    shown = {trend.key for groups in placed for entry in groups for trend in entry.charts}
    return tuple(trend for trend in trends if trend.key not in shown)


@dataclass(frozen=True)
class PackLayout:
    """Where the accessible editions put each chart and how much of each row listing."""

    transparency: tuple[GroupWithCharts, ...]  # the statement's KPI groups, then risk bands
    training: tuple[GroupWithCharts, ...]
    other_charts: tuple[Trend, ...]
    evidence: tuple[EvidencePreview, ...]
    rows_shown: int


def pack_layout(data: ReportData, refs: dict[str, str], trends: Sequence[Trend],
                rows_shown: int = EVIDENCE_ROWS_SHOWN) -> PackLayout:
    transparency = with_charts((*data.transparency, data.risk_bands), trends, refs)
    training = with_charts(data.training, trends, refs)
    return PackLayout(transparency, training, charts_left(trends, transparency, training),
                      evidence_previews(data, refs, rows_shown), rows_shown)
