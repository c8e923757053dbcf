"""Year on year (issue 19): the demo council has three years of history, and the statement's
trend charts and "progress since last year" show it, every point traceable to a pack's
evidence index."""

from __future__ import annotations

import re

import pytest

from supplier_dd.demo.partnership import first_council
from supplier_dd.models import User
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import act_for
from supplier_dd.reports.data import FinancialYear, financial_year_of
from supplier_dd.reports.editions import default_edition
from supplier_dd.reports.queries import build_report_data
from supplier_dd.reports.statement import StatementFigures, progress_sentence
from supplier_dd.reports.trends import (
    COVERAGE,
    COVERAGE_KEY,
    PROCUREMENT_TRAINING_KEY,
    REATTESTATION,
    REATTESTATION_KEY,
    RISK_BANDS,
    TRAINING,
)
from supplier_dd.services import audit
from supplier_dd.services import statements as service
from tests.helpers import FormClient, text_of, words_of


@pytest.fixture
def demo_statement(runner, session):
    """The demo loaded and this year's statement drafted by its legal officer."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    act_for(session, first_council(session).id)
    legal = session.query(User).filter_by(email="legal@council.example").one()
    now = utcnow()
    year = financial_year_of(now.date())
    statement = service.start_draft(session, year.label, legal, now,
                                    audit.actor_or(None, legal))
    session.commit()
    return session, statement, year


def test_the_demo_council_has_three_years_in_every_chart(demo_statement):
    _session, statement, year = demo_statement
    figures = StatementFigures.from_json(statement.figures)
    expected = tuple(FinancialYear(year.start_year - n).label for n in (2, 1, 0))
    assert {trend.key for trend in figures.trends} == {RISK_BANDS, COVERAGE, REATTESTATION,
                                                       TRAINING}
    for trend in figures.trends:
        assert trend.years == expected, trend.title
    # Each earlier year has records of its own: bands rated, contracts declared, training.
    bands = figures.trend(RISK_BANDS)
    assert all(total > 0 for total in bands.totals())
    coverage = figures.trend(COVERAGE).series[0]
    assert all(point.value for point in coverage.points)
    training = figures.trend(TRAINING).series[0]
    assert [point.value is not None for point in training.points] == [True, True, True]


def test_each_years_point_is_that_years_pack_figure(demo_statement):
    """The newest point is this year's pack figure, under the reference the chart gives it;
    each earlier point is the same figure in that year's pack (counted by this year's
    edition, as the pack's "last year" column counts it)."""
    session, statement, year = demo_statement
    figures = StatementFigures.from_json(statement.figures)
    edition = default_edition(year)
    packs = {}
    for offset in (2, 1, 0):
        each = FinancialYear(year.start_year - offset)
        as_of = statement.figures_as_of if offset == 0 else each.last_day
        packs[each.label] = build_report_data(session, each, as_of, "Test", edition=edition)
    this_year = packs[year.label]
    refs = this_year.figure_refs()
    checked = 0
    for trend in figures.trends:
        for series in trend.series:
            key = series.key if series.key in refs else None
            if key is None:  # the all-staff measure stands for its course's figure
                continue
            assert series.ref == refs[key], (trend.title, series.label)
            for point in series.points:
                assert point.value == packs[point.year].figure(key).value, (
                    trend.title, series.label, point.year)
                checked += 1
    assert checked >= 3 * 8


def test_progress_since_last_year_names_last_years_figures_with_references(demo_statement):
    session, statement, year = demo_statement
    figures = StatementFigures.from_json(statement.figures)
    trends = {trend.key: trend for trend in figures.trends}
    sentence = progress_sentence(figures.progress)
    by_key = {p.figure.key: p for p in figures.progress}
    for key, trend_key in ((COVERAGE_KEY, COVERAGE), (REATTESTATION_KEY, REATTESTATION),
                           (PROCUREMENT_TRAINING_KEY, TRAINING)):
        progress = by_key[key]
        series = next(s for s in trends[trend_key].series if s.key == key)
        last_year = series.points[-2]
        # The chart's last-year point is the progress table's "last year".
        assert progress.previous_display == last_year.display(trends[trend_key].unit)
        if progress.change_display not in ("No change", "No comparison"):
            assert f"to {progress.figure.display} ({progress.figure.ref})" in sentence
    assert re.search(r"from \d+\.\d% to \d+\.\d% \(F\d+\)", sentence)


def test_the_statement_page_draws_each_chart_with_its_words_and_table(app, demo_statement):
    session, statement, year = demo_statement
    app.test_client_class = FormClient
    client = app.test_client()
    client.sign_in("legal@council.example", "demo-password-for-tests")
    response = client.get(f"/reports/statements/{statement.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    figures = StatementFigures.from_json(statement.figures)
    for trend in figures.trends:
        words = trend.text_alternative()
        # The picture's accessible name and the sentence under it.
        assert f'<title id="chart-{trend.key}-title">{words}</title>' in html.replace(
            "&#39;", "'")
        assert f'id="chart-{trend.key}-data"' in html
    text = text_of(response)
    # The supply chain: each PPN 02/23 category's contracts and value, with their references.
    categories = figures.ppn_categories()
    assert len(categories) >= 5
    words = words_of(response)
    table = words.split("Contracts live in the year by PPN 02/23 category", 1)[1]
    for category in categories:
        assert (f"{category.label} {category.contracts.display} ({category.contracts.ref}) "
                f"{category.value.display} ({category.value.ref})") in table
        assert category.value.display.startswith("£")
    coverage = figures.trend(COVERAGE).series[0]
    assert f"{coverage.label} ({coverage.ref})" in text
    for point in coverage.points:
        assert point.year in text and point.display("percent") in text
