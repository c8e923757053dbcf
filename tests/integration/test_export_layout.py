"""Exports as an officer opens them (issue 21): every XLSX has a bold header row that stays in
view, a filter over its rows, dates as dates and numbers as numbers; CSV exports keep the
leading zero of a Companies House number and open in Excel as UTF-8."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook
from sqlalchemy import update

from supplier_dd.infrastructure.spreadsheets import BYTE_ORDER_MARK, WORD_JOINER
from supplier_dd.models import SupplierRiskSummary
from supplier_dd.models.base import utcnow
from supplier_dd.reports.data import financial_year_of
from supplier_dd.reports.queries import build_report_data
from supplier_dd.reports.xlsx import render_xlsx
from supplier_dd.services import audit
from tests.factories import PASSWORD, make_supplier, make_user
from tests.integration.test_risk_workflow import officer_client  # noqa: F401 - a fixture
from tests.programme_helpers import import_seed


def _assert_officer_layout(sheet, header_row: int, last_column: str, rows: int):
    assert sheet.freeze_panes == f"A{header_row + 1}"
    assert sheet.auto_filter.ref == f"A{header_row}:{last_column}{header_row + rows}"
    header = next(sheet.iter_rows(min_row=header_row, max_row=header_row))
    assert header[0].value and all(cell.font.b for cell in header if cell.value)


def _dashboard_rows(session):
    supplier = make_supplier(session, name="Zero Leading Ltd", companies_house_number="01234567")
    due = date(2027, 3, 31)
    session.execute(update(SupplierRiskSummary)
                    .where(SupplierRiskSummary.supplier_id == supplier.id)
                    .values(next_due_on=due, assessed_at=datetime(2026, 5, 14, 10, 21, 33),
                            residual_score=42, residual_band="Medium", red_flag_count=2))
    session.commit()
    return due


def test_the_dashboard_xlsx_opens_with_a_frozen_filtered_header_and_typed_cells(
        session, officer_client):  # noqa: F811
    due = _dashboard_rows(session)
    workbook = load_workbook(io.BytesIO(officer_client.get("/officer/risk/export.xlsx").data))
    sheet = workbook["Supplier risk"]
    _assert_officer_layout(sheet, 1, "N", 1)
    header = [cell.value for cell in sheet[1]]
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["Companies House number"].value == "01234567"
    assert row["Companies House number"].data_type == "s"
    assert row["Residual score"].value == 42 and row["Residual score"].data_type == "n"
    assert row["Red flags"].value == 2
    assert row["Next declaration due"].is_date
    assert row["Next declaration due"].value.date() == due
    assert row["Next declaration due"].number_format == "dd/mm/yyyy"
    assert row["Last assessed"].value == datetime(2026, 5, 14, 10, 21)
    assert row["Last assessed"].number_format == "dd/mm/yyyy hh:mm"


def test_the_dashboard_csv_keeps_the_leading_zero_and_declares_utf8(session, officer_client):  # noqa: F811
    _dashboard_rows(session)
    body = officer_client.get("/officer/risk/export.csv").data.decode("utf-8")
    assert body.startswith(BYTE_ORDER_MARK + "Supplier,")
    rows = list(csv.reader(io.StringIO(body.removeprefix(BYTE_ORDER_MARK))))
    number = rows[1][rows[0].index("Companies House number")]
    # Not digits alone, which Excel and LibreOffice would read as the number 1234567, and not
    # a formula or an apostrophe: the zero-width word joiner, then the number as registered.
    assert number == WORD_JOINER + "01234567"
    assert not number.startswith(("=", "'"))
    assert rows[1][rows[0].index("Last assessed")] == "2026-05-14 10:21"


def test_a_number_with_no_leading_zero_is_written_plainly(session, officer_client):  # noqa: F811
    make_supplier(session, name="Scottish Ltd", companies_house_number="SC123456")
    make_supplier(session, name="Plain Ltd", companies_house_number="12345678")
    session.commit()
    body = officer_client.get("/officer/risk/export.csv").data.decode("utf-8-sig")
    numbers = {row[0]: row[1] for row in csv.reader(io.StringIO(body))}
    assert (numbers["Scottish Ltd"], numbers["Plain Ltd"]) == ("SC123456", "12345678")


def test_the_audit_csv_opens_as_utf8(client, session):
    make_user(session, "admin", email="admin@example.org")
    audit.record(session, "supplier.updated", audit.Actor(None, "zoë@example.org", "officer"),
                 datetime(2026, 1, 1), object_type="supplier", object_id="1")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    body = client.get("/admin/audit/export.csv?action=supplier.updated").data
    assert body.startswith(BYTE_ORDER_MARK.encode("utf-8") + b"sequence,")
    assert "zoë@example.org" in body.decode("utf-8-sig")


def test_the_pack_xlsx_leads_each_table_sheet_with_a_frozen_filtered_header(session):
    import_seed(session)
    session.commit()
    today = utcnow().date()
    data = build_report_data(session, financial_year_of(today), today, "Helen Marsh")
    xlsx = render_xlsx(data)
    assert render_xlsx(data) == xlsx, "the same data gives the same bytes"
    workbook = load_workbook(io.BytesIO(xlsx))
    _assert_officer_layout(workbook["Summary"], 2, "I", len(data.summary))
    charter_rows = sum(max(len(c.evidence), 1) for c in data.charter)
    _assert_officer_layout(workbook["Charter"], 2, "H", charter_rows)
    _assert_officer_layout(workbook["Evidence index"], 3, "I", len(data.figure_index()))

    cover = {row[0].value: row[1] for row in workbook["Cover"].iter_rows() if len(row) > 1}
    assert cover["Date"].is_date and cover["Date"].value.date() == today
    plan = workbook["Action plan"]
    header_at = next(r for r in plan.iter_rows() if r[0].value == "Ref" and r[3].value == "Start")
    first = next(plan.iter_rows(min_row=header_at[0].row + 1, max_row=header_at[0].row + 1))
    dated = data.action_plan.actions[0]
    if dated.start:
        assert first[3].is_date and first[3].number_format == "dd/mm/yyyy"
    index = workbook["Evidence index"]
    values = [row[4] for row in index.iter_rows(min_row=4) if row[4].value is not None]
    assert values and all(cell.data_type == "n" for cell in values)
