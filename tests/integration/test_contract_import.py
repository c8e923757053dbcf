"""Importing contracts registers, on SQLite and PostgreSQL: counts, messages, all-or-nothing,
re-import, matching suppliers, and the command line."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from supplier_dd.infrastructure import tabular
from supplier_dd.models import AuditEntry, Contract, ImportBatch, Supplier
from supplier_dd.services.contract_import import (
    ImportFileError,
    ImportRefused,
    import_contracts,
    preview_contracts,
    supplier_key,
)
from tests.factories import make_supplier
from tests.import_files import register_rows, write_register, write_xlsx
from tests.risk_helpers import summary_row

NOW = datetime(2026, 11, 22, 10, 0)

CONTRACTS = [
    {"ref": "NHDC-2024-001", "title": "Office cleaning,\r\ncouncil offices", "supplier":
     "Brightwater Cleaning Services Ltd", "number": "04567812", "value": "£1,450,000",
     "start": "01/04/2024", "end": "31/03/2027", "category": "Cleaning", "cpv": "90910000-9"},
    {"ref": "NHDC-2024-002", "title": "Security guarding", "supplier": "Sentinel Guarding Ltd",
     "number": "", "value": "820000", "start": "2024-06-01", "end": "2026-05-31",
     "category": "Security", "cpv": "79710000"},
    {"ref": "NHDC-2024-003", "title": "Legal advice panel", "supplier": "Marsh & Partners LLP",
     "number": "OC345678", "value": "150,000.00", "start": "1 April 2025",
     "end": "31 March 2028", "category": "Legal services", "cpv": "79100000"},
]


def contracts(session):
    return {c.reference: c for c in session.scalars(select(Contract))}


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.parametrize("style", ["lgtc", "lga", "birmingham"])
def test_each_register_style_imports(session, tmp_path, style):
    path = write_register(tmp_path / "register.csv", CONTRACTS, style=style)
    preview = preview_contracts(session, tabular.iter_rows(path))
    assert (preview.rows, preview.to_create, preview.to_update, preview.rejected) == (3, 3, 0, 0)
    assert preview.new_supplier_count == 3
    assert count(session, Contract) == 0, "a preview changes nothing"

    result = import_contracts(session, tabular.iter_rows(path), now=NOW)
    session.commit()
    assert result.imported and result.to_create == 3
    stored = contracts(session)
    cleaning = stored["NHDC-2024-001"]
    assert cleaning.title == "Office cleaning, council offices"
    assert cleaning.value == Decimal("1450000.00")
    assert (cleaning.start_date, cleaning.end_date) == (date(2024, 4, 1), date(2027, 3, 31))
    assert cleaning.supplier.name == "Brightwater Cleaning Services Ltd"
    assert cleaning.ppn_industry == "hospitality_cleaning_security_catering"
    assert cleaning.ppn_high_risk is True
    assert stored["NHDC-2024-003"].ppn_high_risk is False
    if style != "birmingham":  # Birmingham publishes no company numbers
        assert cleaning.supplier.companies_house_number == "04567812"
        assert cleaning.cpv_code in ("90910000", None)


def test_bom_crlf_xlsx_and_unix_files_give_the_same_result(session, tmp_path):
    csv_path = write_register(tmp_path / "a.csv", CONTRACTS, bom=False, line_ending="\n")
    xlsx_path = write_xlsx(tmp_path / "b.xlsx", register_rows(CONTRACTS))
    first = preview_contracts(session, tabular.iter_rows(csv_path))
    second = preview_contracts(session, tabular.iter_rows(xlsx_path))
    assert (first.to_create, first.rejected) == (second.to_create, second.rejected) == (3, 0)


def test_one_bad_row_imports_nothing_and_says_which_row_and_why(session, tmp_path):
    bad = dict(CONTRACTS[1], value="GBP 1,2,3")
    path = write_register(tmp_path / "register.csv", [CONTRACTS[0], bad, CONTRACTS[2]])
    with pytest.raises(ImportRefused) as refused:
        import_contracts(session, tabular.iter_rows(path), now=NOW)
    session.rollback()
    assert str(refused.value) == (
        "Nothing was imported: 1 row has a problem. Row 3 (contract NHDC-2024-002): The value "
        "'GBP 1,2,3' is not an amount of money; use a number like 12500 or £12,500.00"
    )
    assert count(session, Contract) == 0
    assert count(session, Supplier) == 0, "suppliers created for earlier rows are undone too"


def test_preview_lists_every_rejected_row_with_reasons(session, tmp_path):
    rows = [
        dict(CONTRACTS[0], start="31/02/2024"),
        dict(CONTRACTS[1], value="-5000"),
        dict(CONTRACTS[2], ref=""),
        dict(CONTRACTS[2], ref="NHDC-2024-001"),
    ]
    preview = preview_contracts(session, tabular.iter_rows(
        write_register(tmp_path / "register.csv", rows)))
    assert (preview.rows, preview.rejected, preview.to_create) == (4, 4, 0)
    messages = [item["message"] for item in preview.rejections]
    assert messages == [
        "Row 2 (contract NHDC-2024-001): The start date '31/02/2024' is not a real date",
        "Row 3 (contract NHDC-2024-002): The value '-5000' is negative; a contract value must "
        "be zero or more",
        "Row 4: The contract reference is missing",
        "Row 5 (contract NHDC-2024-001): Contract reference NHDC-2024-001 is also on row 2; "
        "each contract must appear once",
    ]
    assert not preview.can_import


def test_reimporting_the_same_file_changes_nothing(session, tmp_path):
    path = write_register(tmp_path / "register.csv", CONTRACTS)
    import_contracts(session, tabular.iter_rows(path), now=NOW)
    session.commit()
    before = {ref: (c.title, c.value, c.supplier_id, c.ppn_industry)
              for ref, c in contracts(session).items()}
    suppliers_before = count(session, Supplier)

    again = import_contracts(session, tabular.iter_rows(path), now=NOW)
    session.commit()
    session.expire_all()
    assert (again.to_create, again.to_update, again.unchanged) == (0, 0, 3)
    assert again.new_supplier_count == 0
    assert count(session, Supplier) == suppliers_before
    assert {ref: (c.title, c.value, c.supplier_id, c.ppn_industry)
            for ref, c in contracts(session).items()} == before


def test_a_newer_file_updates_by_contract_reference(session, tmp_path):
    import_contracts(session, tabular.iter_rows(
        write_register(tmp_path / "q1.csv", CONTRACTS)), now=NOW)
    session.commit()
    newer = [dict(CONTRACTS[0], value="1,500,000", end="31/03/2028"), CONTRACTS[1],
             CONTRACTS[2],
             {"ref": "NHDC-2025-010", "title": "Staff canteen", "supplier":
              "Brightwater Cleaning Services Ltd", "number": "04567812", "value": "90000",
              "start": "01/04/2025", "end": "31/03/2026", "category": "Catering", "cpv": ""}]
    path = write_register(tmp_path / "q2.csv", newer)
    preview = preview_contracts(session, tabular.iter_rows(path))
    assert (preview.to_create, preview.to_update, preview.unchanged) == (1, 1, 2)
    assert preview.changes == [{"reference": "NHDC-2024-001", "row": 2,
                                "fields": ["value", "end_date"]}]
    assert preview.new_supplier_count == 0

    import_contracts(session, tabular.iter_rows(path), now=NOW)
    session.commit()
    session.expire_all()
    stored = contracts(session)
    assert stored["NHDC-2024-001"].value == Decimal("1500000.00")
    assert stored["NHDC-2024-001"].end_date == date(2028, 3, 31)
    assert stored["NHDC-2025-010"].supplier_id == stored["NHDC-2024-001"].supplier_id
    assert count(session, Contract) == 4


def test_suppliers_whose_contracts_change_are_scored_again_and_others_are_left(
        session, tmp_path):
    """Inherent risk reads a supplier's contracts (their industry, their total value): an
    import that changes them re-scores that supplier, in the same transaction, and only it."""
    from supplier_dd.models.risk import RiskAssessment
    from supplier_dd.services.risk import current_assessment

    summary = import_contracts(session, tabular.iter_rows(
        write_register(tmp_path / "q1.csv", CONTRACTS)), now=NOW)
    session.commit()
    assert summary.rescored == 3  # three new suppliers, each scored on its contracts at once
    by_name = {s.name: s for s in session.scalars(select(Supplier))}
    cleaner, legal = by_name["Brightwater Cleaning Services Ltd"], by_name["Marsh & Partners LLP"]
    before = current_assessment(session, cleaner.id)
    legal_before = current_assessment(session, legal.id)
    value_factor = {f["factor"]: f for f in before.breakdown["inherent"]["factors"]}
    assert value_factor["contract_value"]["detail"] == "£1,450,000"
    assert summary_row(session, cleaner.id).assessment_id == before.id

    newer = [dict(CONTRACTS[0], value="45,000"), CONTRACTS[1], CONTRACTS[2]]
    summary = import_contracts(session, tabular.iter_rows(
        write_register(tmp_path / "q2.csv", newer)), now=datetime(2026, 11, 29, 10, 0))
    session.commit()
    session.expire_all()
    assert summary.rescored == 1
    after = current_assessment(session, cleaner.id)
    assert after.id != before.id and after.reason == "contracts_changed"
    factors = {f["factor"]: f for f in after.breakdown["inherent"]["factors"]}
    assert factors["contract_value"]["detail"] == "£45,000"
    assert after.inherent_score < before.inherent_score
    assert session.get(RiskAssessment, before.id).is_current is False  # kept as history
    assert summary_row(session, cleaner.id).inherent_score == after.inherent_score
    assert current_assessment(session, legal.id).id == legal_before.id
    audited = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "assessment.recomputed")).all()
    # Three first scores on the first import, then the one change, each with its reason.
    assert [(entry.details["supplier_id"], entry.details["reason"]) for entry in audited][-1] \
        == (cleaner.id, "contracts_changed")
    assert len(audited) == 4 and audited[-1].before["assessment_id"] == before.id


def test_suppliers_are_matched_by_company_number_then_normalised_name(session, tmp_path):
    by_number = make_supplier(session, name="Brightwater Cleaning Services Limited",
                              companies_house_number="04567812")
    by_name = make_supplier(session, name="SENTINEL GUARDING LIMITED.",
                            companies_house_number=None)
    session.commit()
    path = write_register(tmp_path / "register.csv", CONTRACTS)
    preview = preview_contracts(session, tabular.iter_rows(path))
    assert preview.new_supplier_count == 1
    assert preview.new_suppliers == [
        {"name": "Marsh & Partners LLP", "company_number": "OC345678", "first_row": 4}
    ]
    import_contracts(session, tabular.iter_rows(path), now=NOW)
    session.commit()
    stored = contracts(session)
    assert stored["NHDC-2024-001"].supplier_id == by_number.id
    assert stored["NHDC-2024-002"].supplier_id == by_name.id


def test_ambiguous_suppliers_wait_for_a_person_and_are_never_guessed(session, tmp_path):
    first = make_supplier(session, name="Sentinel Guarding Ltd", companies_house_number=None)
    second = make_supplier(session, name="Sentinel Guarding Limited",
                           companies_house_number="05123984")
    session.commit()
    path = write_register(tmp_path / "register.csv", CONTRACTS)
    preview = preview_contracts(session, tabular.iter_rows(path))
    assert preview.waiting_for_supplier == 1 and not preview.can_import
    [entry] = preview.ambiguous
    assert entry["name"] == "Sentinel Guarding Ltd" and entry["rows"] == [3]
    assert {c["id"] for c in entry["candidates"]} == {first.id, second.id}
    assert entry["reason"] == "2 suppliers have this name."

    with pytest.raises(ImportRefused, match="need you to choose their supplier"):
        import_contracts(session, tabular.iter_rows(path), now=NOW)
    session.rollback()
    assert count(session, Contract) == 0

    key = supplier_key(None, "Sentinel Guarding Ltd")
    assert entry["key"] == key
    result = import_contracts(session, tabular.iter_rows(path), now=NOW,
                              resolutions={key: str(second.id)})
    session.commit()
    assert result.to_create == 3
    assert contracts(session)["NHDC-2024-002"].supplier_id == second.id


def test_a_different_company_number_under_a_known_name_is_ambiguous(session, tmp_path):
    make_supplier(session, name="Sentinel Guarding Ltd", companies_house_number="05123984")
    session.commit()
    rows = [dict(CONTRACTS[1], number="09999999")]
    preview = preview_contracts(session, tabular.iter_rows(
        write_register(tmp_path / "register.csv", rows)))
    [entry] = preview.ambiguous
    assert "09999999, which no supplier has" in entry["reason"]
    resolved = preview_contracts(
        session, tabular.iter_rows(tmp_path / "register.csv"),
        resolutions={entry["key"]: "new"},
    )
    assert resolved.can_import and resolved.new_supplier_count == 1


def test_required_columns_missing_is_a_clear_error(session, tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(b"Title,Value\r\nCleaning,100\r\n")
    with pytest.raises(ImportFileError, match="no column for: contract reference, supplier name"):
        preview_contracts(session, tabular.iter_rows(path))


def test_cli_dry_run_changes_nothing_and_import_is_audited(runner, session, tmp_path):
    path = write_register(tmp_path / "register.csv", CONTRACTS)
    dry = runner.invoke(args=["import", "contracts", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Contracts to create: 3" in dry.output
    assert "Dry run: nothing was changed." in dry.output
    assert count(session, Contract) == 0

    done = runner.invoke(args=["import", "contracts", str(path)])
    assert done.exit_code == 0, done.output
    assert "Contracts created: 3" in done.output
    assert "Imported register.csv." in done.output
    session.expire_all()
    assert count(session, Contract) == 3
    batch = session.scalar(select(ImportBatch))
    assert (batch.kind, batch.status, batch.stored_name) == ("contracts", "imported", None)
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "import.contracts"))
    assert entry.details["created"] == 3 and entry.details["sha256"] == batch.file_sha256


def test_cli_refuses_a_file_with_a_bad_row(runner, session, tmp_path):
    path = write_register(tmp_path / "register.csv",
                          [CONTRACTS[0], dict(CONTRACTS[1], end="someday")])
    result = runner.invoke(args=["import", "contracts", str(path)])
    assert result.exit_code == 1
    assert ("Nothing was imported: 1 row has a problem. Row 3 (contract NHDC-2024-002): The end "
            "date 'someday' is not a date") in result.output
    assert count(session, Contract) == 0


def test_cli_match_option_resolves_an_ambiguous_supplier(runner, session, tmp_path):
    make_supplier(session, name="Sentinel Guarding Ltd", companies_house_number=None)
    chosen = make_supplier(session, name="Sentinel Guarding Limited",
                           companies_house_number="05123984")
    session.commit()
    path = write_register(tmp_path / "register.csv", CONTRACTS)
    dry = runner.invoke(args=["import", "contracts", str(path), "--dry-run"])
    assert dry.exit_code == 1
    assert f"--match '|sentinel guarding={chosen.id}'" in dry.output
    result = runner.invoke(args=["import", "contracts", str(path), "--match",
                                 f"|sentinel guarding={chosen.id}"])
    assert result.exit_code == 0, result.output
    session.expire_all()
    assert contracts(session)["NHDC-2024-002"].supplier_id == chosen.id
