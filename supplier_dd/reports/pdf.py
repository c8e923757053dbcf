"""The Cabinet evidence pack as a PDF (ReportLab platypus).

Layout only: every number comes from ReportData. The renderer reads no clock and builds in
ReportLab's invariant mode, so the same ReportData always gives byte-identical PDFs; the cover
prints the data's SHA-256 checksum so a printed pack can be matched to the data behind it.

Typography follows GOV.UK: Liberation Sans (metrically Arial, falling back to Helvetica), black
text, bold headings on a clear scale, generous spacing. Tables hold Paragraphs in every cell so
long text wraps instead of being clipped, and repeat their header row when they split.
"""

from __future__ import annotations

import io
from contextvars import ContextVar
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from supplier_dd.domain.action_plans import Rag
from supplier_dd.reports.data import (
    ACTION_PLAN,
    APPENDIX,
    CHARTER,
    SECTION_HEADINGS,
    SUMMARY,
    TRAINING,
    TRANSPARENCY,
    Figure,
    FigureGroup,
    ReportData,
)
from supplier_dd.reports.editions import edition_label

# GOV.UK Design System colours.
TEXT = colors.HexColor("#0b0c0c")
SECONDARY_TEXT = colors.HexColor("#505a5f")
BORDER = colors.HexColor("#b1b4b6")
LIGHT_GREY = colors.HexColor("#f3f2f1")
BRAND_BLUE = colors.HexColor("#1d70b8")
RAG_COLOURS = {
    Rag.GREEN: (colors.HexColor("#00703c"), colors.white),
    Rag.AMBER: (colors.HexColor("#ffdd00"), TEXT),
    Rag.RED: (colors.HexColor("#d4351c"), colors.white),
}
# One colour per risk band in the chart; the table beside it carries the same values as text.
BAND_COLOURS = [colors.HexColor(c) for c in
                ("#00703c", "#ffdd00", "#f47738", "#d4351c", "#505a5f", "#1d70b8")]

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN

_FONT_DIR = Path("/usr/share/fonts/truetype/liberation")
_FONT_FILES = {
    "LiberationSans": "LiberationSans-Regular.ttf",
    "LiberationSans-Bold": "LiberationSans-Bold.ttf",
    "LiberationSans-Italic": "LiberationSans-Italic.ttf",
    "LiberationSans-BoldItalic": "LiberationSans-BoldItalic.ttf",
}


def _register_fonts() -> tuple[str, str]:
    """Liberation Sans when installed (it has the £ and typographic quotes we print), else the
    built-in Helvetica so the pack still renders on a machine without it."""
    if not all((_FONT_DIR / name).is_file() for name in _FONT_FILES.values()):
        return "Helvetica", "Helvetica-Bold"
    registered = set(pdfmetrics.getRegisteredFontNames())
    for font_name, file_name in _FONT_FILES.items():
        if font_name not in registered:
            pdfmetrics.registerFont(TTFont(font_name, str(_FONT_DIR / file_name)))
    pdfmetrics.registerFontFamily(
        "LiberationSans", normal="LiberationSans", bold="LiberationSans-Bold",
        italic="LiberationSans-Italic", boldItalic="LiberationSans-BoldItalic",
    )
    return "LiberationSans", "LiberationSans-Bold"


REGULAR, BOLD = _register_fonts()


def _style(name: str, size: float, leading: float, *, bold: bool = False, colour=TEXT,
           space_before: float = 0, space_after: float = 0, **extra) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=BOLD if bold else REGULAR, fontSize=size,
                          leading=leading, textColor=colour, spaceBefore=space_before,
                          spaceAfter=space_after, **extra)


STYLES = {
    "cover_council": _style("cover_council", 16, 20, bold=True, colour=SECONDARY_TEXT,
                            space_after=12),
    "cover_title": _style("cover_title", 32, 38, bold=True, space_after=18),
    "cover_year": _style("cover_year", 19, 25, space_after=30),
    "h1": _style("h1", 24, 30, bold=True, space_after=15),
    "h2": _style("h2", 17, 22, bold=True, space_before=15, space_after=9),
    "body": _style("body", 11, 16, space_after=9),
    "lead": _style("lead", 12, 17, space_after=12),
    "note": _style("note", 11, 16, space_after=9, colour=SECONDARY_TEXT),
    "cell": _style("cell", 9, 12),
    "cell_bold": _style("cell_bold", 9, 12, bold=True),
    "cell_small": _style("cell_small", 8, 10.5, colour=SECONDARY_TEXT),
    "cell_number": _style("cell_number", 9, 12, alignment=TA_RIGHT),
    "cell_bold_number": _style("cell_bold_number", 9, 12, bold=True, alignment=TA_RIGHT),
    "caption": _style("caption", 10, 14, bold=True, space_before=6, space_after=6),
    "toc1": _style("toc1", 12, 16, space_after=6, leftIndent=0),
    "toc2": _style("toc2", 10, 14, space_after=3, leftIndent=14, colour=SECONDARY_TEXT),
}


