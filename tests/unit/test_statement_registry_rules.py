"""The statement registry's facts about a supplier, and how they meet its declaration."""

from __future__ import annotations

from datetime import date

import pytest

from supplier_dd.domain.columns import find_header_row
from supplier_dd.domain.contracts_register import RowProblem
from supplier_dd.domain.statement_registry import (
    REGISTRY_COLUMNS,
    RegisteredStatement,
    months_between,
    parse_registry_row,
    registry_facts,
    registry_mismatches,
    turnover_band_code,
    verified_facts,
)
from supplier_dd.services.suppliers import normalise_name
from tests.import_files import REGISTRY_HEADERS, registry_row

TODAY = date(2026, 11, 22)


def statement(year=2026, end=date(2026, 3, 31), approved=date(2026, 9, 1),
              areas=frozenset({"policies", "training"}), turnover="36m-60m", **extra):
    values = dict(row_number=2, statement_year=year, organisation_name="Acme Ltd",
                  company_number="01234567", statement_url="https://acme.example/msa",
                  summary_url=None, start_date=None, end_date=end, approved_on=approved,
                  areas=areas, turnover_band=turnover, sectors=(), group_submission=False,
                  parent_name=None)
    values.update(extra)
    return RegisteredStatement(**values)


def test_a_registry_row_with_multi_line_cells_and_a_blank_company_number():
    header = find_header_row([(1, REGISTRY_HEADERS)], REGISTRY_COLUMNS)
    cells = registry_row(year=2025, name="Circular Waste & Recycling Limited", number="",
                         areas="110101", sectors=("Waste management and recycling",
                                                  "Utilities: gas, water and electricity"),
                         turnover="Over £500 million")
    parsed = parse_registry_row(4, cells, header, normalise_name)
    assert isinstance(parsed, RegisteredStatement)
    assert parsed.company_number is None
    assert parsed.sectors == ("Waste management and recycling",
                              "Utilities: gas, water and electricity")
    assert parsed.areas == {"organisation_structure", "policies", "due_diligence", "monitoring"}
    assert parsed.turnover_band == "over-500m"
    assert (parsed.start_date, parsed.end_date, parsed.approved_on) == (
        date(2024, 4, 1), date(2025, 3, 31), date(2025, 9, 15)
    )


def test_a_registry_row_that_cannot_be_read_says_why():
    header = find_header_row([(1, REGISTRY_HEADERS)], REGISTRY_COLUMNS)
    cells = registry_row(year=2025, name="Acme Ltd", end="31/13/2025")
    problem = parse_registry_row(9, cells, header, normalise_name)
    assert isinstance(problem, RowProblem)
    assert problem.message == "Row 9 (Acme Ltd): StatementEndDate '31/13/2025' is not a real date"


@pytest.mark.parametrize("label, code", [
    ("Under £36 million", "under-36m"), ("£36 million to £60 million", "36m-60m"),
    ("£60 million to £100 million", "60m-100m"), ("£100 million to £500 million", "100m-500m"),
    ("Over £500 million", "over-500m"), ("", None), ("Unknown", None),
])
def test_turnover_bands(label, code):
    assert turnover_band_code(label) == code


def test_months_between():
    assert months_between(date(2025, 3, 31), date(2026, 9, 30)) == 17
    assert months_between(date(2025, 3, 31), date(2026, 10, 1)) == 18
    assert months_between(date(2025, 3, 31), date(2026, 11, 1)) == 19


def test_newest_statement_is_the_latest_and_current_when_recent():
    facts = registry_facts([statement(year=2025, end=date(2025, 3, 31)), statement()],
                           "company number", TODAY)
    assert facts.latest.statement_year == 2026
    assert facts.registered and facts.covers_relevant_period and not facts.out_of_date
    assert facts.area_coverage[1] == ("Policies", True)
    assert not facts.covers_all_areas


def test_a_statement_for_a_period_over_18_months_ago_is_out_of_date():
    facts = registry_facts([statement(year=2025, end=date(2025, 3, 31))], "name", TODAY)
    assert facts.out_of_date and not facts.covers_relevant_period
    assert facts.matched_by == "name"


def test_nothing_registered():
    facts = registry_facts([], "name", TODAY)
    assert not facts.registered and facts.matched_by is None and not facts.out_of_date
    assert verified_facts(facts) == {}


def test_mismatch_declared_compliant_but_nothing_registered():
    flags = registry_mismatches(registry_facts([], None, TODAY),
                                {"s54_is_rco": "yes", "s54_compliant": "yes"})
    assert [f.code for f in flags] == ["declared_compliant_not_registered"]
    assert "no statement is registered" in flags[0].message


def test_mismatch_declared_not_relevant_but_registry_turnover_is_36m_or_more():
    facts = registry_facts([statement(turnover="100m-500m")], "company number", TODAY)
    flags = registry_mismatches(facts, {"s54_is_rco": "no"})
    assert [f.code for f in flags] == ["declared_not_relevant_but_turnover_relevant"]
    assert "£100 million to £500 million" in flags[0].message


def test_mismatch_statement_out_of_date():
    facts = registry_facts([statement(year=2024, end=date(2024, 3, 31))], "company number",
                           TODAY)
    flags = registry_mismatches(facts, {"s54_is_rco": "yes", "s54_compliant": "yes"})
    assert [f.code for f in flags] == ["registered_statement_out_of_date"]
    assert "31 March 2024, more than 18 months ago" in flags[0].message


def test_no_mismatch_when_declaration_and_registry_agree():
    facts = registry_facts([statement()], "company number", TODAY)
    assert registry_mismatches(facts, {"s54_is_rco": "yes", "s54_compliant": "yes"}) == []
    under = registry_facts([statement(turnover="under-36m")], "company number", TODAY)
    assert registry_mismatches(under, {"s54_is_rco": "no"}) == []
    assert registry_mismatches(registry_facts([], None, TODAY), {}) == []


def test_verified_facts_name_their_source():
    facts = registry_facts([statement(areas=frozenset({"organisation_structure", "policies",
                                                        "risk_assessment", "due_diligence",
                                                        "training", "monitoring"}))],
                           "company number", TODAY)
    verified = verified_facts(facts)
    assert verified["statement_registered"].value is True
    assert verified["statement_current"].value is True
    assert verified["statement_covers_all_areas"].value is True
    assert verified["relevant_commercial_organisation"].value is True
    assert verified["statement_approved_on"].value == date(2026, 9, 1)
    assert {f.source for f in verified.values()} == {
        "Home Office modern slavery statement registry"
    }
    assert verified["statement_url"].as_of == date(2026, 9, 1)
