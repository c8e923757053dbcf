"""The risk dashboard's column headers sort the table on the server (issue 21): plain links that
keep the filters, aria-sort on the current column, the order done in SQL over indexed columns."""

from __future__ import annotations

from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest

from supplier_dd.domain.risk.residual import EXCLUDED_RANK
from supplier_dd.models import SupplierRiskSummary
from supplier_dd.services.risk_dashboard import SORT_COLUMNS
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import text_of
from tests.risk_helpers import summary_row

CRITICAL, HIGH, NOT_ASSESSED = 3, 2, -1


class _Headers(HTMLParser):
    """Each column header of the suppliers table: its aria-sort and its link's query."""

    def __init__(self):
        super().__init__()
        self.headers: list[dict] = []
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "thead":
            self._in_head = True
        elif self._in_head and tag == "th":
            self.headers.append({"aria-sort": attrs.get("aria-sort"), "link": None})
        elif self._in_head and tag == "a" and self.headers:
            self.headers[-1]["link"] = parse_qs(urlsplit(attrs["href"]).query)

    def handle_endtag(self, tag):
        if tag == "thead":
            self._in_head = False


def _headers(response) -> list[dict]:
    parser = _Headers()
    parser.feed(response.get_data(as_text=True))
    return parser.headers


@pytest.fixture
def suppliers(session):
    """Four suppliers whose rating order and residual-score order differ."""
    rows = {
        # name: (rank, residual, inherent, maturity, red flags, review, next due)
        "Alpha Cleaning Ltd": (CRITICAL, 40, 80, 20.0, 2, "to_review", date(2026, 1, 1)),
        "Bravo Builders Ltd": (EXCLUDED_RANK, 10, 30, 90.0, 0, "accepted", date(2025, 6, 1)),
        "Charlie Catering Ltd": (HIGH, 70, 50, 50.0, 5, "queried", None),
        "Delta Digital Ltd": (NOT_ASSESSED, 0, None, None, 0, None, None),
    }
    for name, (rank, residual, inherent, maturity, flags, review, due) in rows.items():
        supplier = make_supplier(session, name=name, sector="Construction" if "Bu" in name
                                 else None)
        summary = summary_row(session, supplier.id)
        summary.residual_rank, summary.residual_score = rank, residual
        summary.residual_band = None if rank == NOT_ASSESSED else "set"
        summary.inherent_score, summary.maturity_percent = inherent, maturity
        summary.red_flag_count, summary.review_status, summary.next_due_on = flags, review, due
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    return list(rows)


def _order(client, query: str) -> list[str]:
    page = text_of(client.get(f"/officer/risk/{query}"))
    names = ["Alpha", "Bravo", "Charlie", "Delta"]
    return sorted(names, key=lambda name: page.index(f"{name} "))


def test_headers_sort_each_column_both_ways_with_empty_values_last(client, suppliers):
    client.sign_in("officer@example.org", PASSWORD)
    # The rating ranks a knock-out above Critical though its score is the lowest.
    assert _order(client, "") == ["Bravo", "Alpha", "Charlie", "Delta"]
    assert _order(client, "?sort=rating&order=asc") == ["Delta", "Charlie", "Alpha", "Bravo"]
    assert _order(client, "?sort=residual&order=desc") == ["Charlie", "Alpha", "Bravo", "Delta"]
    assert _order(client, "?sort=inherent&order=desc") == ["Alpha", "Charlie", "Bravo", "Delta"]
    assert _order(client, "?sort=inherent&order=asc") == ["Bravo", "Charlie", "Alpha", "Delta"]
    assert _order(client, "?sort=maturity&order=asc") == ["Alpha", "Charlie", "Bravo", "Delta"]
    assert _order(client, "?sort=red_flags&order=desc")[:2] == ["Charlie", "Alpha"]
    assert _order(client, "?sort=review&order=asc") == ["Bravo", "Charlie", "Alpha", "Delta"]
    assert _order(client, "?sort=next_due&order=asc")[:2] == ["Bravo", "Alpha"]
    assert _order(client, "?sort=name&order=desc") == ["Delta", "Charlie", "Bravo", "Alpha"]
    # An unknown column or order falls back to the default rather than failing.
    assert _order(client, "?sort=password&order=sideways") == ["Bravo", "Alpha", "Charlie",
                                                               "Delta"]


def test_header_links_keep_the_filters_and_mark_the_current_column(client, suppliers):
    client.sign_in("officer@example.org", PASSWORD)
    response = client.get("/officer/risk/?sort=residual&order=desc&q=ltd&page=1")
    headers = _headers(response)
    assert len(headers) == 8 and all(header["link"] for header in headers)
    current = [h for h in headers if h["aria-sort"]]
    assert [h["aria-sort"] for h in current] == ["descending"]
    # A second click on the current column reverses it; the filters go with every link.
    assert current[0]["link"] == {"sort": ["residual"], "order": ["asc"], "q": ["ltd"]}
    name_link = headers[0]["link"]
    assert name_link == {"sort": ["name"], "order": ["asc"], "q": ["ltd"]}
    page = text_of(response)
    assert "Sorted by residual score, highest first" in page
    assert ("Excluded pending review (a knock-out answer waiting for an exclusion decision) "
            "above Critical" in page)

    ascending = client.get("/officer/risk/?sort=residual&order=asc")
    assert [h["aria-sort"] for h in _headers(ascending) if h["aria-sort"]] == ["ascending"]
    # Applying filters keeps the order chosen from the headers.
    html = ascending.get_data(as_text=True)
    assert '<input type="hidden" name="sort" value="residual">' in html
    assert '<input type="hidden" name="order" value="asc">' in html


def test_every_sortable_column_leads_an_index():
    """Sorting happens in SQL on an index, so a page stays quick at 100,000 suppliers: within
    one council's rows (every index leads with the council, issue 17), the sort column comes
    next."""
    table = SupplierRiskSummary.__table__
    after_council = {index.columns[1].name for index in table.indexes
                     if len(index.columns) > 1 and index.columns[0].name == "council_id"}
    keys = [column.name for column in table.primary_key.columns]
    assert keys[0] == "council_id"
    after_council.add(keys[1])
    for name, column in SORT_COLUMNS.items():
        assert column.keys[0].name in after_council, f"{name} sorts on an unindexed column"
