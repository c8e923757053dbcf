"""'Awaiting declaration' is its own state (issue 16): a supplier with no submitted declaration
has inherent risk only, and is shown and counted apart from the suppliers assessed High or
Critical on the dashboard, its filters and sort, the heat map, the trend and the exports. The
stored assessment keeps what the model scored."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from supplier_dd.models import Contract
from supplier_dd.models.risk import AWAITING_DECLARATION_RANK
from supplier_dd.services.risk import current_assessment, rescore_suppliers
from supplier_dd.services.risk_dashboard import (
    DashboardFilters,
    band_counts_over_time,
    dashboard_page,
    forget_headline,
    headline,
)
from tests.factories import make_supplier
from tests.integration.test_risk_workflow import officer_client as _officer_client
from tests.integration.test_risk_workflow import submitted_declaration
from tests.risk_helpers import summary_row
from tests.unit.test_risk_scoring import BEST

NOW = datetime(2026, 11, 20, 9, 0)


officer_client = _officer_client  # the fixture, signed in as an officer


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture(autouse=True)
def fresh_headline_counts():
    forget_headline()


def _cleaner(session, name):
    supplier = make_supplier(session, name=name)
    session.add(Contract(reference=f"C-{name[:4]}", title="Office cleaning", category="Cleaning",
                         cpv_code="90910000", value=Decimal("1450000"), supplier=supplier))
    session.flush()
    return supplier


@pytest.fixture
def two_cleaners(session):
    """The same high-risk work: one declared (assessed High), one that has not declared."""
    declared = _cleaner(session, "Brightwater Cleaning Ltd")
    submitted_declaration(session, declared, BEST | {"wf_id_documents": "yes"})
    waiting = _cleaner(session, "Quietwater Cleaning Ltd")
    rescore_suppliers(session, [waiting.id], NOW)
    session.commit()
    forget_headline()
    return declared, waiting


def test_an_undeclared_supplier_is_awaiting_declaration_not_rated(session, two_cleaners):
    declared, waiting = two_cleaners
    stored = current_assessment(session, waiting.id)
    # The assessment keeps the model's inherent-only figures, as scored...
    assert stored.declaration_id is None and stored.residual_band in ("High", "Critical")
    # ...but that is not a rating: it reads, ranks and counts as awaiting a declaration.
    assert stored.rating == "Awaiting declaration"
    summary = summary_row(session, waiting.id)
    assert summary.residual_rank == AWAITING_DECLARATION_RANK and summary.residual_band is None
    assert summary.inherent_band == stored.inherent_band

    counts = headline(session, NOW.date())
    assert counts.by_band["High"] + counts.by_band["Critical"] == 1
    assert counts.awaiting == 1 and sum(counts.assessed.values()) == 1
    # Nothing to review until it declares: only the declared supplier's assessment is.
    assert counts.to_review == 1 and summary.review_status is None


def test_the_rating_filter_and_sort_keep_awaiting_suppliers_apart(session, two_cleaners):
    declared, waiting = two_cleaners

    def shown(**filters):
        rows, total = dashboard_page(session, DashboardFilters(**filters), 1, 50, NOW.date())
        return [row.supplier_id for row in rows]

    assert shown(band="High") == [declared.id]
    assert shown(band="Awaiting declaration") == [waiting.id]
    # Worst rating first: the assessed High supplier before the one awaiting a declaration.
    assert shown() == [declared.id, waiting.id]
    assert shown(order="asc") == [waiting.id, declared.id]


def test_the_dashboard_and_exports_show_awaiting_declaration(session, officer_client,
                                                              two_cleaners):
    page = _words(officer_client.get("/officer/risk/").data.decode())
    assert "Assessed suppliers: 1" in page
    assert "Awaiting declaration 1 suppliers" in page
    assert "Quietwater Cleaning Ltd" in page

    rows = list(csv.reader(io.StringIO(
        officer_client.get("/officer/risk/export.csv").data.decode("utf-8-sig"))))
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Quietwater Cleaning Ltd"][4] == "Awaiting declaration"
    assert by_name["Quietwater Cleaning Ltd"][5] == ""  # no residual score
    assert by_name["Brightwater Cleaning Ltd"][4] == "High"
    sheet = load_workbook(io.BytesIO(officer_client.get("/officer/risk/export.xlsx").data)).active
    ratings = {row[0]: (row[4], row[5]) for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert ratings["Quietwater Cleaning Ltd"] == ("Awaiting declaration", None)


def test_the_heat_map_and_trend_count_awaiting_suppliers_apart(session, officer_client,
                                                               two_cleaners):
    declared, waiting = two_cleaners
    page = officer_client.get("/officer/risk/overview").data.decode()
    inherent = current_assessment(session, waiting.id).inherent_band
    # The heat map's table: the awaiting column counts the supplier, with no residual band.
    table = page[page.index("Heat map as a table"):page.index("Ratings over time")]
    header = re.search(r"<thead.*?</thead>", table, re.S).group(0)
    assert _words(header).endswith("Awaiting declaration")
    row = re.search(rf'<th scope="row"[^>]*>{inherent}</th>(.*?)</tr>', table, re.S).group(1)
    cells = [_words(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[-1] == "1"
    series = band_counts_over_time(session, NOW.date(), months=1)
    (_end, counts), = series
    assert counts["Awaiting declaration"] == 1
    assert counts["High"] + counts["Critical"] == 1
