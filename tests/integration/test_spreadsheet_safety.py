"""Every spreadsheet the service writes (the Cabinet pack, the dashboard and audit exports) keeps
text as text, and survives control characters already stored. SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select, update

from supplier_dd.models import Contract, Supplier
from supplier_dd.models.base import utcnow
from supplier_dd.models.risk import SupplierRiskSummary
from supplier_dd.models.tenancy import act_for
from supplier_dd.reports.data import financial_year_of
from supplier_dd.reports.queries import build_report_data
from supplier_dd.reports.xlsx import render_xlsx
from supplier_dd.services import audit
from tests.factories import PASSWORD, make_supplier, make_user
from tests.integration.test_risk_workflow import officer_client  # noqa: F401 - a fixture

DDE = "=cmd|' /C calc'!A0"
# What a spreadsheet program would run as a formula if a CSV cell started with it (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Bell, escape, a C1 control and DEL: all accepted by the forms until now.
CONTROL_NAME = "Bell\x07 Esc\x1b Ltd\x85\x7f"


def _cells(xlsx: bytes):
    workbook = load_workbook(io.BytesIO(xlsx))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            yield from row


def _formulas(xlsx: bytes) -> list[str]:
    return [f"{cell.parent.title}!{cell.coordinate}: {cell.value}"
            for cell in _cells(xlsx) if cell.data_type == "f"]


def _texts(xlsx: bytes) -> list[str]:
    return [cell.value for cell in _cells(xlsx) if isinstance(cell.value, str)]


def _live_contract(session, supplier, title, reference="AAA-0001"):
    year = financial_year_of(utcnow().date())
    session.add(Contract(reference=reference, title=title, supplier=supplier,
                         value=Decimal("1000"), start_date=year.first_day))


# --- formulas ----------------------------------------------------------------------------------


def test_the_cabinet_pack_stores_a_formula_like_title_and_its_own_text_as_text(runner, session):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    act_for(session, 1)  # the demo is a partnership: the pack is the first district's
    supplier = session.scalars(select(Supplier).order_by(Supplier.id)).first()
    _live_contract(session, supplier, DDE)
    session.commit()
    today = utcnow().date()
    data = build_report_data(session, financial_year_of(today), today, "Helen Marsh",
                             council="Demo council")
    xlsx = render_xlsx(data)
    assert _formulas(xlsx) == []
    assert DDE in _texts(xlsx)


def _rename_in_the_database(session, supplier, name):
    """Past every form and service, as legacy data or an import from elsewhere would be."""
    session.execute(update(Supplier).where(Supplier.id == supplier.id).values(name=name))
    session.execute(update(SupplierRiskSummary)
                    .where(SupplierRiskSummary.supplier_id == supplier.id)
                    .values(name=name, search_name=name.lower()))


def test_dashboard_exports_keep_formula_like_names_as_text(session, officer_client):  # noqa: F811
    names = [DDE, *(prefix + "1+1 Ltd" for prefix in FORMULA_STARTS)]
    for name in names:
        _rename_in_the_database(session, make_supplier(session), name)
    session.commit()

    xlsx = officer_client.get("/officer/risk/export.xlsx")
    assert xlsx.status_code == 200
    assert _formulas(xlsx.data) == []
    assert set(names) <= set(_texts(xlsx.data))

    rows = list(csv.reader(io.StringIO(officer_client.get("/officer/risk/export.csv")
                                       .get_data(as_text=True))))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert {"'" + name for name in names} <= {row[0] for row in rows}


def test_the_audit_export_neutralises_formula_like_text(client, session):
    make_user(session, "admin", email="admin@example.org")
    audit.record(session, "supplier.updated", audit.Actor(None, "=HYPERLINK(evil)", "system"),
                 datetime(2026, 1, 1), object_type="supplier", object_id="-1+1")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    export = client.get("/admin/audit/export.csv?action=supplier.updated")
    rows = list(csv.reader(io.StringIO(export.get_data(as_text=True))))
    cells = [cell for row in rows for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    assert {"'=HYPERLINK(evil)", "'-1+1"} <= set(cells)


# --- control characters already stored ---------------------------------------------------------


def test_a_stored_control_character_still_exports_and_builds_the_pack(
        session, officer_client, runner, tmp_path):  # noqa: F811
    supplier = make_supplier(session, name="Placeholder Ltd")
    _live_contract(session, supplier, "Cleaning\x0b of\x1f offices")
    session.flush()
    _rename_in_the_database(session, supplier, CONTROL_NAME)
    session.commit()

    xlsx = officer_client.get("/officer/risk/export.xlsx")
    assert xlsx.status_code == 200
    assert "Bell Esc Ltd\x85\x7f" in _texts(xlsx.data)
    filtered = officer_client.get("/officer/risk/export.xlsx?q=Bell")
    assert filtered.status_code == 200 and "Bell Esc Ltd\x85\x7f" in _texts(filtered.data)
    exported = officer_client.get("/officer/risk/export.csv")
    assert exported.status_code == 200 and "Bell Esc Ltd" in exported.get_data(as_text=True)

    year = financial_year_of(utcnow().date())
    result = runner.invoke(args=["report", "cabinet", "--year", year.label,
                                 "--out", str(tmp_path / "p.pdf"),
                                 "--xlsx", str(tmp_path / "p.xlsx")])
    assert result.exit_code == 0, result.output
    texts = _texts((tmp_path / "p.xlsx").read_bytes())
    assert "Bell Esc Ltd\x85\x7f" in texts and "Cleaning of offices" in texts
