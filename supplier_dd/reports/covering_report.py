"""The Cabinet covering report for the year's evidence pack (issue 19), as a Word document the
committee services team edit into the council's own report template.

The report follows the shape of a council's Cabinet report (purpose, recommendations,
background, implications, appendices) and is prefilled from the pack's own ReportData: the
headline figures in prose and in a table, each with its pack reference (F1, F2, ...), and the
status of the Charter's ten commitments. Text only the council can write (its finance officer's
comments, its risk register) is marked "[Committee services: check and complete]".

Word's own heading styles, a table header row Word repeats on each page, a title and the
document's language make it navigable and accessible. Dates come from the pack's cover date and
the archive is written with fixed timestamps, so the same data gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime, time

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm
from docx.table import Table

from supplier_dd.domain.control_characters import without_control_characters
from supplier_dd.infrastructure.repeatable_zip import repeatable_zip
from supplier_dd.reports.data import (
    MET,
    NOT_EVIDENCED,
    NOT_MET,
    PARTLY_MET,
    ReportData,
    SummaryKpi,
)

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
LANGUAGE = "en-GB"
TO_COMPLETE = "[Committee services: check and complete]"
HEADINGS = ("Purpose of the report", "Recommendations", "Background", "Implications",
            "Appendices")
BACKGROUND_HEADINGS = ("The Charter Against Modern Slavery",
                       "The Modern Slavery Transparency Statement",
                       "Headline figures", "Progress on the Charter's commitments",
                       "The action plan")
IMPLICATION_HEADINGS = ("Financial", "Legal", "Equalities", "Risk")
FIGURE_COLUMNS = ("Measure", "This year", "Last year", "Change", "Target", "RAG", "Ref")
CHARTER_COLUMNS = ("No.", "Commitment", "Status", "Evidence")
# A4 with 25 mm margins: 160 mm of text width, shared out between each table's columns.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(25)
FONT = "Arial"
FIGURE_WIDTHS = (42, 18, 18, 24, 28, 16, 14)
CHARTER_WIDTHS = (10, 88, 22, 40)
_NUMBER_COLUMNS = (1, 2)


def covering_report_docx(report: ReportData, *, council: str, author: str) -> bytes:
    """The covering report for `report`'s year, as DOCX bytes."""
    council, author = _clean(council), _clean(author)
    year = report.cover.year
    document = Document()
    _set_up(document, report, council, author)
    document.add_heading(f"Modern slavery: annual evidence pack and Transparency Statement "
                         f"{year.label}", level=0)
    for label, value in (("Report to", "Cabinet"), ("Council", council),
                         ("Report author", author), ("Financial year", year.label),
                         ("Date of meeting", TO_COMPLETE), ("Portfolio holder", TO_COMPLETE),
                         ("Key decision", TO_COMPLETE), ("Wards affected", "All")):
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{label}: ").bold = True
        _add_text(paragraph, value)

    refs = report.figure_refs()
    _purpose(document, council, year.label)
    _recommendations(document, year.label)
    _background(document, report, refs, council)
    _implications(document, report, refs, council)
    _appendices(document, report)

    raw = io.BytesIO()
    document.save(raw)
    return repeatable_zip(raw.getvalue(), datetime.combine(report.cover.cover_date, time()))


def download_name(short_name: str, report: ReportData) -> str:
    """'north-herts-cabinet-covering-report-2025-26.docx'."""
    return f"{short_name}-cabinet-covering-report-{report.cover.year.label.replace('/', '-')}.docx"


# --- the document's settings ----------------------------------------------------------------

def _set_up(document, report: ReportData, council: str, author: str) -> None:
    stamp = datetime.combine(report.cover.cover_date, time())
    properties = document.core_properties
    properties.title = (f"{council}: Cabinet covering report, modern slavery annual evidence "
                        f"pack and Transparency Statement {report.cover.year.label}")
    properties.subject = f"Evidence pack data checksum {report.checksum()}"
    properties.author = author
    properties.last_modified_by = author
    properties.language = LANGUAGE
    properties.keywords = "modern slavery; Cabinet; Transparency Statement; Charter"
    properties.comments = (f"Prefilled from the evidence pack; text marked {TO_COMPLETE} is the "
                           "council's to write.")
    properties.revision = 1
    # python-docx would otherwise date the document by the clock (and its template by 2013).
    properties.created = stamp
    properties.modified = stamp
    # The language Word checks spelling in and a screen reader reads in is the runs' w:lang;
    # the template's default is American English.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang")).set(
        qn("w:val"), LANGUAGE)
    # The template's thumbnail is a picture of an empty page, which a file browser would show.
    package = document.part.package
    for rel_id, rel in list(package.rels.items()):
        if rel.reltype == RELATIONSHIP_TYPE.THUMBNAIL:
            package.rels.pop(rel_id)
    _use_font(document, FONT)
    section = document.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = MARGIN


