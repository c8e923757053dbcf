"""The trend charts' data and geometry (issue 19): which years are shown, what the text
alternative says, and where the bars go."""

from __future__ import annotations

import pytest

from supplier_dd.reports import charts
from supplier_dd.reports.trends import (
    ALL_STAFF_TRAINING_KEY,
    COVERAGE,
    COVERAGE_KEY,
    PROCUREMENT_TRAINING_KEY,
    REATTESTATION,
    RISK_BANDS,
    YEARS_SHOWN,
    Trend,
    YearValues,
    build_trends,
    trends_from_json,
)

BANDS = ("risk.band.low", "risk.band.high", "risk.not_assessed")
LABELS = {"risk.band.low": "Suppliers rated Low", "risk.band.high": "Suppliers rated High",
          "risk.not_assessed": "Suppliers rated Not assessed"}


def year(label: str, **values) -> YearValues:
    keyed = {key.replace("__", "."): value for key, value in values.items()}
    return YearValues(label, keyed, LABELS)


def by_key(trends: tuple[Trend, ...], key: str) -> Trend:
    return next(trend for trend in trends if trend.key == key)


def test_years_before_the_council_used_the_service_are_left_out():
    history = [
        # Contracts were live (0% declared), but nobody had declared or been rated yet.
        year("2022/23", contracts__declaration_coverage=0.0, contracts__live=12),
        year("2023/24", contracts__declaration_coverage=0.0, contracts__live=12),
        year("2024/25", declarations__submitted=9, contracts__declaration_coverage=40.0,
             risk__band__low=3),
        year("2025/26", declarations__submitted=14, contracts__declaration_coverage=62.5,
             risk__band__low=8),
    ]
    trends = build_trends(history, {COVERAGE_KEY: "F2"}, BANDS)
    coverage = by_key(trends, COVERAGE)
    assert coverage.years == ("2024/25", "2025/26")
    assert coverage.series[0].ref == "F2"
    assert [p.value for p in coverage.series[0].points] == [40.0, 62.5]


def test_no_more_than_five_years_are_shown_the_newest_last():
    history = [year(f"{2015 + n}/{16 + n}", declarations__submitted=n + 1) for n in range(8)]
    trends = build_trends(history, {}, BANDS)
    assert len(trends[0].years) == YEARS_SHOWN
    assert trends[0].years[-1] == "2022/23"


def test_the_text_alternative_says_every_year_and_which_years_have_no_records():
    history = [year("2024/25", declarations__submitted=3, reattestation__on_time_share=None),
               year("2025/26", declarations__submitted=5, reattestation__due=4,
                    reattestation__on_time_share=75.0)]
    trend = by_key(build_trends(history, {}, BANDS), REATTESTATION)
    words = trend.text_alternative()
    assert words.startswith("Re-attestations on time, 2024/25 to 2025/26.")
    assert "No records in 2024/25" in words
    assert "75.0% in 2025/26" in words


def test_risk_bands_stack_and_the_words_name_each_band_with_its_count():
    history = [year("2024/25", declarations__submitted=2, risk__band__low=2, risk__band__high=5),
               year("2025/26", declarations__submitted=2, risk__band__low=6, risk__band__high=1)]
    trend = by_key(build_trends(history, {"risk.band.high": "F58"}, BANDS), RISK_BANDS)
    assert trend.stacked
    assert trend.totals() == (7, 7)
    assert [s.label for s in trend.series] == ["Low", "High", "Not assessed"]
    assert trend.series[1].ref == "F58"
    assert "2024/25: Low 2, High 5; 2025/26: Low 6, High 1." in trend.text_alternative()


def test_the_all_staff_series_takes_the_pack_reference_it_was_given():
    history = [year("2025/26", declarations__submitted=1, training__all_staff__share=79.2,
                    training__procurement_team__share=80.0)]
    trends = build_trends(history, {ALL_STAFF_TRAINING_KEY: "F70",
                                    PROCUREMENT_TRAINING_KEY: "F7"}, BANDS)
    training = trends[-1]
    assert [(s.label, s.ref, s.points[0].value) for s in training.series] == [
        ("Procurement team", "F7", 80.0), ("All staff", "F70", 79.2)]


def test_trends_survive_the_json_they_are_frozen_in():
    history = [year("2025/26", declarations__submitted=1, risk__band__low=4,
                    contracts__declaration_coverage=50.0)]
    trends = build_trends(history, {COVERAGE_KEY: "F2"}, BANDS)
    assert trends_from_json([t.as_json() for t in trends]) == trends


@pytest.fixture
def coverage_trend() -> Trend:
    history = [year("2024/25", declarations__submitted=1, contracts__declaration_coverage=25.0),
               year("2025/26", declarations__submitted=1, contracts__declaration_coverage=None),
               year("2026/27", declarations__submitted=1, contracts__declaration_coverage=100.0)]
    return by_key(build_trends(history, {}, BANDS), COVERAGE)


def test_percent_bars_stand_on_a_0_to_100_axis_in_proportion(coverage_trend):
    layout = charts.layout(coverage_trend)
    plot = layout.baseline - layout.plot_top
    bars = [bar for bar in layout.bars if bar.colour == charts.PERCENT_COLOURS[0]]
    assert [bar.label for bar in bars] == ["25.0%", "100.0%"]
    assert bars[0].height == pytest.approx(plot / 4)
    assert bars[1].height == pytest.approx(plot)
    assert bars[1].y == pytest.approx(layout.plot_top)
    assert [tick.text for tick in layout.ticks] == ["0%", "25%", "50%", "75%", "100%"]


def test_a_year_with_no_figure_is_marked_no_records_not_drawn_as_zero(coverage_trend):
    layout = charts.layout(coverage_trend)
    middle = layout.years[1].x
    assert [label.x for label in layout.no_records] == [middle]
    assert not [bar for bar in layout.bars
                if abs(bar.x + bar.width / 2 - middle) < 40 and bar.label]


def test_the_band_legend_leaves_out_bands_no_year_has():
    history = [year("2025/26", declarations__submitted=1, risk__band__low=3, risk__band__high=0)]
    trend = by_key(build_trends(history, {}, BANDS), RISK_BANDS)
    layout = charts.layout(trend)
    assert [item.text for item in layout.legend] == ["Low"]
    # The axis's top is a round number above the tallest bar.
    assert layout.ticks[-1].text == "5"
