"""The Cabinet covering report (issue 19) read back as committee services open it in Word: its
headings, recommendations, the headline figures table, its properties and what is left for the
council to write."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import docx
from docx.oxml.ns import qn
from docx.table import Table

from supplier_dd.reports.covering_report import TO_COMPLETE, covering_report_docx, download_name
from tests.report_samples import empty_report, full_report

COUNCIL = "North Hertfordshire District Council"
AUTHOR = "Committee Services, Democratic Services"


def _open(content: bytes):
    return docx.Document(io.BytesIO(content))


def _report(report=None):
    return _open(covering_report_docx(report or full_report(), council=COUNCIL, author=AUTHOR))


def _headings(document) -> list[tuple[int, str]]:
    found = []
    for paragraph in document.paragraphs:
        name = paragraph.style.name
        if name.startswith("Heading "):
            found.append((int(name.removeprefix("Heading ")), paragraph.text))
    return found


def _rows(table: Table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def _is_header_row(row) -> bool:
    properties = row._tr.trPr
    return properties is not None and properties.find(qn("w:tblHeader")) is not None


def _section_text(document, heading: str) -> list[str]:
    """The paragraphs under a Heading 2, up to the next heading."""
    texts, inside = [], False
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith("Heading"):
            inside = paragraph.text == heading
        elif inside:
            texts.append(paragraph.text)
    return texts


def test_the_report_reads_in_the_order_of_a_cabinet_report_with_word_headings():
    document = _report()
    assert document.paragraphs[0].style.name == "Title"
    assert "2025/26" in document.paragraphs[0].text
    assert _headings(document) == [
        (1, "Purpose of the report"),
        (1, "Recommendations"),
        (1, "Background"),
        (2, "The Charter Against Modern Slavery"),
        (2, "The Modern Slavery Transparency Statement"),
        (2, "Headline figures"),
        (2, "Progress on the Charter's commitments"),
        (2, "The action plan"),
        (1, "Implications"),
        (2, "Financial"),
        (2, "Legal"),
        (2, "Equalities"),
        (2, "Risk"),
        (1, "Appendices"),
    ]


def test_the_recommendations_are_numbered_and_ask_for_approval_notes_and_publication():
    recommendations = [p.text for p in _report().paragraphs if p.style.name == "List Number"]
    assert len(recommendations) == 3
    approve, note, publish = recommendations
    assert approve.startswith("That Cabinet approves the Modern Slavery Transparency Statement "
                              "for 2025/26")
    assert approve.endswith("(Appendix B).")
    assert note.startswith("That Cabinet notes the progress")
    assert "ten commitments of the Charter" in note and "action plan" in note
    assert note.endswith("(Appendix A) reports it.")
    assert publish.startswith("That Cabinet authorises publication")
    assert "council's website" in publish and "Home Office's modern slavery statement " \
        "registry" in publish


def test_the_headline_figures_table_has_a_header_row_and_the_packs_values_and_references():
    report = full_report()
    refs = report.figure_refs()
    table = _report(report).tables[0]
    rows = _rows(table)
    assert rows[0] == ["Measure", "This year 2025/26", "Last year 2024/25", "Change",
                       "Target", "RAG", "Ref"]
    assert _is_header_row(table.rows[0])
    assert not any(_is_header_row(row) for row in table.rows[1:])
    assert rows[1] == ["Declaration coverage of tenders", "85.0%", "78.0%", "Up 7.0 points",
                       "at least 95.0%", "Amber", "F1"]
    assert rows[4] == ["Re-attestations on time", "92.5%", "No figure", "No comparison",
                       "at least 90.0%", "Green", "F4"]
    assert rows[5] == ["Suppliers rated High or Critical", "18", "21", "Down 3", "at most 0",
                       "Amber", "F5"]
    # Every headline measure, as the pack prints it, with the pack's reference.
    assert [(row[0], row[1], row[6]) for row in rows[1:]] == [
        (kpi.figure.label, kpi.figure.display(), refs[kpi.figure.key]) for kpi in report.summary]
    # The table's alternative text, for a screen reader's table list.
    properties = table._tbl.tblPr
    assert properties.find(qn("w:tblCaption")).get(qn("w:val")) == "Headline figures for 2025/26"


def test_the_headline_figures_are_also_written_out_in_sentences():
    sentences = _section_text(_report(), "Headline figures")
    assert ("Declaration coverage of tenders: 85.0% (F1), against a target of at least 95.0% "
            "(RAG amber); up from 78.0% in 2024/25.") in sentences
    assert ("Re-attestations on time: 92.5% (F4), against a target of at least 90.0% "
            "(RAG green); no figure for 2024/25 to compare.") in sentences
    assert ("Suppliers rated High or Critical: 18 (F5), against a target of at most 0 "
            "(RAG amber); down from 21 in 2024/25.") in sentences


def test_each_charter_commitment_is_listed_with_its_status_and_evidence():
    report = full_report()
    table = _report(report).tables[1]
    rows = _rows(table)
    assert rows[0] == ["No.", "Commitment", "Status", "Evidence"]
    assert _is_header_row(table.rows[0])
    assert [row[0] for row in rows[1:]] == [str(number) for number in range(1, 11)]
    assert rows[1][1:] == [report.charter[0].commitment, "Partly met", "F7, F8, F6"]
    assert rows[3][2:] == ["Not evidenced", "No evidence recorded in the service"]
    assert ("Of the Charter's ten commitments, by the evidence held in the service: 0 met, "
            "3 partly met, 0 not met, and 7 not evidenced in the service."
            ) in " ".join(_section_text(_report(report), "Progress on the Charter's commitments"))


def test_every_implication_is_prefilled_and_marked_for_committee_services_to_complete():
    document = _report()
    for heading in ("Financial", "Legal", "Equalities", "Risk"):
        paragraphs = _section_text(document, heading)
        prefilled = [text for text in paragraphs if not text.startswith(TO_COMPLETE)]
        to_complete = [text for text in paragraphs if text.startswith(TO_COMPLETE)]
        assert prefilled and len(to_complete) == 1, heading
        assert len(to_complete[0]) > len(TO_COMPLETE) + 10, "says what to write"
    legal = " ".join(_section_text(document, "Legal"))
    assert "Modern Slavery Act 2015" in legal and "Procurement Act 2023" in legal
    assert "Suppliers rated High or Critical: 18 (F5)" in " ".join(_section_text(document, "Risk"))
    # The marker stands out to the eye as well as in words.
    marker = next(run for paragraph in document.paragraphs for run in paragraph.runs
                  if run.text == TO_COMPLETE)
    assert marker.bold and marker.font.highlight_color is not None


def test_the_title_author_language_and_dates_are_the_reports_own():
    properties = _report().core_properties
    assert properties.title == (f"{COUNCIL}: Cabinet covering report, modern slavery annual "
                                "evidence pack and Transparency Statement 2025/26")
    assert properties.author == AUTHOR and properties.last_modified_by == AUTHOR
    assert properties.language == "en-GB"
    cover_day = datetime(2026, 5, 14, tzinfo=UTC)
    assert properties.created == cover_day and properties.modified == cover_day
    assert properties.subject == f"Evidence pack data checksum {full_report().checksum()}"


def test_text_is_british_english_for_spelling_and_screen_readers():
    document = _report()
    language = document.styles.element.find(qn("w:docDefaults")).find(
        qn("w:rPrDefault")).find(qn("w:rPr")).find(qn("w:lang"))
    assert language.get(qn("w:val")) == "en-GB"
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_same_data_gives_the_same_document_byte_for_byte():
    first = covering_report_docx(full_report(), council=COUNCIL, author=AUTHOR)
    again = covering_report_docx(full_report(), council=COUNCIL, author=AUTHOR)
    assert first == again
    later = covering_report_docx(full_report(), council=COUNCIL, author="Someone Else")
    assert later != first


def test_a_year_with_nothing_recorded_says_so_rather_than_inventing_figures():
    document = _report(empty_report())
    sentences = _section_text(document, "Headline figures")
    assert "Declaration coverage of tenders: No tenders closed in the year (F1)." in sentences
    assert _rows(document.tables[0])[1][1:3] == ["No tenders closed in the year", "No figure"]
    assert _section_text(document, "The action plan") == [
        "No action plan is recorded for 2025/26."]


def test_a_stray_control_character_in_a_name_does_not_stop_the_document():
    document = _open(covering_report_docx(full_report(), council="North\x0b Herts",
                                          author="A\x00 Person"))
    assert document.core_properties.author == "A Person"
    assert "Council: North Herts" in [p.text for p in document.paragraphs]


def test_the_file_is_named_for_the_council_and_the_year():
    assert download_name("north-herts", full_report()) == \
        "north-herts-cabinet-covering-report-2025-26.docx"


def test_the_report_reads_the_same_in_word_and_libreoffice():
    """One font everywhere (the template's theme fonts are replaced by serif faces where
    Calibri is missing) and tables laid out by their column widths, not their longest word."""
    document = _report(full_report())
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Caption", "List Bullet"):
        style = document.styles[name]
        assert style.font.name == "Arial", name
        fonts = style.element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:asciiTheme")) is None and fonts.get(qn("w:hAnsiTheme")) is None
    for table in document.tables:
        assert table.autofit is False
        widths = [column.width.mm for column in table.columns]
        assert round(sum(widths)) == 160  # the text width between 25 mm margins
