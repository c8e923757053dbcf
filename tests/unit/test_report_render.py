"""The Cabinet evidence pack renderers, against hand-built ReportData (no database)."""

from __future__ import annotations

import io
import os
from dataclasses import replace
from datetime import date

import pytest
from openpyxl import load_workbook

from supplier_dd.domain.action_plans import Rag
from supplier_dd.reports.data import (
    PERCENT,
    SECTION_HEADINGS,
    Figure,
    FigureGroup,
    FinancialYear,
    ReportInputError,
    SummaryKpi,
    financial_year_of,
    percent_figure,
    rag_against_target,
)
from supplier_dd.reports.pdf import render_pdf
from supplier_dd.reports.xlsx import SHEET_NAMES, render_xlsx
from tests.report_checks import (
    PDFTOPPM,
    PDFTOTEXT,
    assert_pack_reports,
    pdf_page_count,
    pdf_pages,
    pdf_text,
    render_pages,
    words_outside_content,
    xlsx_evidence_index,
)
from tests.report_samples import empty_report, full_report

# --- the financial year --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["2025/26", "2025-26", " 2025/2026 ", "2025–26"])
def test_financial_year_reads_the_ways_people_write_it(text):
    year = FinancialYear.parse(text)
    assert year.label == "2025/26"
    assert (year.first_day, year.last_day) == (date(2025, 4, 1), date(2026, 3, 31))
    assert year.previous.label == "2024/25"


@pytest.mark.parametrize(("text", "message"), [
    ("", "Enter the financial year, like 2025/26."),
    ("2025", "Enter the financial year like 2025/26, got '2025'."),
    ("next year", "Enter the financial year like 2025/26, got 'next year'."),
    ("2025/27", "so 2025 is followed by 26: enter 2025/26, not 2025/27."),
    ("1999/00", "out of range"),
])
def test_financial_year_explains_bad_input(text, message):
    with pytest.raises(ReportInputError) as error:
        FinancialYear.parse(text)
    assert message in str(error.value)


def test_financial_year_of_a_day_turns_in_april():
    assert financial_year_of(date(2026, 3, 31)).label == "2025/26"
    assert financial_year_of(date(2026, 4, 1)).label == "2026/27"
    assert FinancialYear(1999).label == "1999/00"


# --- figures, RAG and change ------------------------------------------------------------------


def test_rag_is_green_on_target_amber_near_it_and_unrated_without_a_figure():
    assert rag_against_target(95.0, 95.0, True, 10) == Rag.GREEN
    assert rag_against_target(86.0, 95.0, True, 10) == Rag.AMBER
    assert rag_against_target(84.9, 95.0, True, 10) == Rag.RED
    assert rag_against_target(3, 0, False, 5) == Rag.AMBER
    assert rag_against_target(None, 95.0, True, 10) is None
    assert rag_against_target(50.0, None, True, 10) is None


def test_a_share_with_nothing_to_divide_by_says_why():
    tenders = Figure("tenders", "Tenders", 0, "tenders in year")
    declared = Figure("declared", "Declared", 0, "declared tenders")
    coverage = percent_figure("coverage", "Coverage", declared, tenders, "No tenders closed")
    assert coverage.value is None
    assert coverage.display() == "No tenders closed"
    assert coverage.inputs == ("declared", "tenders")
    assert coverage.source == "declared / tenders × 100"


def test_summary_kpi_change_from_previous_year():
    figure = Figure("k", "Coverage", 85.0, "s", PERCENT)
    assert SummaryKpi(figure, 95.0, 78.0).change_display() == "Up 7.0 points"
    assert SummaryKpi(figure, 95.0, None).change_display() == "No comparison"
    count = Figure("n", "High risk", 18, "s")
    assert SummaryKpi(count, 0, 21, higher_is_better=False).change_display() == "Down 3"


def test_report_data_refuses_two_figures_with_one_key():
    data = full_report()
    clash = Figure("tenders.in_year", "Something else", 1, "elsewhere")
    with pytest.raises(ValueError, match="share the key 'tenders.in_year'"):
        replace(data, training=(*data.training, FigureGroup("Clash", (clash,))))


def test_report_data_refuses_a_share_whose_counts_are_not_reported():
    data = full_report()
    part = Figure("hidden.part", "Part", 1, "s")
    whole = Figure("hidden.whole", "Whole", 2, "s")
    orphan = percent_figure("hidden.share", "Share", part, whole, "none")
    with pytest.raises(ValueError, match="does not report: hidden.part, hidden.whole"):
        replace(data, training=(FigureGroup("Orphan", (orphan,)),))


def test_checksum_follows_the_data():
    assert full_report().checksum() == full_report().checksum()
    assert full_report().checksum() != full_report(cover_date=date(2026, 5, 15)).checksum()


