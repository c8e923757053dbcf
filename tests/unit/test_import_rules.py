"""Pure rules behind the imports: cell values, header matching, register rows, PPN categories."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from supplier_dd.domain import cells
from supplier_dd.domain.columns import MissingColumnsError, find_header_row, normalise_header
from supplier_dd.domain.contracts_register import (
    REGISTER_COLUMNS,
    RegisterRow,
    RowProblem,
    parse_register_row,
)
from supplier_dd.domain.ppn import OTHER, UNCLASSIFIED, cpv_digits, industries, ppn_category_for
from tests.import_files import BIRMINGHAM_HEADERS, LGA_HEADERS, LGTC_HEADERS


@pytest.mark.parametrize("raw, expected", [
    ("31/03/2025", date(2025, 3, 31)),
    ("1/4/2024", date(2024, 4, 1)),
    ("01-04-24", date(2024, 4, 1)),
    ("2024-04-01", date(2024, 4, 1)),
    ("2024-04-01T00:00:00", date(2024, 4, 1)),
    ("01/04/2024 00:00", date(2024, 4, 1)),
    ("1 April 2024", date(2024, 4, 1)),
    ("01-Apr-2024", date(2024, 4, 1)),
    ("2024/04/01", date(2024, 4, 1)),
    (datetime(2024, 4, 1, 9, 30), date(2024, 4, 1)),
    (45383, date(2024, 4, 1)),  # an Excel serial number
    ("", None),
    ("TBC", None),
    (None, None),
])
def test_dates_in_the_forms_registers_use(raw, expected):
    assert cells.parse_date(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("31/02/2024", "'31/02/2024' is not a real date"),
    ("next year", "'next year' is not a date; use a format like 31/03/2025 or 2025-03-31"),
    ("01/01/1066", "has the year 1066"),
    (3, "'3' is not a date"),
])
def test_bad_dates_say_what_is_wrong(raw, message):
    with pytest.raises(cells.CellError, match=message):
        cells.parse_date(raw)


@pytest.mark.parametrize("raw, expected", [
    ("12500", Decimal("12500.00")),
    ("12,500.50", Decimal("12500.50")),
    ("£1,234,567", Decimal("1234567.00")),
    ("GBP 1,200", Decimal("1200.00")),
    ("£1.2m", Decimal("1200000.00")),
    ("45k", Decimal("45000.00")),
    ("99.999", Decimal("100.00")),
    (1234.5, Decimal("1234.50")),
    (0, Decimal("0.00")),
    ("", None),
    ("n/a", None),
])
def test_amounts_of_money(raw, expected):
    assert cells.parse_money(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("GBP 1,2,3", "'GBP 1,2,3' is not an amount of money"),
    ("1.234,56", "is not an amount of money"),
    ("-500", "'-500' is negative"),
    ("(1,000)", "is negative"),
    ("£-20", "is negative"),
    ("twelve", "is not an amount of money"),
    ("9999999999999", "too large"),
])
def test_bad_amounts_say_what_is_wrong(raw, message):
    with pytest.raises(cells.CellError, match=message):
        cells.parse_money(raw)


@pytest.mark.parametrize("raw, expected", [
    ("Contract Reference Number", "contract reference number"),
    ("\ufeffContractReference", "contract reference"),
    ("contract_id", "contract id"),
    ("CPVCode", "cpv code"),
    ("Total Value (£)", "total value"),
    ("4. Contract reference", "contract reference"),
    ("SME/VCSE", "sme vcse"),
])
def test_header_normalisation(raw, expected):
    assert normalise_header(raw) == expected


@pytest.mark.parametrize("headers", [LGTC_HEADERS, LGA_HEADERS, BIRMINGHAM_HEADERS],
                         ids=["lgtc", "lga-norfolk", "birmingham"])
def test_register_headers_of_each_style_are_recognised(headers):
    header = find_header_row([(1, headers)], REGISTER_COLUMNS)
    assert {"reference", "title", "supplier_name", "start_date", "end_date", "value"} <= set(
        header.positions
    )
    assert headers[header.positions["reference"]] in (
        "Contract Reference Number", "ContractReference", "contract_id"
    )


def test_unknown_columns_are_ignored_with_a_notice():
    header = find_header_row([(1, BIRMINGHAM_HEADERS)], REGISTER_COLUMNS)
    notices = " ".join(header.notices())
    assert "These columns are not used and were ignored: directorate, contract_status, " \
        "extended_value" in notices
    assert "No supplier Companies House number column was found" in notices


def test_a_title_row_above_the_headers_is_skipped():
    rows = [(1, ["Contracts register, quarter 3 2025"]), (2, []), (3, LGTC_HEADERS)]
    assert find_header_row(rows, REGISTER_COLUMNS).header_row_number == 3


def test_missing_required_columns_are_named():
    with pytest.raises(MissingColumnsError) as raised:
        find_header_row([(1, ["Title", "Value", "Start Date"])], REGISTER_COLUMNS)
    message = str(raised.value)
    assert "The file has no column for: contract reference, supplier name." in message
    assert "Columns found: Title, Value, Start Date." in message


def _row(**values):
    header = find_header_row([(1, LGTC_HEADERS)], REGISTER_COLUMNS)
    cells_ = [""] * len(LGTC_HEADERS)
    names = {"ref": "Contract Reference Number", "title": "Title of Agreement",
             "supplier": "Supplier Name", "number": "Supplier Company Number",
             "value": "Total Value (£)", "start": "Start Date", "end": "End Date",
             "category": "Procurement Category", "cpv": "CPV Code"}
    defaults = {"ref": "C-1", "title": "Cleaning", "supplier": "Acme Ltd", "value": "1000",
                "start": "01/04/2024", "end": "31/03/2025"}
    for key, value in {**defaults, **values}.items():
        cells_[LGTC_HEADERS.index(names[key])] = value
    return parse_register_row(7, cells_, header)


def test_a_good_row_is_parsed_with_its_ppn_category():
    row = _row(title="Office cleaning\r\nall sites", number="4567812", category="Cleaning",
               cpv="90910000-9")
    assert isinstance(row, RegisterRow)
    assert row.title == "Office cleaning all sites"
    assert row.company_number == "04567812"
    assert row.value == Decimal("1000.00")
    assert row.cpv_code == "90910000"
    assert (row.ppn_industry, row.ppn_high_risk) == (
        "hospitality_cleaning_security_catering", True
    )


def test_a_bad_row_lists_every_reason_with_its_row_number():
    problem = _row(start="31/02/2024", value="GBP 1,2,3")
    assert isinstance(problem, RowProblem)
    assert problem.message == (
        "Row 7 (contract C-1): The value 'GBP 1,2,3' is not an amount of money; use a number "
        "like 12500 or £12,500.00; The start date '31/02/2024' is not a real date"
    )


@pytest.mark.parametrize("values, reason", [
    ({"ref": ""}, "The contract reference is missing"),
    ({"ref": "   "}, "The contract reference is missing"),
    ({"supplier": ""}, "The supplier name is missing"),
    ({"title": ""}, "The contract title is missing"),
    ({"value": "-100"}, "The value '-100' is negative"),
    ({"end": "01/01/2024"}, "The end date 01/01/2024 is before the start date 01/04/2024"),
    ({"number": "ABC"}, "The Companies House number 'ABC' is not in the right format"),
    ({"ref": "R" * 101}, "The contract reference is 101 characters long; the limit is 100"),
])
def test_row_problems(values, reason):
    problem = _row(**values)
    assert isinstance(problem, RowProblem)
    assert any(r.startswith(reason) for r in problem.reasons), problem.reasons


def test_a_blank_row_is_skipped_not_rejected():
    header = find_header_row([(1, LGTC_HEADERS)], REGISTER_COLUMNS)
    assert parse_register_row(9, [""] * len(LGTC_HEADERS), header) is None
    assert parse_register_row(9, [None, "  "], header) is None


@pytest.mark.parametrize("category, cpv, expected", [
    ("Cleaning", "90910000", ("hospitality_cleaning_security_catering", True)),
    ("Waste", "90511000-3", ("facilities", True)),
    ("Security", "79710000", ("hospitality_cleaning_security_catering", True)),
    ("Agency labour", "79620000", ("recruitment", True)),
    ("Legal services", "79100000", ("professional_services", False)),
    (None, "45233222", ("construction", True)),
    (None, "55520000", ("hospitality_cleaning_security_catering", True)),
    ("Social care", "85312000", ("care", True)),
    (None, "18424300", ("textiles", True)),  # disposable gloves: PPE
    (None, "15000000", ("food_processing", True)),
    (None, "30213100", ("manufacturing_electronics", True)),
    (None, "09331100", ("manufacturing_electronics", True)),  # solar panels (polysilicon)
    ("Utilities", "09310000", ("energy_utilities", False)),
    (None, "63120000", ("logistics", True)),
    (None, "03221000", ("agriculture", True)),
    ("IT services", "72253000", ("it_telecoms", False)),
    ("Cyber security", None, ("it_telecoms", False)),  # the longer phrase wins
    ("IT hardware", None, ("manufacturing_electronics", True)),
    ("Hand car wash", None, ("facilities", True)),
    # A high-risk category is not hidden by a low-risk CPV code.
    ("Cleaning", "79100000", ("hospitality_cleaning_security_catering", True)),
    (None, "http://cpv.data.ac.uk/code-45000000", ("construction", True)),
    (None, "90911200-8 Building-cleaning services", (
        "hospitality_cleaning_security_catering", True)),
    (None, "92000000", (OTHER, False)),  # a known CPV division on no high-risk list
    ("Stationery", None, (UNCLASSIFIED, False)),
    (None, None, (UNCLASSIFIED, False)),
])
def test_ppn_category_for(category, cpv, expected):
    assert ppn_category_for(category, cpv) == expected


def test_every_ppn_0223_high_risk_industry_is_in_the_map():
    high_risk = {key for key, industry in industries().items() if industry.high_risk}
    assert {"agriculture", "mining", "logging", "fishing", "construction",
            "manufacturing_electronics", "textiles", "food_processing",
            "hospitality_cleaning_security_catering", "logistics", "care"} <= high_risk


def test_industry_keys_are_the_risk_models():
    from supplier_dd.domain.risk.model import load_model

    model_industries = set(load_model("v1").industries)
    ours = {key for key, industry in industries().items() if industry.high_risk}
    assert ours <= model_industries


@pytest.mark.parametrize("raw, expected", [
    ("90910000-9", "90910000"), ("90910000", "90910000"), ("45", "45"), ("Cleaning", None),
    ("", None),
])
def test_cpv_digits(raw, expected):
    assert cpv_digits(raw) == expected
