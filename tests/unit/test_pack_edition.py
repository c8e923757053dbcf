"""Where the pack's accessible editions put each trend chart, and what they say of the evidence
rows they leave out (reports/pack_edition.py)."""

from __future__ import annotations

from datetime import date, datetime

from supplier_dd.reports.data import TRANSPARENCY, EvidenceTable, Figure, FigureGroup
from supplier_dd.reports.pack_edition import (
    EvidencePreview,
    cell_text,
    charts_left,
    with_charts,
)
from supplier_dd.reports.trends import Trend, TrendPoint, TrendSeries


def _trend(key: str, *series_refs: str) -> Trend:
    return Trend(key, key, "count", False, tuple(
        TrendSeries(f"{key}.{ref}", ref, ref, (TrendPoint("2026-27", 1),))
        for ref in series_refs))


def _group(title: str, *keys: str) -> FigureGroup:
    return FigureGroup(title, tuple(Figure(key, key, 1, "source") for key in keys))


REFS = {key: f"F{number}" for number, key in enumerate(
    ("high", "low", "medium", "training"), start=1)}


def test_a_chart_goes_with_the_group_reporting_most_of_its_series():
    high_risk = _group("High and critical risk", "high")
    bands = _group("Risk band distribution", "low", "medium", "high")
    risk_chart = _trend("risk_bands", "F2", "F3", "F1")
    placed = with_charts((high_risk, bands), (risk_chart,), REFS)
    assert [entry.charts for entry in placed] == [(), (risk_chart,)]


def test_a_chart_no_group_reports_is_left_for_the_end():
    training = _trend("training", "F4")
    placed = with_charts((_group("Risk band distribution", "low"),), (training,), REFS)
    assert placed[0].charts == ()
    assert charts_left((training,), placed) == (training,)


def _preview(listed: int, total: int, shown: int) -> EvidencePreview:
    rows = tuple((f"row {number}",) for number in range(listed))
    table = EvidenceTable(TRANSPARENCY, "Contracts", ("low",), ("Reference",), rows, total)
    return EvidencePreview(table, ("F2",), rows[:shown])


def test_the_note_says_how_many_rows_are_left_out_and_where_they_are():
    assert _preview(3, 3, 3).note() == "All 3 rows."
    assert _preview(0, 0, 0).note() == "No rows: nothing matched the filter."
    assert _preview(12, 12, 10).note() == (
        "The first 10 of 12 rows: 2 are left out here; the spreadsheet lists all 12.")
    # More rows than the spreadsheet lists: the figure still counts them all.
    assert _preview(50, 5_200, 10).note() == (
        "The first 10 of 5,200 rows: 5,190 are left out here; the spreadsheet lists the first "
        "50 and the figures count every row.")
    assert _preview(11, 11, 10).note().startswith("The first 10 of 11 rows: 1 is left out")


def test_cells_read_as_dates_and_words():
    assert [cell_text(cell) for cell in (
        "2026-05-21T14:17:37.968878", "2026-05-15", date(2026, 1, 2),
        datetime(2026, 1, 2, 3, 4), None, 44, "NHDC-2020-002", "2026-13-45")] == [
        "21 May 2026 at 14:17", "15 May 2026", "2 January 2026", "2 January 2026 at 03:04",
        "", "44", "NHDC-2020-002", "2026-13-45"]
