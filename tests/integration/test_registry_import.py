"""Importing the statement registry's StatementSummaries file, and reading it per supplier,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import func, select

from supplier_dd.infrastructure import tabular
from supplier_dd.models import RegistryStatement
from supplier_dd.services.contract_import import ImportFileError
from supplier_dd.services.statement_registry import (
    import_registry,
    preview_registry,
    registry_facts_for,
    registry_facts_for_suppliers,
    verified_registry_facts,
)
from tests.factories import make_supplier
from tests.import_files import registry_row, write_registry

NOW = datetime(2026, 11, 22, 10, 0)
TODAY = NOW.date()


def registry_file(tmp_path, name="StatementSummaries2026.csv"):
    rows = [
        registry_row(year=2026, name="Brightwater Cleaning Services Ltd", number="04567812",
                     start="2025-04-01", end="2026-03-31", approved="2026-09-10"),
        registry_row(year=2025, name="Brightwater Cleaning Services Ltd", number="4567812",
                     start="2024-04-01", end="2025-03-31", approved="2025-09-10",
                     areas="110000"),
        # Blank company number: matched to suppliers by name.
        registry_row(year=2026, name="Circular Waste & Recycling Limited", number="",
                     sectors=("Waste management and recycling",
                              "Utilities: gas, water and electricity"),
                     turnover="Over £500 million", group=True, parent="Circular Group plc",
                     end="2025-12-31", approved="2026-05-01", areas="111110"),
        registry_row(year=2024, name="Sentinel Guarding Ltd", number="05123984",
                     start="2023-01-01", end="2023-12-31", approved="2024-06-30",
                     turnover="£60 million to £100 million"),
        registry_row(year=2026, name="Broken Dates Ltd", number="01234567",
                     end="not a date"),
        registry_row(year=2026, name="Meridian Facilities Group plc", number="02345671"),
    ]
    return write_registry(tmp_path / name, rows)


def statements(session):
    return session.scalar(select(func.count()).select_from(RegistryStatement))


def test_registry_file_imports_with_bad_rows_skipped(session, tmp_path):
    make_supplier(session, name="Brightwater Cleaning Services Limited",
                  companies_house_number="04567812")
    session.commit()
    path = registry_file(tmp_path)
    preview = preview_registry(session, tabular.iter_rows(path))
    assert (preview.rows, preview.to_create, preview.skipped) == (6, 5, 1)
    assert preview.skipped_rows == [{
        "row": 6, "name": "Broken Dates Ltd",
        "message": "Row 6 (Broken Dates Ltd): StatementEndDate 'not a date' is not a date; use "
                   "a format like 31/03/2025 or 2025-03-31",
    }]
    assert preview.years == {"2026": 3, "2025": 1, "2024": 1}
    assert preview.suppliers_matched == 1
    assert "These columns are not used and were ignored: Address" in preview.notices[0]
    assert statements(session) == 0

    result = import_registry(session, tabular.iter_rows(path), now=NOW)
    session.commit()
    assert result.imported and result.to_create == 5
    circular = session.scalar(select(RegistryStatement).where(
        RegistryStatement.organisation_name == "Circular Waste & Recycling Limited"))
    assert circular.company_number is None
    assert circular.organisation_key == "name:circular waste and recycling"
    assert circular.sectors == "Waste management and recycling\nUtilities: gas, water and " \
        "electricity"
    assert circular.group_submission and circular.parent_name == "Circular Group plc"
    assert circular.turnover_band == "over-500m"
    assert not circular.includes_monitoring and circular.includes_training


def test_reimporting_the_registry_changes_nothing(session, tmp_path):
    path = registry_file(tmp_path)
    import_registry(session, tabular.iter_rows(path), now=NOW)
    session.commit()
    before = {(s.statement_year, s.organisation_key): (s.id, s.statement_url, s.approved_on)
              for s in session.scalars(select(RegistryStatement))}
    again = import_registry(session, tabular.iter_rows(path), now=datetime(2026, 12, 1))
    session.commit()
    session.expire_all()
    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 5)
    after = {(s.statement_year, s.organisation_key): (s.id, s.statement_url, s.approved_on)
             for s in session.scalars(select(RegistryStatement))}
    assert after == before


def test_a_newer_registry_file_updates_a_statement(session, tmp_path):
    import_registry(session, tabular.iter_rows(registry_file(tmp_path)), now=NOW)
    session.commit()
    newer = write_registry(tmp_path / "newer.csv", [
        registry_row(year=2026, name="Meridian Facilities Group plc", number="02345671",
                     url="https://meridian.example/new-statement"),
    ])
    result = import_registry(session, tabular.iter_rows(newer), now=NOW)
    session.commit()
    assert (result.to_create, result.to_update) == (0, 1)
    stored = session.scalar(select(RegistryStatement).where(
        RegistryStatement.company_number == "02345671"))
    assert stored.statement_url == "https://meridian.example/new-statement"


def test_facts_per_supplier_by_company_number_then_name(session, tmp_path):
    brightwater = make_supplier(session, name="Brightwater Cleaning Services Limited",
                                companies_house_number="04567812")
    circular = make_supplier(session, name="Circular Waste and Recycling Ltd",
                             companies_house_number="02987654")
    sentinel = make_supplier(session, name="Sentinel Guarding Ltd",
                             companies_house_number="05123984")
    unknown = make_supplier(session, name="Nobody Registered Ltd")
    import_registry(session, tabular.iter_rows(registry_file(tmp_path)), now=NOW)
    session.commit()

    facts = registry_facts_for_suppliers(session, [brightwater, circular, sentinel, unknown],
                                         TODAY)
    bright = facts[brightwater.id]
    assert bright.matched_by == "company number"
    assert [s.statement_year for s in bright.statements] == [2026, 2025]
    assert bright.covers_relevant_period and bright.covers_all_areas
    assert bright.latest.approved_on == date(2026, 9, 10)

    assert facts[circular.id].matched_by == "name"
    assert facts[circular.id].latest.organisation_name == "Circular Waste & Recycling Limited"

    assert facts[sentinel.id].registered and facts[sentinel.id].out_of_date
    assert not facts[unknown.id].registered

    verified = verified_registry_facts(session, brightwater, TODAY)
    assert verified["statement_current"].value is True
    assert verified["turnover_band"].value == "36m-60m"
    assert verified_registry_facts(session, unknown, TODAY) == {}


def test_a_name_shared_by_two_suppliers_matches_neither(session, tmp_path):
    one = make_supplier(session, name="Circular Waste and Recycling Ltd",
                        companies_house_number=None)
    make_supplier(session, name="Circular Waste & Recycling Limited",
                  companies_house_number="02987654")
    import_registry(session, tabular.iter_rows(registry_file(tmp_path)), now=NOW)
    session.commit()
    assert not registry_facts_for(session, one, TODAY).registered


def test_a_file_that_is_not_the_registry_export_is_refused(session, tmp_path):
    path = tmp_path / "contracts.csv"
    path.write_bytes(b"Contract Reference,Title\r\nC-1,Cleaning\r\n")
    with pytest.raises(ImportFileError, match="StatementYear, OrganisationName, CompanyNumber"):
        preview_registry(session, tabular.iter_rows(path))


def test_cli_registry_import(runner, session, tmp_path):
    path = registry_file(tmp_path)
    result = runner.invoke(args=["import", "registry", str(path)])
    assert result.exit_code == 0, result.output
    assert "Statements created: 5" in result.output
    assert "skipped Row 6 (Broken Dates Ltd)" in result.output
    session.expire_all()
    assert statements(session) == 5
    again = runner.invoke(args=["import", "registry", str(path)])
    assert "Statements unchanged: 5" in again.output
    assert statements(session) == 5