# Edition 2 never breaks a word: ReportLab splits a word longer than its column at the edge
# ('Gr' / 'oup/Community' in a narrow Lead column), which reads as two words. Keys and
# sources (cell_small) are machine names where a split at the edge beats running over the
# next column, so they keep edition 1's behaviour. Edition 1 keeps its styles and its bytes.
EDITION_2_STYLES = {
    name: style if name == "cell_small" else ParagraphStyle(name, parent=style,
                                                            splitLongWords=0)
    for name, style in STYLES.items()
}
_STYLE_SET: ContextVar[dict[str, ParagraphStyle]] = ContextVar("pack_styles", default=STYLES)
# The action plan's columns (ref, action, lead, start, end, progress, RAG): edition 2 gives the
# lead officer room for a job title such as 'Protection Manager/Community'.
ACTION_PLAN_WIDTHS = {1: [28, 160, 78, 56, 56, 58, 44], 2: [28, 130, 96, 52, 52, 78, 44]}


def _styles() -> dict[str, ParagraphStyle]:
    return _STYLE_SET.get()


def _text(value: object) -> str:
    return escape(str(value))


def _p(text: str, style: str = "cell") -> Paragraph:
    """A cell or line of plain (escaped) text."""
    return Paragraph(_text(text), _styles()[style])


class _Heading(Paragraph):
    """A heading that goes into the table of contents and the PDF outline."""

    def __init__(self, text: str, level: int):
        super().__init__(_text(text), _styles()["h1" if level == 0 else "h2"])
        self.toc_level = level
        self.toc_text = text


class _PackDocument(BaseDocTemplate):
    def __init__(self, output, data: ReportData):
        cover = data.cover
        super().__init__(
            output, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
            bottomMargin=MARGIN + 6 * mm, title=cover.title, author=cover.author,
            subject=f"{cover.council}: modern slavery evidence for Cabinet, {cover.year.label}",
            creator="supplier_dd", invariant=1, lang="en-GB",
        )
        self.footer_text = (f"{cover.council} · Modern slavery evidence pack {cover.year.label} · "
                            f"Version {cover.version}")
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body",
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        self.addPageTemplates([PageTemplate(id="cover", frames=[frame]),
                               PageTemplate(id="body", frames=[frame])])
        self._heading_number = 0

    def afterFlowable(self, flowable):
        if isinstance(flowable, _Heading):
            # Keys are counted, not random, so the outline is the same on every build.
            self._heading_number += 1
            key = f"heading-{self._heading_number}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.toc_text, key, level=flowable.toc_level)
            self.notify("TOCEntry", (flowable.toc_level, flowable.toc_text, self.page, key))

    def handle_documentBegin(self):
        self._heading_number = 0
        super().handle_documentBegin()


