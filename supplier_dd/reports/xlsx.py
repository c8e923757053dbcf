"""The Cabinet evidence pack as a spreadsheet (openpyxl): a sheet per section, with the rows behind
each figure, and an 'Evidence index' sheet listing every figure with its source.

Values are written as numbers (percentages as numbers shown with a % sign), so officers can check
the arithmetic; text is written as text through supplier_dd.infrastructure.spreadsheets, never
as a formula.
The workbook is written in write-only mode, which streams rows instead of holding them all, and
its timestamps come from the cover date: the same ReportData gives the same bytes.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime, time

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.writer.excel import ExcelWriter

from supplier_dd.infrastructure.repeatable_zip import repeatable_zip
from supplier_dd.infrastructure.spreadsheets import (
    filter_table,
    freeze_header,
    sheet_text,
    xlsx_cell,
    xlsx_row,
)
from supplier_dd.reports.data import (
    ACTION_PLAN,
    APPENDIX,
    CHARTER,
    PERCENT,
    SECTION_HEADINGS,
    SUMMARY,
    TRAINING,
    TRANSPARENCY,
    Cell,
    EvidenceTable,
    Figure,
    FigureGroup,
    ReportData,
)
from supplier_dd.reports.editions import edition_label

SHEET_NAMES = {
    SUMMARY: "Summary",
    CHARTER: "Charter",
    TRANSPARENCY: "Transparency KPIs",
    ACTION_PLAN: "Action plan",
    TRAINING: "Training and referrals",
    APPENDIX: "Evidence index",
}
COVER_SHEET = "Cover"
PERCENT_FORMAT = '0.0"%"'
TITLE_FONT = Font(bold=True, size=14)
HEADING_FONT = Font(bold=True, size=12)
BOLD = Font(bold=True)
NOTE_FONT = Font(italic=True, color="505A5F")
HEADER_FILL = PatternFill("solid", fgColor="F3F2F1")
WRAP = Alignment(wrap_text=True, vertical="top")

FIGURE_COLUMNS = ("Ref", "Key", "Measure", "Value", "Shown in the pack as", "Source")
SUMMARY_COLUMNS = ("Ref", "Key", "Measure", "This year", "Target", "RAG", "Previous year",
                   "Change", "Source")
CHARTER_COLUMNS = ("No.", "Commitment", "Status", "RAG", "Ref", "Evidence", "Value", "Source")
INDEX_COLUMNS = ("Ref", "Key", "Section", "Measure", "Value", "Shown in the pack as", "Source",
                 "Calculated from", "Rows listed on sheet")


class _SheetWriter:
    """Appends styled rows to a write-only sheet. A sheet led by one table (`table_header`: the
    row its header will be on) keeps that header in view and filters the table's rows."""

    def __init__(self, sheet: WriteOnlyWorksheet, widths: Sequence[int],
                 table_header: int | None = None):
        self.sheet = sheet
        self.rows = 0
        self.table_header = table_header
        self.table_end: int | None = None
        for index, width in enumerate(widths):
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        if table_header is not None:
            freeze_header(sheet, table_header)

    def append(self, cells: list) -> None:
        self.sheet.append(cells)
        self.rows += 1

    def end_table(self, width: int) -> None:
        """The leading table ends at the last row written: filter it."""
        filter_table(self.sheet, self.table_header, self.rows, width)

    def _cell(self, value: Cell, font: Font | None = None, fill: PatternFill | None = None,
              number_format: str | None = None) -> WriteOnlyCell:
        cell = xlsx_cell(self.sheet, value)  # a date comes with its day-first format
        if font is not None:
            cell.font = font
        if fill is not None:
            cell.fill = fill
        if number_format is not None:
            cell.number_format = number_format
        cell.alignment = WRAP
        return cell

    def title(self, text: str) -> None:
        self.append([self._cell(text, TITLE_FONT)])

    def heading(self, text: str) -> None:
        self.append([])
        self.append([self._cell(text, HEADING_FONT)])

    def note(self, text: str) -> None:
        self.append([self._cell(text, NOTE_FONT)])

    def header(self, labels: Iterable[str]) -> None:
        self.append([self._cell(label, BOLD, HEADER_FILL) for label in labels])

    def row(self, values: Iterable[Cell], formats: dict[int, str] | None = None) -> None:
        formats = formats or {}
        self.append([self._cell(value, number_format=formats.get(index))
                     for index, value in enumerate(values)])

    def plain_rows(self, rows: Iterable[Sequence[Cell]]) -> None:
        """Row-level evidence can be long: unstyled cells keep it quick to write."""
        for values in rows:
            self.append(xlsx_row(self.sheet, values))


