"""Reading a row of a tenders register: every reason a row cannot be imported, at once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from supplier_dd.domain.columns import match_headers
from supplier_dd.domain.contracts_register import RowProblem
from supplier_dd.domain.tender_register import TENDER_COLUMNS, TenderRow, parse_tender_row

HEADERS = ["Procurement Reference", "Project Title", "Tender Deadline", "Procedure",
           "Modern Slavery Risk", "Estimated Value", "Main CPV Code", "Lot", "Description"]
HEADER = match_headers(HEADERS, TENDER_COLUMNS)


def row(**values) -> list:
    defaults = {"ref": "T-1", "title": "Grounds maintenance", "closing": "31/03/2027",
                "route": "Open procedure", "tier": "High", "value": "£120,000",
                "cpv": "77310000-6 Planting and maintenance services", "lot": "",
                "description": "Parks and verges"}
    defaults.update(values)
    return [defaults[k] for k in ("ref", "title", "closing", "route", "tier", "value", "cpv",
                                  "lot", "description")]


def test_a_good_row_reads_with_codes_for_the_labels_people_write():
    parsed = parse_tender_row(2, row(route="call-off", tier="medium risk"), HEADER)
    assert parsed == TenderRow(
        row_number=2, reference="T-1", title="Grounds maintenance",
        description="Parks and verges", category="", cpv_code="77310000",
        value=Decimal("120000"), procurement_route="framework_call_off", risk_tier="medium",
        closing_date=date(2027, 3, 31), lot="",
    )


def test_every_problem_of_a_row_is_listed_in_one_go():
    parsed = parse_tender_row(7, row(title="", closing="31/02/2027", route="Negotiated",
                                     tier="", value="-5", cpv="cleaning"), HEADER)
    assert isinstance(parsed, RowProblem)
    assert parsed.message.startswith("Row 7 (tender T-1): ")
    text = parsed.message
    assert "The tender title is missing" in text
    assert "The closing date '31/02/2027' is not a real date" in text
    assert "The procurement route 'Negotiated' is not one we know (one of: Open procedure" in text
    assert "The modern slavery risk tier is missing (one of: High, Medium, Low)" in text
    assert "cleaning' is not a CPV code" in text
    assert len(parsed.reasons) == 6


def test_a_missing_closing_date_is_named():
    parsed = parse_tender_row(3, row(closing=""), HEADER)
    assert isinstance(parsed, RowProblem)
    assert parsed.reasons == ("The closing date is missing",)


def test_blank_rows_are_skipped():
    assert parse_tender_row(9, ["", None, " ", "", "", "", "", "", ""], HEADER) is None