def _use_font(document, name: str) -> None:
    """Every style in one sans-serif font. The template's headings name the theme's fonts
    (Calibri Light), which a council's PC may have but LibreOffice and the print room's
    converters replace with a serif; Arial is everywhere, and is GOV.UK's print fallback."""
    for style in document.styles:
        font = getattr(style, "font", None)
        if font is None:
            continue
        font.name = name
        fonts = style.element.rPr.find(qn("w:rFonts")) if style.element.rPr is not None else None
        if fonts is not None:
            for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
                fonts.attrib.pop(qn(theme), None)


def _clean(text: str) -> str:
    """Text as XML can hold it: an imported plan title may carry a stray control character."""
    return without_control_characters(text or "")


def _add_text(paragraph, text: str) -> None:
    if text == TO_COMPLETE:
        _mark(paragraph)
    else:
        paragraph.add_run(_clean(text))


def _mark(paragraph, after: str = "") -> None:
    """The marker for text the council must write; highlighted to be seen, words to be read."""
    marker = paragraph.add_run(TO_COMPLETE)
    marker.bold = True
    marker.font.highlight_color = WD_COLOR_INDEX.YELLOW
    if after:
        paragraph.add_run(f" {after}")


def _to_complete(document, instruction: str) -> None:
    _mark(document.add_paragraph(), instruction)


# --- the sections -----------------------------------------------------------------------------

def _purpose(document, council: str, year: str) -> None:
    document.add_heading(HEADINGS[0], level=1)
    document.add_paragraph(
        f"To present {council}'s annual evidence pack on modern slavery for {year}, which "
        "reports the council's progress against the Co-operative Party's Charter Against "
        f"Modern Slavery and its modern slavery action plan, and to ask Cabinet to approve the "
        f"council's Modern Slavery Transparency Statement for {year} for publication.")


def recommendations(year: str) -> tuple[str, ...]:
    return (
        f"That Cabinet approves the Modern Slavery Transparency Statement for {year} "
        "(Appendix B).",
        "That Cabinet notes the progress made on the ten commitments of the Charter Against "
        "Modern Slavery and on the modern slavery action plan, as the evidence pack "
        "(Appendix A) reports it.",
        "That Cabinet authorises publication of the approved statement on the council's "
        "website and on the Home Office's modern slavery statement registry.",
    )


def _recommendations(document, year: str) -> None:
    document.add_heading(HEADINGS[1], level=1)
    for recommendation in recommendations(year):
        document.add_paragraph(recommendation, style="List Number")