def _value_format(figure: Figure) -> dict[int, str]:
    return {3: PERCENT_FORMAT} if figure.unit == PERCENT else {}


def _figure_row(writer: _SheetWriter, figure: Figure, refs: dict[str, str]) -> None:
    writer.row((refs[figure.key], figure.key, figure.label, figure.value, figure.display(),
                figure.source), _value_format(figure))


def _figure_group(writer: _SheetWriter, group: FigureGroup, refs: dict[str, str]) -> None:
    writer.heading(group.title)
    if group.note:
        writer.note(group.note)
    if group.figures:
        writer.header(FIGURE_COLUMNS)
        for figure in group.figures:
            _figure_row(writer, figure, refs)


def _evidence_tables(writer: _SheetWriter, tables: Sequence[EvidenceTable],
                     refs: dict[str, str]) -> None:
    for table in tables:
        writer.heading(f"Rows behind {', '.join(refs[k] for k in table.figure_keys)}: "
                       f"{table.title}")
        if table.truncated:
            writer.note(f"The first {len(table.rows):,} of {table.total_rows:,} rows. The figures "
                        "count every row; rerun the source filter in the Evidence index for the "
                        "full list.")
        else:
            writer.note(f"{table.total_rows:,} row{'' if table.total_rows == 1 else 's'}.")
        writer.header(table.columns)
        writer.plain_rows(table.rows)


def _cover(workbook: Workbook, data: ReportData) -> None:
    writer = _SheetWriter(workbook.create_sheet(COVER_SHEET), (34, 90))
    cover = data.cover
    writer.title(f"{cover.council}: {cover.title}")
    for label, value in (
        ("Council", cover.council),
        ("Financial year", cover.year.label),
        ("Period", f"{cover.year.first_day.isoformat()} to {cover.year.last_day.isoformat()}"),
        ("Date", cover.cover_date),
        ("Author", cover.author),
        ("Version", cover.version),
        ("Action plan", data.action_plan.named()),
        ("Data checksum (SHA-256)", data.checksum()),
        # Edition 1 packs never printed their edition, and must keep their bytes.
        *((("Edition", edition_label(data.edition)),) if data.edition != 1 else ()),
    ):
        writer.row((label, value))
    writer.heading("Approved by")
    writer.header(("Role", "Name", "Date"))
    for approval in cover.approvals:
        writer.row((approval.role, approval.name, approval.approved_on))


def _summary(workbook: Workbook, data: ReportData, refs: dict[str, str]) -> None:
    writer = _SheetWriter(workbook.create_sheet(SHEET_NAMES[SUMMARY]),
                          (6, 34, 46, 12, 14, 10, 14, 16, 60), table_header=2)
    writer.title(SECTION_HEADINGS[SUMMARY])
    writer.header(SUMMARY_COLUMNS)
    for kpi in data.summary:
        figure = kpi.figure
        formats = {3: PERCENT_FORMAT, 4: PERCENT_FORMAT, 6: PERCENT_FORMAT, 7: PERCENT_FORMAT} \
            if figure.unit == PERCENT else {}
        writer.row((refs[figure.key], figure.key, figure.label, figure.value, kpi.target,
                    kpi.rag.label if kpi.rag else "Not rated", kpi.previous, kpi.change,
                    figure.source), formats)
    writer.end_table(len(SUMMARY_COLUMNS))
    for kpi in data.summary:
        if kpi.target_note:
            writer.note(f"{refs[kpi.figure.key]} {kpi.figure.label}: {kpi.target_note}.")