# --- the rendered pack ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def full():
    data = full_report()
    return data, render_pdf(data), render_xlsx(data)


@pytest.fixture(scope="module")
def empty():
    data = empty_report()
    return data, render_pdf(data), render_xlsx(data)


def test_pdf_has_every_section_in_cabinet_order(full):
    data, pdf, _xlsx = full
    pages = pdf_pages(pdf)
    # Each section starts a page with its heading, after the cover and the contents.
    starts = [next(number for number, page in enumerate(pages) if page.startswith(heading))
              for heading in SECTION_HEADINGS.values()]
    assert pages[1].startswith("Contents")
    assert starts == sorted(starts) and starts[0] == 2
    text = pdf_text(pdf)
    for expected in ("North Hertfordshire District Council", "2025/26", "14 May 2026",
                     "A. Lawyer, Legal Services", "Version 1.0", "Approved by",
                     data.checksum(), "Page 3 of", "Figure 1: suppliers by current risk band"):
        assert expected in text, expected


def test_every_figure_in_the_pdf_equals_the_xlsx(full):
    data, pdf, xlsx = full
    assert_pack_reports(data, pdf, xlsx)


def test_summary_shows_target_rag_and_change(full):
    _data, pdf, xlsx = full
    text = pdf_text(pdf)
    assert ("Declaration coverage of tenders 85.0% at least 95.0% Amber 78.0% Up 7.0 points F1"
            in text)
    summary = list(load_workbook(io.BytesIO(xlsx))["Summary"].iter_rows(values_only=True))
    assert ("F1", "tenders.declaration_coverage", "Declaration coverage of tenders", 85.0, 95.0,
            "Amber", 78.0, 7.0) == summary[2][:8]


def test_charter_lists_ten_commitments_with_status(full):
    data, pdf, xlsx = full
    text = pdf_text(pdf)
    for commitment in data.charter:
        assert " ".join(commitment.commitment.split()) in text
    assert text.count("Not evidenced") >= 6
    charter = list(load_workbook(io.BytesIO(xlsx))["Charter"].iter_rows(values_only=True))
    assert {row[0] for row in charter[2:] if isinstance(row[0], int)} == set(range(1, 11))


def test_spreadsheet_has_a_sheet_per_section_and_the_rows_behind_figures(full):
    _data, _pdf, xlsx = full
    workbook = load_workbook(io.BytesIO(xlsx))
    assert workbook.sheetnames == ["Cover", *SHEET_NAMES.values()]
    transparency = [row for row in workbook["Transparency KPIs"].iter_rows(values_only=True)]
    listed = [row for row in transparency if row[0] and str(row[0]).startswith("T-")]
    assert len(listed) == 40
    index = xlsx_evidence_index(xlsx)
    assert index["tenders.in_year"]["Rows listed on sheet"] == "Transparency KPIs"
    assert index["tenders.declaration_coverage"]["Calculated from"] == "F14, F13"
    assert workbook["Summary"]["D3"].number_format == '0.0"%"'


def test_a_year_with_no_data_gives_a_clear_valid_pack(empty):
    data, pdf, xlsx = empty
    text = pdf_text(pdf)
    for heading in SECTION_HEADINGS.values():
        assert heading in text
    for message in ("No action plan is recorded for 2025/26.",
                    "No risk assessments are recorded in the service",
                    "No tenders closed in the year", "Not recorded in the service",
                    "Not evidenced"):
        assert message in text, message
    assert_pack_reports(data, pdf, xlsx)
    assert pdf_page_count(pdf) >= 6


def test_the_same_data_gives_the_same_bytes():
    first, second = full_report(), full_report()
    assert render_pdf(first) == render_pdf(second)
    assert render_xlsx(first) == render_xlsx(second)


def test_the_pack_changes_with_its_data():
    assert render_pdf(full_report()) != render_pdf(full_report(cover_date=date(2026, 6, 1)))


def test_long_tables_split_across_pages_with_their_header_repeated():
    data = full_report(actions=80)
    text = pdf_text(render_pdf(data))
    action_header = "Ref Action Lead Start End Progress RAG"
    assert text.count(action_header) >= 5
    assert text.count("Ref Figure Value Source") >= 2


@pytest.mark.skipif(
    (PDFTOPPM is None or PDFTOTEXT is None) and os.environ.get("CI", "").lower() != "true",
    reason="needs poppler-utils (make system-deps installs it; under CI=true this fails instead)",
)
@pytest.mark.parametrize("which", ["full", "empty"])
def test_every_page_renders_and_nothing_runs_off_the_page(which, tmp_path, request):
    _data, pdf, _xlsx = request.getfixturevalue(which)
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    pages = render_pages(path, tmp_path)
    assert len(pages) == pdf_page_count(pdf)
    assert all(page.stat().st_size > 1000 for page in pages)
    assert words_outside_content(path) == []