def _background(document, report: ReportData, refs: dict[str, str], council: str) -> None:
    year = report.cover.year
    document.add_heading(HEADINGS[2], level=1)
    document.add_heading(BACKGROUND_HEADINGS[0], level=2)
    document.add_paragraph(
        f"{council} has adopted the Co-operative Party's Charter Against Modern Slavery: ten "
        "commitments to make sure the council's contracts do not depend on modern slavery, "
        "among them training procurement staff, requiring contractors to comply with the "
        "Modern Slavery Act 2015 and reporting publicly each year on how the council keeps "
        "the Charter. The annual evidence pack is that report; every figure in it is traced to "
        "the records it was counted from.")
    document.add_heading(BACKGROUND_HEADINGS[1], level=2)
    document.add_paragraph(
        f"The council publishes a Modern Slavery Transparency Statement each year in the six "
        "areas of the Home Office's statutory guidance under section 54 of the Modern Slavery "
        f"Act 2015, and registers it on the Home Office's registry. The statement for "
        f"{year.label} is drafted from the same figures as the evidence pack.")

    document.add_heading(BACKGROUND_HEADINGS[2], level=2)
    if not report.summary:
        document.add_paragraph(f"No headline measures are recorded for {year.label}.")
    else:
        document.add_paragraph(
            f"The headline measures for {year.label} against the council's targets, with the "
            f"figures for {year.previous.label}. Each reference (F1, F2, ...) is the figure's "
            "number in the evidence pack, where its source and the rows behind it are listed.")
        for kpi in report.summary:
            document.add_paragraph(headline_sentence(kpi, year.previous.label,
                                                     refs[kpi.figure.key]),
                                   style="List Bullet")
        _table(document, f"Headline figures for {year.label}",
               "Each headline measure: this year's and last year's figures, the change, the "
               "target, its RAG rating and the figure's reference in the evidence pack.",
               # "This year 2026/27": a column is as wide as "2026/27", so no brackets.
               (FIGURE_COLUMNS[0], f"{FIGURE_COLUMNS[1]} {year.label}",
                f"{FIGURE_COLUMNS[2]} {year.previous.label}", *FIGURE_COLUMNS[3:]),
               [headline_row(kpi, refs[kpi.figure.key]) for kpi in report.summary],
               FIGURE_WIDTHS, _NUMBER_COLUMNS)

    document.add_heading(BACKGROUND_HEADINGS[3], level=2)
    document.add_paragraph(charter_summary(report))
    _table(document, "Charter commitments and their status",
           "Each of the Charter's ten commitments, its status by the evidence held in the "
           "service, and the references of the figures that evidence it.", CHARTER_COLUMNS,
           [(str(c.number), c.commitment, c.status,
             ", ".join(refs[figure.key] for figure in c.evidence)
             or "No evidence recorded in the service")
            for c in report.charter],
           CHARTER_WIDTHS)

    document.add_heading(BACKGROUND_HEADINGS[4], level=2)
    plan = report.action_plan
    if plan.actions:
        counts = "; ".join(f"{figure.label}: {figure.display()} ({refs[figure.key]})"
                           for figure in plan.summary.figures)
        document.add_paragraph(f"The evidence pack reports the action plan {_clean(plan.named())}"
                               f", {len(plan.actions)} actions. {counts}.")
    else:
        document.add_paragraph(_clean(plan.note) or "No action plan is reported this year.")


def headline_sentence(kpi: SummaryKpi, previous_year: str, ref: str) -> str:
    """'Declaration coverage of tenders: 85.0% (F3), against a target of at least 95.0%
    (RAG amber); up from 78.0% in 2024/25.'"""
    figure = kpi.figure
    if not figure.recorded:
        return f"{figure.label}: {figure.display()} ({ref})."
    target = ("no target is set" if kpi.target is None
              else f"against a target of {kpi.target_display()} "
                   f"({f'RAG {kpi.rag.label.lower()}' if kpi.rag else 'not rated'})")
    change = kpi.change
    if kpi.previous is None:
        compared = f"no figure for {previous_year} to compare"
    elif change == 0:
        compared = f"the same as in {previous_year}"
    else:
        compared = (f"{'up' if change > 0 else 'down'} from {kpi.previous_display()} in "
                    f"{previous_year}")
    return f"{figure.label}: {figure.display()} ({ref}), {target}; {compared}."


def headline_row(kpi: SummaryKpi, ref: str) -> tuple[str, ...]:
    target = kpi.target_display()
    if kpi.target_note:
        target = f"{target}\n{kpi.target_note}"
    return (kpi.figure.label, kpi.figure.display(), kpi.previous_display(), kpi.change_display(),
            target, kpi.rag.label if kpi.rag else "Not rated", ref)


def charter_summary(report: ReportData) -> str:
    statuses = [commitment.status for commitment in report.charter]
    counts = ", ".join(f"{statuses.count(status)} {status.lower()}"
                       for status in (MET, PARTLY_MET, NOT_MET))
    return (f"Of the Charter's ten commitments, by the evidence held in the service: {counts}, "
            f"and {statuses.count(NOT_EVIDENCED)} {NOT_EVIDENCED.lower()} in the service. A "
            "commitment not evidenced may still be kept: the service holds no record of it.")


