"""A council's register of procurements it is running (its tenders pipeline), row by row.

Tenders created on the web, imported from such a register or pushed by the e-tendering system
are the same records; this module only reads a register's row. The columns are those the
officers' form asks for, under the names e-tendering exports and forward plans use.
`parse_tender_row` returns a TenderRow, or a RowProblem listing every reason the row cannot be
imported so a person can fix them all at once. Whether a closing date may be in the past
depends on the tender it updates, so the import checks that, not the row.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from supplier_dd.domain import cells
from supplier_dd.domain.columns import ColumnSpec, HeaderMap
from supplier_dd.domain.contracts_register import RowProblem
from supplier_dd.domain.ppn import cpv_digits
from supplier_dd.domain.tenders import PROCUREMENT_ROUTES, RISK_TIERS

# Lengths match the tenders table.
REFERENCE_MAX = 100
TITLE_MAX = 500
CATEGORY_MAX = 200
LOT_MAX = 200
DESCRIPTION_MAX = 10_000

TENDER_COLUMNS: tuple[ColumnSpec, ...] = (
    ColumnSpec("reference", "tender reference", (
        "tender reference", "tender ref", "tender id", "procurement reference",
        "procurement ref", "project reference", "project ref", "ocid", "notice reference",
        "reference number", "reference", "ref",
    ), required=True),
    ColumnSpec("title", "tender title", (
        "tender title", "procurement title", "project title", "title", "name", "subject",
    ), required=True),
    ColumnSpec("closing_date", "closing date", (
        "closing date", "tender closing date", "tender deadline", "submission deadline",
        "deadline", "return date", "closing",
    ), required=True),
    ColumnSpec("description", "description", (
        "description", "tender description", "procurement description", "summary",
    )),
    ColumnSpec("category", "category", (
        "category", "procurement category", "service category", "spend category",
    )),
    ColumnSpec("cpv", "CPV code", ("cpv code", "main cpv code", "cpv codes", "cpv")),
    ColumnSpec("value", "estimated value", (
        "estimated value", "estimated contract value", "estimated total value", "value",
        "contract value", "budget",
    )),
    # Required as on the officers' form: the route and the risk tier decide what is asked.
    ColumnSpec("route", "procurement route", (
        "procurement route", "procedure", "procurement procedure", "route", "procedure type",
    ), required=True),
    ColumnSpec("risk_tier", "modern slavery risk tier", (
        "modern slavery risk tier", "modern slavery risk", "risk tier", "risk level", "risk",
    ), required=True),
    ColumnSpec("lot", "lot", ("lot", "lot number", "lot name", "lots")),
)


@dataclass(frozen=True)
class TenderRow:
    row_number: int
    reference: str
    title: str
    description: str
    category: str
    cpv_code: str
    value: Decimal | None
    procurement_route: str
    risk_tier: str
    closing_date: date
    lot: str


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _lookup(choices: Sequence[tuple[str, str]], extra: dict[str, str]) -> dict[str, str]:
    """Codes and labels, compared without case or punctuation: 'Open procedure', 'open'."""
    table = {_key(code): code for code, _label in choices}
    table.update({_key(label): code for code, label in choices})
    table.update({_key(name): code for name, code in extra.items()})
    return table


_ROUTES = _lookup(PROCUREMENT_ROUTES, {
    "open": "open", "competitive flexible": "competitive_flexible", "direct": "direct_award",
    "call off": "framework_call_off", "framework": "framework_call_off",
    "mini competition": "framework_call_off", "below threshold": "below_threshold",
    "low value": "below_threshold",
})
_TIERS = _lookup(RISK_TIERS, {"high risk": "high", "medium risk": "medium", "low risk": "low"})
_ROUTE_NAMES = ", ".join(label for _code, label in PROCUREMENT_ROUTES)
_TIER_NAMES = ", ".join(label for _code, label in RISK_TIERS)


def _choice(value, table: dict[str, str], what: str, names: str) -> str:
    raw = cells.text(value, what=what)
    if cells.is_blank(raw):
        raise cells.CellError(f"the {what} is missing (one of: {names})")
    code = table.get(_key(raw))
    if code is None:
        raise cells.CellError(f"the {what} '{raw}' is not one we know (one of: {names})")
    return code


def _read(values: Sequence, position: int | None, parse, reasons: list[str], label: str = ""):
    """Parse one cell; on a CellError note the reason (after `label`) and return None."""
    value = values[position] if position is not None and position < len(values) else None
    try:
        return parse(value)
    except cells.CellError as error:
        reasons.append(f"{label} {error}" if label else str(error))
        return None


def _text(max_length: int, what: str):
    return lambda value: cells.text(value, max_length=max_length, what=what)


def parse_tender_row(row_number: int, values: Sequence,
                     header: HeaderMap) -> TenderRow | RowProblem | None:
    """One register row; None for a blank row."""
    if all(cells.is_blank(v) for v in values):
        return None
    reasons: list[str] = []
    at = header.positions.get
    reference = _read(values, at("reference"), _text(REFERENCE_MAX, "The tender reference"),
                      reasons) or ""
    if not reference:
        reasons.append("the tender reference is missing")
    title = _read(values, at("title"), _text(TITLE_MAX, "The title"), reasons) or ""
    if not title:
        reasons.append("the tender title is missing")
    reasons_before = len(reasons)
    closing_date = _read(values, at("closing_date"), cells.parse_date, reasons,
                         "the closing date")
    if closing_date is None and len(reasons) == reasons_before:
        reasons.append("the closing date is missing")
    route = _read(values, at("route"),
                  lambda v: _choice(v, _ROUTES, "procurement route", _ROUTE_NAMES), reasons)
    tier = _read(values, at("risk_tier"),
                 lambda v: _choice(v, _TIERS, "modern slavery risk tier", _TIER_NAMES), reasons)
    value = _read(values, at("value"), cells.parse_money, reasons, "the estimated value")
    if value is not None and value <= 0:
        reasons.append("the estimated value must be more than £0")
    raw_cpv = _read(values, at("cpv"), cells.text, reasons) or ""
    cpv_code = cpv_digits(raw_cpv) if raw_cpv.strip() else ""
    if cpv_code is None:
        reasons.append(f"the CPV code '{raw_cpv}' is not a CPV code (8 digits, like 90910000)")
    description = _read(values, at("description"), _text(DESCRIPTION_MAX, "The description"),
                        reasons) or ""
    category = _read(values, at("category"), _text(CATEGORY_MAX, "The category"), reasons) or ""
    lot = _read(values, at("lot"), _text(LOT_MAX, "The lot"), reasons) or ""
    if reasons:
        return RowProblem(row_number, reference or None,
                          tuple(r[:1].upper() + r[1:] for r in reasons), what="tender ")
    return TenderRow(
        row_number=row_number, reference=reference, title=title, description=description,
        category=category, cpv_code=cpv_code or "", value=value, procurement_route=route,
        risk_tier=tier, closing_date=closing_date, lot=lot,
    )
