"""A printable PDF of a submitted declaration, for the supplier's and the council's files."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from supplier_dd.domain.questionnaire import Questionnaire, answer_lines, triggered_red_flags
from supplier_dd.models import Declaration

_STYLES = getSampleStyleSheet()
_BODY = ParagraphStyle("body", parent=_STYLES["BodyText"], fontSize=9.5, leading=12)
_KEY = ParagraphStyle("key", parent=_BODY, fontName="Helvetica-Bold")
_SMALL = ParagraphStyle("small", parent=_BODY, fontSize=8, leading=10, textColor=colors.grey)

# Which proportionate form the declaration was asked (questionnaire v2, domain.form_level).
FORM_NAMES = {"core": "short form", "medium": "longer form", "high": "full form"}


def _paragraph(text: str, style=_BODY) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def _format_time(value) -> str:
    return f"{value.day} {value:%B %Y} at {value:%H:%M} UTC" if value else ""


def declaration_pdf(declaration: Declaration, questionnaire: Questionnaire,
                    answers: dict[str, Any], council_name: str, reference: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title=f"{questionnaire.title} {reference}",
        author=declaration.supplier.name, subject=council_name,
    )
    story: list = [
        Paragraph(escape(council_name), _SMALL),
        Paragraph(escape(questionnaire.title), _STYLES["Title"]),
    ]
    facts = [
        ("Reference", reference),
        ("Supplier", declaration.supplier.name),
        ("Status", declaration.status.capitalize()),
        ("Questionnaire", f"{questionnaire.id} version {questionnaire.version}"
                          + (f", {FORM_NAMES[questionnaire.form_level]}"
                             if questionnaire.form_level in FORM_NAMES else "")),
        ("Signed by", f"{declaration.signatory_name}, {declaration.signatory_role}"),
        ("Submitted", _format_time(declaration.submitted_at)),
        ("From IP address", declaration.submitted_ip or "Not recorded"),
        ("SHA-256 of answers", declaration.answers_sha256 or ""),
    ]
    if declaration.supersedes_id:
        facts.append(("Replaces", f"DEC-{declaration.supersedes_id:06d}"))
    if declaration.superseded_at:
        facts.append(("Replaced on", _format_time(declaration.superseded_at)))
    story.append(_table([(k, v) for k, v in facts]))
    flags = triggered_red_flags(questionnaire, answers)
    if flags:
        story += [Spacer(1, 4 * mm), Paragraph("Answers needing attention", _STYLES["Heading2"])]
        for question, option in flags:
            title = questionnaire.red_flags[option.red_flag]["title"]
            story.append(_paragraph(f"{title}: {question.short} - {option.label}"))
    shown = [q for q in questionnaire.questions if q.id in answers]
    for section in questionnaire.sections:
        rows = [(q.short, "\n".join(answer_lines(q, answers[q.id])))
                for q in shown if q.section == section.id]
        if rows:
            story += [Spacer(1, 4 * mm), Paragraph(escape(section.title), _STYLES["Heading2"]),
                      _table(rows)]
    story += [
        Spacer(1, 6 * mm),
        _paragraph(
            "The signatory confirmed that the answers are true and complete, and that they have "
            "authority to make this declaration for the organisation.", _SMALL),
    ]
    document.build(story)
    return buffer.getvalue()


def _table(rows: list[tuple[str, str]]) -> Table:
    table = Table(
        [[_paragraph(key, _KEY), _paragraph(value)] for key, value in rows],
        colWidths=[60 * mm, None],
    )
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]))
    return table