def _charter(workbook: Workbook, data: ReportData, refs: dict[str, str]) -> None:
    writer = _SheetWriter(workbook.create_sheet(SHEET_NAMES[CHARTER]),
                          (6, 60, 14, 10, 6, 46, 12, 60), table_header=2)
    writer.title(SECTION_HEADINGS[CHARTER])
    writer.header(CHARTER_COLUMNS)
    for commitment in data.charter:
        rag = commitment.rag.label if commitment.rag else "Not rated"
        if not commitment.evidence:
            writer.row((commitment.number, commitment.commitment, commitment.status, rag, None,
                        commitment.note, None, None))
        for figure in commitment.evidence:
            formats = {6: PERCENT_FORMAT} if figure.unit == PERCENT else {}
            writer.row((commitment.number, commitment.commitment, commitment.status, rag,
                        refs[figure.key], figure.label, figure.value, figure.source), formats)
    writer.end_table(len(CHARTER_COLUMNS))
    _evidence_tables(writer, data.evidence_for(CHARTER), refs)


def _figure_sheet(workbook: Workbook, data: ReportData, section: str,
                  groups: Sequence[FigureGroup], refs: dict[str, str]) -> _SheetWriter:
    writer = _SheetWriter(workbook.create_sheet(SHEET_NAMES[section]),
                          (6, 34, 50, 12, 20, 70))
    writer.title(SECTION_HEADINGS[section])
    for group in groups:
        _figure_group(writer, group, refs)
    return writer


def _action_plan(workbook: Workbook, data: ReportData, refs: dict[str, str]) -> None:
    plan = data.action_plan
    writer = _figure_sheet(workbook, data, ACTION_PLAN, (plan.summary,), refs)
    if plan.note:
        writer.note(plan.note)
    if plan.actions:
        writer.heading(plan.title or "Actions")
        if plan.dates():
            writer.note(f"{plan.dates()}.")
        writer.header(("Ref", "Action", "Lead", "Start", "End", "Progress", "RAG"))
        for action in plan.actions:
            writer.row((action.ref, action.description, action.lead, action.start, action.end,
                        action.progress, action.rag.label if action.rag else "Not rated"))
    _evidence_tables(writer, data.evidence_for(ACTION_PLAN), refs)


def _evidence_index(workbook: Workbook, data: ReportData, refs: dict[str, str]) -> None:
    writer = _SheetWriter(workbook.create_sheet(SHEET_NAMES[APPENDIX]),
                          (6, 34, 26, 50, 12, 20, 70, 30, 40), table_header=3)
    writer.title(SECTION_HEADINGS[APPENDIX])
    writer.note(f"Every figure in the pack for {data.cover.year.label} "
                f"({data.cover.year.period}), where it comes from, and where its rows are.")
    writer.header(INDEX_COLUMNS)
    sheets_listing: dict[str, list[str]] = {}
    for table in data.evidence_tables:
        for key in table.figure_keys:
            sheets_listing.setdefault(key, []).append(SHEET_NAMES[table.section])
    for entry in data.figure_index():
        figure = entry.figure
        writer.row((refs[figure.key], figure.key, SECTION_HEADINGS[entry.section], figure.label,
                    figure.value, figure.display(), figure.source,
                    ", ".join(refs[k] for k in figure.inputs) or None,
                    ", ".join(sorted(set(sheets_listing.get(figure.key, [])))) or None),
                   {4: PERCENT_FORMAT} if figure.unit == PERCENT else {})
    writer.end_table(len(INDEX_COLUMNS))


def render_xlsx(data: ReportData) -> bytes:
    refs = data.figure_refs()
    workbook = Workbook(write_only=True)
    stamp = datetime.combine(data.cover.cover_date, time())
    properties = workbook.properties
    properties.creator = sheet_text(data.cover.author)
    properties.lastModifiedBy = sheet_text(data.cover.author)
    properties.title = sheet_text(f"{data.cover.council}: {data.cover.title}")
    properties.subject = f"Data checksum {data.checksum()}"
    properties.created = stamp
    properties.modified = stamp

    _cover(workbook, data)
    _summary(workbook, data, refs)
    _charter(workbook, data, refs)
    writer = _figure_sheet(workbook, data, TRANSPARENCY, (*data.transparency, data.risk_bands),
                           refs)
    _evidence_tables(writer, data.evidence_for(TRANSPARENCY), refs)
    _action_plan(workbook, data, refs)
    writer = _figure_sheet(workbook, data, TRAINING, data.training, refs)
    _evidence_tables(writer, data.evidence_for(TRAINING), refs)
    _evidence_index(workbook, data, refs)

    raw = io.BytesIO()
    # ExcelWriter directly, because Workbook.save would overwrite `modified` with the clock.
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(workbook, archive).save()
    return repeatable_zip(raw.getvalue(), stamp)
