"""A council's contracts register (Local Government Transparency Code 2015), row by row.

The columns we read, with the header names councils actually use: the LGTC minimum fields,
the LGA 'contracts' schema that Norfolk and others publish, and Birmingham's open-data names.
`parse_register_row` turns one row into a RegisterRow or a RowProblem that lists every reason
the row cannot be imported, so a person can fix them all in one go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from supplier_dd.domain import cells
from supplier_dd.domain.columns import ColumnSpec, HeaderMap
from supplier_dd.domain.organisations import normalise_company_number
from supplier_dd.domain.ppn import cpv_digits, ppn_category_for

# Lengths match the contracts and suppliers tables.
REFERENCE_MAX = 100
TITLE_MAX = 500
SUPPLIER_NAME_MAX = 300
CATEGORY_MAX = 200

REGISTER_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("reference", "contract reference", (
        "contract reference", "contract reference number", "contract ref", "contract ref no",
        "contract id", "contract number", "contract no", "reference number", "reference",
        "ref no", "ref", "procurement reference", "our reference", "unique contract id",
    ), required=True),
    ColumnSpec("title", "contract title", (
        "contract title", "title", "title of agreement", "title of contract", "contract name",
        "name of contract", "contract subject", "subject",
        # Birmingham and some others publish only a description; use it when there is no title.
        "contract description", "description", "description of goods and services",
        "short description",
    ), required=True),
    ColumnSpec("supplier_name", "supplier name", (
        "supplier name", "supplier", "name of supplier", "supplier legal name", "vendor name",
        "vendor", "contractor name", "contractor", "awarded supplier", "awarded to",
        "supplier details", "provider name", "provider", "company name",
    ), required=True),
    ColumnSpec("company_number", "supplier Companies House number", (
        "supplier company number", "supplier company registration number",
        "company registration number", "companies house number", "company number",
        "registered company number", "company reg no", "company registration no",
        "registration number", "company no", "ch number",
    )),
    ColumnSpec("value", "contract value", (
        "contract value", "total contract value", "total value", "value of contract",
        "total value of contract", "estimated total value", "estimated value", "value",
        "value gbp", "award value", "original value", "estimated annual spend", "annual value",
        "annual spend", "amount",
    )),
    ColumnSpec("start_date", "start date", (
        "start date", "contract start date", "contract start", "start", "validity start",
        "commencement date", "date from", "from date",
    )),
    ColumnSpec("end_date", "end date", (
        "end date", "contract end date", "contract end", "end", "validity end", "expiry date",
        "contract expiry date", "expiry", "finish date", "date to", "to date",
    )),
    ColumnSpec("category", "category", (
        "category", "service category", "service category label", "procurement category",
        "product category", "contract category", "category of spend", "spend category",
        "proclass label", "proclass",
    )),
    ColumnSpec("cpv", "CPV code", (
        "cpv code", "cpv codes", "main cpv code", "cpv main code", "cpv", "cpv uri",
        "cpv label",
    )),
)


@dataclass(frozen=True)
class RegisterRow:
    row_number: int
    reference: str
    title: str
    supplier_name: str
    company_number: str | None
    value: Decimal | None
    start_date: date | None
    end_date: date | None
    category: str | None
    cpv_code: str | None
    ppn_industry: str
    ppn_high_risk: bool


@dataclass(frozen=True)
class RowProblem:
    row_number: int
    reference: str | None  # what identifies the row to a person: a contract reference, a name
    reasons: tuple[str, ...]
    what: str = "contract "

    @property
    def message(self) -> str:
        where = f"Row {self.row_number}"
        if self.reference:
            where += f" ({self.what}{self.reference})"
        return f"{where}: " + "; ".join(self.reasons)


def _is_empty_row(values: Sequence) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def _read(values: Sequence, position: int | None, parse, label: str, reasons: list[str]):
    """Parse one cell; on a CellError note the reason (prefixed by `label`) and return None."""
    value = values[position] if position is not None and position < len(values) else None
    try:
        return parse(value)
    except cells.CellError as error:
        reasons.append(f"{label} {error}" if label else str(error))
        return None


def _text_of_length(max_length: int, what: str):
    return lambda value: cells.text(value, max_length=max_length, what=what)


_REFERENCE = _text_of_length(REFERENCE_MAX, "The contract reference")
_TITLE = _text_of_length(TITLE_MAX, "The title")
_SUPPLIER_NAME = _text_of_length(SUPPLIER_NAME_MAX, "The supplier name")
_CATEGORY = _text_of_length(CATEGORY_MAX, "The category")


@lru_cache(maxsize=65_536)
def _company_number(text: str) -> str:
    # Registers repeat the same few thousand suppliers; normalising each once saves time.
    return normalise_company_number(text)


def parse_register_row(
    row_number: int, values: Sequence, header: HeaderMap
) -> RegisterRow | RowProblem | None:
    """One register row; None for a blank row (spreadsheets often end with some)."""
    if _is_empty_row(values):
        return None
    reasons: list[str] = []
    at = header.positions.get

    reference = _read(values, at("reference"), _REFERENCE, "", reasons)
    if reference == "":
        reasons.append("the contract reference is missing")
    title = _read(values, at("title"), _TITLE, "", reasons)
    if title == "":
        reasons.append("the contract title is missing")
    supplier_name = _read(values, at("supplier_name"), _SUPPLIER_NAME, "", reasons)
    if supplier_name == "":
        reasons.append("the supplier name is missing")

    company_number = None
    number_text = _read(values, at("company_number"), cells.text, "", reasons)
    if not cells.is_blank(number_text):
        try:
            company_number = _company_number(number_text)
        except ValueError:
            reasons.append(
                f"the Companies House number '{number_text}' is not in the right format "
                "(8 characters, like 01234567 or SC123456)"
            )

    value = _read(values, at("value"), cells.parse_money, "the value", reasons)
    start_date = _read(values, at("start_date"), cells.parse_date, "the start date", reasons)
    end_date = _read(values, at("end_date"), cells.parse_date, "the end date", reasons)
    if start_date and end_date and end_date < start_date:
        reasons.append(
            f"the end date {end_date:%d/%m/%Y} is before the start date {start_date:%d/%m/%Y}"
        )
    category = _read(values, at("category"), _CATEGORY, "", reasons) or None
    raw_cpv = _read(values, at("cpv"), cells.text, "", reasons) or None

    if reasons:
        return RowProblem(row_number, reference or None, tuple(_capitalise(reasons)))
    industry, high_risk = ppn_category_for(category, raw_cpv)
    return RegisterRow(
        row_number=row_number,
        reference=reference,
        title=title,
        supplier_name=supplier_name,
        company_number=company_number,
        value=value,
        start_date=start_date,
        end_date=end_date,
        category=category,
        cpv_code=cpv_digits(raw_cpv),
        ppn_industry=industry,
        ppn_high_risk=high_risk,
    )


def _capitalise(reasons: list[str]) -> list[str]:
    return [reason[:1].upper() + reason[1:] for reason in reasons]