def _implications(document, report: ReportData, refs: dict[str, str], council: str) -> None:
    document.add_heading(HEADINGS[3], level=1)
    financial, legal, equalities, risk = IMPLICATION_HEADINGS
    document.add_heading(financial, level=2)
    document.add_paragraph(
        "The recommendations have no new financial implications: the due diligence and the "
        "action plan the evidence pack reports are delivered within existing budgets.")
    _to_complete(document, "Add the finance officer's comments, and the cost of any action "
                           "in the plan for the coming year.")

    document.add_heading(legal, level=2)
    document.add_paragraph(
        "Section 54 of the Modern Slavery Act 2015 requires a commercial organisation with a "
        "turnover of £36 million or more to publish a slavery and human trafficking statement "
        "each financial year, approved by its board and published on its website; the council's "
        "statement follows the Act and the Home Office's statutory guidance.")
    document.add_paragraph(
        "Under the Procurement Act 2023 a supplier convicted of a modern slavery or human "
        "trafficking offence is an excluded supplier (Schedule 6), and one subject to a "
        "slavery and trafficking prevention or risk order, or shown to have engaged in modern "
        "slavery conduct, is excludable (Schedule 7). The supplier declarations and exclusion "
        "decisions the evidence pack reports support those decisions.")
    _to_complete(document, "Legal Services to confirm the council's duties and add their "
                           "comments.")

    document.add_heading(equalities, level=2)
    document.add_paragraph(
        "The people exploited through modern slavery are often among the most vulnerable. In "
        "keeping the Charter and publishing its statement the council has due regard to the "
        "Public Sector Equality Duty (Equality Act 2010, section 149); the recommendations are "
        "not expected to affect anyone adversely because of a protected characteristic.")
    _to_complete(document, "Say whether an equality impact assessment is needed, and add its "
                           "conclusion if one was made.")

    document.add_heading(risk, level=2)
    high = next((kpi.figure for kpi in report.summary if kpi.figure.key == "risk.high_critical"),
                None)
    rated = (f" {high.label}: {high.display()} ({refs[high.key]})." if high is not None
             else "")
    document.add_paragraph(
        f"The risk of modern slavery in {council}'s supply chains is assessed supplier by "
        f"supplier in its due diligence service.{rated} Not approving or not publishing the "
        "statement would leave the council short of its Charter commitments and open to "
        "reputational risk.")
    _to_complete(document, "Add the reference in the corporate risk register and the risk "
                           "owner.")


def _appendices(document, report: ReportData) -> None:
    year = report.cover.year.label
    document.add_heading(HEADINGS[4], level=1)
    for text in (f"Appendix A: {report.cover.title} (PDF, edition {report.edition}), with the "
                 "spreadsheet of the rows behind each figure.",
                 f"Appendix B: Modern Slavery Transparency Statement {year}."):
        document.add_paragraph(text, style="List Bullet")
    document.add_paragraph(
        f"The figures in this report are the evidence pack's whose data checksum is "
        f"{report.checksum()}: a pack generated from the same data prints the same checksum on "
        "its cover.")


# --- tables -----------------------------------------------------------------------------------

def _table(document, caption: str, description: str, headers: Sequence[str],
           rows: Sequence[Sequence[str]], widths_mm: Sequence[int],
           number_columns: Sequence[int] = ()) -> Table:
    """A table whose first row is its header, repeated at the top of each page and read as
    the header by assistive technology, with a caption above it that is also its alternative
    text's title."""
    document.add_paragraph(caption, style="Caption")
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    # Fixed layout: the widths below are the columns' (an autofit table is laid out by its
    # longest words, leaving the measure a narrow column).
    table.autofit = False
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    properties = table._tbl.tblPr
    for tag, value in (("w:tblCaption", caption), ("w:tblDescription", description)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), value)
        properties.append(element)
    header_row = table.rows[0]
    header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
    for cell, text in zip(header_row.cells, headers, strict=True):
        cell.paragraphs[0].add_run(text).bold = True
    for values in rows:
        cells = table.add_row().cells
        for column, (cell, text) in enumerate(zip(cells, values, strict=True)):
            paragraph = cell.paragraphs[0]
            paragraph.add_run(_clean(text))
            if column in number_columns:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    # Word reads each cell's width, LibreOffice the column's: both are set.
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
    for row in table.rows:
        # A row is kept on one page, so a measure and its figures are read together.
        row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))
        for cell, width in zip(row.cells, widths_mm, strict=True):
            cell.width = Mm(width)
    return table
