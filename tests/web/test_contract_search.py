"""The contracts list (issue 21): search, filters in SQL, paging, and exports that keep them."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from supplier_dd.models import Contract
from supplier_dd.models.base import utcnow
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import text_of


@pytest.fixture
def register(session):
    make_user(session, "officer", email="officer@example.org")
    make_user(session, "legal", email="legal@example.org")
    own = make_supplier(session, name="Sparkle Cleaning Ltd", companies_house_number="SC123456")
    make_user(session, "supplier", email="supplier@example.org", supplier=own)
    builders = make_supplier(session, name="Northway Builders Ltd",
                             companies_house_number="07654321")
    today = utcnow().date()
    session.add_all([
        Contract(reference="C-001", title="Office cleaning", category="Cleaning services",
                 value=Decimal("120000"), start_date=date(2024, 1, 1),
                 end_date=today + timedelta(days=300), supplier=own,
                 ppn_industry="cleaning", ppn_high_risk=True),
        Contract(reference="C-002", title="Depot extension", category="Construction",
                 value=Decimal("2500000"), start_date=date(2020, 1, 1),
                 end_date=today - timedelta(days=30), supplier=builders,
                 ppn_industry="construction", ppn_high_risk=True),
        Contract(reference="C-003", title="Stationery", category="Office supplies",
                 value=Decimal("9000"), end_date=None, supplier=builders,
                 ppn_industry="other", ppn_high_risk=False),
        Contract(reference="C-004", title="=HYPERLINK(\"http://evil.example\")",
                 category=None, value=None, supplier=None, ppn_industry=None),
    ])
    session.commit()
    return {"own": own.id, "builders": builders.id}


def _references(response) -> list[str]:
    text = text_of(response)
    return [ref for ref in ("C-001", "C-002", "C-003", "C-004") if ref in text]


@pytest.mark.parametrize(("args", "expected"), [
    ({}, ["C-001", "C-002", "C-003", "C-004"]),
    ({"q": "sparkle"}, ["C-001"]),
    ({"q": "DEPOT"}, ["C-002"]),
    ({"q": "c-003"}, ["C-003"]),
    ({"q": "07654321"}, ["C-002", "C-003"]),
    ({"q": "%"}, []),
    ({"category": "high_risk"}, ["C-001", "C-002"]),
    ({"category": "construction"}, ["C-002"]),
    ({"category": "unclassified"}, ["C-004"]),
    ({"status": "ended"}, ["C-002"]),
    ({"status": "live"}, ["C-001", "C-003", "C-004"]),
    ({"value": "under_25k"}, ["C-003"]),
    ({"value": "25k_250k"}, ["C-001"]),
    ({"value": "1m_plus"}, ["C-002"]),
    ({"value": "unknown"}, ["C-004"]),
    ({"supplier": "none"}, ["C-004"]),
    ({"category": "high_risk", "status": "live"}, ["C-001"]),
    # Nonsense is ignored, never a 500.
    ({"category": "<script>", "value": "9", "status": "x", "supplier": "1e9"},
     ["C-001", "C-002", "C-003", "C-004"]),
])
def test_officer_searches_and_filters_contracts(client, register, args, expected):
    client.sign_in("officer@example.org", PASSWORD)
    response = client.get("/officer/contracts", query_string=args)
    assert response.status_code == 200
    assert _references(response) == expected
    count = len(expected)
    assert f"{count} contract{'' if count == 1 else 's'}" in text_of(response)


def test_filter_by_supplier_and_paging_keep_the_filters(client, register, session):
    for number in range(30):
        session.add(Contract(reference=f"P-{number:03d}", title="Grounds maintenance",
                             value=Decimal("1000"), supplier_id=register["builders"],
                             ppn_industry="other", ppn_high_risk=False))
    session.commit()
    client.sign_in("legal@example.org", PASSWORD)
    first = client.get("/officer/contracts", query_string={"supplier": register["builders"]})
    text = text_of(first)
    assert "32 contracts match these filters" in text
    assert "C-001" not in text
    html = first.get_data(as_text=True)
    assert f"/officer/contracts?page=2&amp;supplier={register['builders']}" in html
    second = client.get("/officer/contracts",
                        query_string={"supplier": register["builders"], "page": 2})
    assert "P-029" in text_of(second) and "P-000" not in text_of(second)


def test_csv_export_honours_the_filters_and_defuses_formulas(client, register):
    client.sign_in("officer@example.org", PASSWORD)
    response = client.get("/officer/contracts/export.csv", query_string={"status": "live"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=contracts-")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Reference", "Title", "Supplier"]
    assert [row[0] for row in rows[1:]] == ["C-001", "C-003", "C-004"]
    assert rows[1][2:4] == ["Sparkle Cleaning Ltd", "SC123456"]
    assert rows[3][1].startswith("'=HYPERLINK")
    assert rows[3][2] == "Not matched"


def test_xlsx_export_honours_the_filters_and_keeps_text_as_text(client, register):
    client.sign_in("officer@example.org", PASSWORD)
    response = client.get("/officer/contracts/export.xlsx",
                          query_string={"q": "hyperlink"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.get_data())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[0] for row in rows[1:]] == ["C-004"]
    assert rows[1][1] == "=HYPERLINK(\"http://evil.example\")"
    assert sheet.cell(row=2, column=2).data_type == "s"
    everything = client.get("/officer/contracts/export.xlsx")
    values = list(load_workbook(io.BytesIO(everything.get_data())).active.iter_rows(
        values_only=True))
    assert len(values) == 5
    assert values[2][-1] == "Ended" and values[2][8] == 2500000


@pytest.mark.parametrize("path", ["/officer/contracts", "/officer/contracts/export.csv",
                                  "/officer/contracts/export.xlsx"])
def test_a_supplier_cannot_list_or_export_contracts(client, register, path):
    client.sign_in("supplier@example.org", PASSWORD)
    assert client.get(path).status_code == 403