def _numbered_canvas(footer_text: str):
    class NumberedCanvas(Canvas):
        """Holds pages back until the end so each footer can say 'Page 3 of 12'."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                if self._pageNumber > 1:  # the cover carries no footer
                    self._draw_footer(total)
                super().showPage()
            super().save()

        def _draw_footer(self, total: int):
            self.saveState()
            self.setStrokeColor(BORDER)
            self.setLineWidth(0.5)
            self.line(MARGIN, MARGIN, PAGE_WIDTH - MARGIN, MARGIN)
            self.setFillColor(SECONDARY_TEXT)
            self.setFont(REGULAR, 8.5)
            self.drawString(MARGIN, MARGIN - 12, footer_text)
            self.drawRightString(PAGE_WIDTH - MARGIN, MARGIN - 12,
                                 f"Page {self._pageNumber} of {total}")
            self.restoreState()

    return NumberedCanvas


# --- tables -------------------------------------------------------------------------------------

def _table(header: tuple[str, ...], rows: list[list], widths: list[float], *,
           numeric_columns: tuple[int, ...] = (), extra_style: list | None = None) -> Table:
    """A GOV.UK-style table: bold header with a rule under it, light row rules, no boxes.

    The header row repeats on every page the table continues onto."""
    scale = CONTENT_WIDTH / sum(widths)
    header_row = [_p(label, "cell_bold_number" if column in numeric_columns else "cell_bold")
                  for column, label in enumerate(header)]
    table = Table([header_row, *rows], colWidths=[w * scale for w in widths], repeatRows=1,
                  hAlign="LEFT")
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, TEXT),
        ("LINEBELOW", (0, 1), (-1, -1), 0.5, BORDER),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]
    for column in numeric_columns:
        style.append(("ALIGN", (column, 0), (column, -1), "RIGHT"))
    table.setStyle(TableStyle(style + (extra_style or [])))
    return table


def _rag_styles(column: int, rags: list[Rag | None], first_row: int = 1) -> list:
    styles = []
    for offset, rag in enumerate(rags):
        if rag in RAG_COLOURS:
            background, _foreground = RAG_COLOURS[rag]
            row = first_row + offset
            styles.append(("BACKGROUND", (column, row), (column, row), background))
    return styles


def _rag_paragraph(rag: Rag | None, label: str | None = None) -> Paragraph:
    text = label or (rag.label if rag else "Not rated")
    foreground = RAG_COLOURS[rag][1] if rag in RAG_COLOURS else TEXT
    style = ParagraphStyle("rag", parent=_styles()["cell_bold"], textColor=foreground)
    return Paragraph(_text(text), style)


def _figure_table(figures: tuple[Figure, ...], refs: dict[str, str]) -> Table:
    rows = [[_p(figure.label), _p(figure.display(), "cell_number"),
             _p(refs[figure.key], "cell_small")] for figure in figures]
    return _table(("Measure", "Value", "Ref"), rows, [330, 110, 40], numeric_columns=(1,))


def _figure_group(group: FigureGroup, refs: dict[str, str]) -> list:
    story: list = [CondPageBreak(60 * mm), _Heading(group.title, 1)]
    if group.note:
        story.append(_p(group.note, "note"))
    if group.figures:
        story.append(_figure_table(group.figures, refs))
    return story


# --- sections -------------------------------------------------------------------------------------

def _cover(data: ReportData) -> list:
    cover = data.cover
    year = cover.year
    story: list = [
        Spacer(1, 20 * mm),
        _p(cover.council, "cover_council"),
        _p(f"Modern slavery: annual evidence pack for Cabinet, {year.label}", "cover_title"),
        _p(f"Financial year 1 April {year.start_year} to 31 March {year.start_year + 1}",
           "cover_year"),
    ]
    facts = [
        ["Date", f"{cover.cover_date.day} {cover.cover_date:%B %Y}"],
        ["Author", cover.author],
        ["Version", cover.version],
        ["Action plan", data.action_plan.named()],
        ["Data checksum (SHA-256)", data.checksum()],
    ]
    if data.edition != 1:  # edition 1 packs never printed their edition, and keep their bytes
        facts.append(["Edition", edition_label(data.edition)])
    rows = [[_p(label, "cell_bold"), _p(value)] for label, value in facts]
    facts_table = Table(rows, colWidths=[50 * mm, CONTENT_WIDTH - 50 * mm], hAlign="LEFT")
    facts_table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.5, BORDER),
        ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 7),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]))
    story += [facts_table, Spacer(1, 10 * mm), _p("Approved by", "h2")]
    approvals = []
    for approval in cover.approvals:
        approved_on = (f"{approval.approved_on:%d/%m/%Y}" if approval.approved_on else "")
        approvals.append([_p(approval.role), _p(approval.name), _p(""), _p(approved_on)])
    story.append(_table(("Role", "Name", "Signature", "Date"), approvals, [190, 120, 110, 60],
                        extra_style=[
        ("TOPPADDING", (0, 1), (-1, -1), 14), ("BOTTOMPADDING", (0, 1), (-1, -1), 14),
    ]))
    story += [
        Spacer(1, 10 * mm),
        _p("Every figure in this pack has a reference (F1, F2 and so on) that the appendix "
           "matches to the records and filter it was counted from; the accompanying spreadsheet "
           "lists the rows behind each figure. The checksum identifies the exact data the pack "
           "was built from: rebuilding from the same data gives the same checksum.", "note"),
        NextPageTemplate("body"),
        PageBreak(),
    ]
    return story


def _contents() -> list:
    toc = TableOfContents(levelStyles=[STYLES["toc1"], STYLES["toc2"]], dotsMinLevel=0,
                          rightColumnWidth=20 * mm)
    return [_p("Contents", "h1"), toc, PageBreak()]


def _summary(data: ReportData, refs: dict[str, str]) -> list:
    story: list = [_Heading(SECTION_HEADINGS[SUMMARY], 0),
                   _p(f"Headline measures for {data.cover.year.label} against the council's "
                      "targets, with the change from the previous financial year. RAG: green "
                      "means the target is met, amber close to it, red further away; a measure "
                      "without a figure or a target is not rated.", "lead")]
    if not data.summary:
        story.append(_p("No headline measures are recorded for this year.", "body"))
        return story
    rows = []
    rags = []
    for kpi in data.summary:
        rags.append(kpi.rag)
        rows.append([_p(kpi.figure.label), _p(kpi.figure.display(), "cell_number"),
                     ([_p(kpi.target_display()), _p(kpi.target_note, "cell_small")]
                      if kpi.target_note else _p(kpi.target_display())),
                     _rag_paragraph(kpi.rag),
                     _p(kpi.previous_display(), "cell_number"), _p(kpi.change_display()),
                     _p(refs[kpi.figure.key], "cell_small")])
    story.append(_table(
        ("Measure", "This year", "Target", "RAG", "Previous year", "Change", "Ref"), rows,
        [140, 58, 72, 50, 58, 72, 30], numeric_columns=(1, 4), extra_style=_rag_styles(3, rags),
    ))
    return story


def _charter(data: ReportData, refs: dict[str, str]) -> list:
    story: list = [PageBreak(), _Heading(SECTION_HEADINGS[CHARTER], 0),
                   _p("Progress against each of the ten commitments of the Co-operative Party "
                      "Charter Against Modern Slavery, with the evidence held in the service.",
                      "lead")]
    rows = []
    rags = []
    for commitment in data.charter:
        rags.append(commitment.rag)
        evidence = [
            Paragraph(f"{_text(figure.label)}: <b>{_text(figure.display())}</b> "
                      f"<font color='#505a5f'>({refs[figure.key]})</font>", _styles()["cell"])
            for figure in commitment.evidence
        ]
        if commitment.note:
            evidence.append(_p(commitment.note, "cell_small"))
        rows.append([_p(str(commitment.number), "cell_bold"), _p(commitment.commitment),
                     _rag_paragraph(commitment.rag, commitment.status),
                     evidence or _p("No evidence recorded.")])
    story.append(_table(("No.", "Commitment", "Status", "Evidence"), rows, [28, 168, 62, 222],
                        extra_style=_rag_styles(2, rags)))
    return story


def _risk_band_chart(group: FigureGroup) -> Drawing:
    values = [figure.value or 0 for figure in group.figures]
    drawing = Drawing(CONTENT_WIDTH * 0.62, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 36
    chart.width, chart.height = drawing.width - 44, drawing.height - 48
    chart.data = [values]
    chart.categoryAxis.categoryNames = [_axis_label(figure.label) for figure in group.figures]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.fillColor = TEXT
    chart.valueAxis.valueMin = 0
    top = max(values) if values else 0
    chart.valueAxis.valueMax = max(top * 1.15, 1)
    chart.valueAxis.valueStep = _nice_step(chart.valueAxis.valueMax)
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.labels.fontSize = 8
    chart.valueAxis.labelTextFormat = "{:,.0f}".format
    chart.barLabelFormat = "{:,.0f}".format
    chart.barLabels.fontName = BOLD
    chart.barLabels.fontSize = 8
    chart.barLabels.nudge = 7
    chart.bars.strokeColor = None
    for index in range(len(values)):
        chart.bars[(0, index)].fillColor = BAND_COLOURS[index % len(BAND_COLOURS)]
    drawing.add(chart)
    return drawing


def _short_band(label: str) -> str:
    """'Suppliers rated High' → 'High': the chart axis has room for the band only. Edition 2's
    suppliers awaiting a declaration are 'Awaiting declaration'."""
    if label.startswith("Suppliers awaiting a declaration"):
        return "Awaiting declaration"
    return label.rsplit("rated ", 1)[-1]


def _axis_label(label: str) -> str:
    """Longer band names go on two or three lines so neighbouring labels never overlap."""
    band = _short_band(label)
    if band == "Awaiting declaration":  # edition 2; 'declaration' is too wide for its bar
        return "Awaiting"
    return band if len(band) <= 9 else band.replace(" ", "\n")


def _nice_step(maximum: float) -> float:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000,
                 20000, 25000, 50000, 100000):
        if maximum / step <= 6:
            return step
    return maximum / 5


def _transparency(data: ReportData, refs: dict[str, str]) -> list:
    story: list = [PageBreak(), _Heading(SECTION_HEADINGS[TRANSPARENCY], 0),
                   _p("The measures the council's Modern Slavery Transparency Statement reports "
                      "each year: declarations from suppliers, their s.54 statements, "
                      "re-attestation, risk and the action taken on it.", "lead")]
    for group in data.transparency:
        story += _figure_group(group, refs)
    bands = data.risk_bands
    story += [CondPageBreak(110 * mm), _Heading(bands.title, 1)]
    if bands.note:
        story.append(_p(bands.note, "note"))
    if bands.figures:
        rows = [[_p("Band", "cell_bold"), _p("Suppliers", "cell_bold_number"),
                 _p("Ref", "cell_bold")]]
        for figure in bands.figures:
            rows.append([_p(_short_band(figure.label)), _p(figure.display(), "cell_number"),
                         _p(refs[figure.key], "cell_small")])
        values_table = Table(rows, colWidths=[70, 60, 34], repeatRows=1)
        values_table.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 1.2, TEXT),
            ("LINEBELOW", (0, 1), (-1, -1), 0.5, BORDER),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ]))
        chart_and_values = Table([[_risk_band_chart(bands), values_table]],
                                 colWidths=[CONTENT_WIDTH * 0.64, CONTENT_WIDTH * 0.36])
        chart_and_values.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                              ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
        story.append(KeepTogether([
            chart_and_values,
            _p("Figure 1: suppliers by current risk band at the end of the year. The table "
               "gives the same values as text.", "caption"),
        ]))
    return story


def _action_plan(data: ReportData, refs: dict[str, str]) -> list:
    plan = data.action_plan
    story: list = [PageBreak(), _Heading(SECTION_HEADINGS[ACTION_PLAN], 0)]
    if plan.title:
        story.append(_p(plan.title, "lead"))
        if plan.dates():
            story.append(_p(f"{plan.dates()}.", "body"))
    if plan.note:
        story.append(_p(plan.note, "body"))
    if plan.summary.figures:
        story.append(_figure_table(plan.summary.figures, refs))
    if plan.actions:
        story += [_Heading("Actions", 1)]
        rows = []
        rags = []
        for action in plan.actions:
            rags.append(action.rag)
            rows.append([
                _p(action.ref), _p(action.description), _p(action.lead),
                _p(f"{action.start:%d/%m/%Y}" if action.start else ""),
                _p(f"{action.end:%d/%m/%Y}" if action.end else ""),
                _p(action.progress), _rag_paragraph(action.rag),
            ])
        story.append(_table(("Ref", "Action", "Lead", "Start", "End", "Progress", "RAG"), rows,
                            ACTION_PLAN_WIDTHS[data.edition], extra_style=_rag_styles(6, rags)))
    return story


def _training(data: ReportData, refs: dict[str, str]) -> list:
    story: list = [PageBreak(), _Heading(SECTION_HEADINGS[TRAINING], 0),
                   _p("Training completion by staff group, and referrals the council made. "
                      "Referrals are counts only: the pack holds no personal data.", "lead")]
    for group in data.training:
        story += _figure_group(group, refs)
    return story


def _appendix(data: ReportData, refs: dict[str, str]) -> list:
    story: list = [PageBreak(), _Heading(SECTION_HEADINGS[APPENDIX], 0),
                   _p("Where every figure in this pack comes from: the records and the filter "
                      f"that produced it, for {data.cover.year.label} "
                      f"({data.cover.year.first_day:%d/%m/%Y} to "
                      f"{data.cover.year.last_day:%d/%m/%Y}). The spreadsheet sheet 'Evidence "
                      "index' holds the same list with the rows behind each figure.", "lead")]
    rows = []
    for entry in data.figure_index():
        figure = entry.figure
        rows.append([
            _p(refs[figure.key], "cell_bold"),
            [_p(figure.label), _p(figure.key, "cell_small")],
            _p(figure.display(), "cell_number"),
            _p(figure.source, "cell_small"),
        ])
    story.append(_table(("Ref", "Figure", "Value", "Source"), rows, [30, 170, 70, 210],
                        numeric_columns=(2,)))
    return story


def render_pdf(data: ReportData) -> bytes:
    styles = _STYLE_SET.set(EDITION_2_STYLES if data.edition == 2 else STYLES)
    try:
        return _render(data)
    finally:
        _STYLE_SET.reset(styles)


def _render(data: ReportData) -> bytes:
    refs = data.figure_refs()
    story = (_cover(data) + _contents() + _summary(data, refs) + _charter(data, refs)
             + _transparency(data, refs) + _action_plan(data, refs) + _training(data, refs)
             + _appendix(data, refs))
    output = io.BytesIO()
    document = _PackDocument(output, data)
    document.multiBuild(story, canvasmaker=_numbered_canvas(document.footer_text))
    return output.getvalue()
