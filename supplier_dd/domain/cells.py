"""Reading the values people type into spreadsheets: dates, sums of money, yes/no flags, text.

Every parser takes whatever a CSV or XLSX reader hands over (str, int, float, date, datetime or
None) and either returns a clean value or raises CellError with a message the person who owns
the file can act on. Nothing here knows which column it is reading; callers add that.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

from supplier_dd.domain.control_characters import without_control_characters

# What councils write in an optional cell that has no value yet.
_BLANK_MARKERS = frozenset({"", "-", "--", "n/a", "na", "none", "null", "nil", "tbc", "tba"})

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$")
_YEAR_FIRST = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
# UK order (day first): council registers are British. An optional midnight time is what Excel
# appends when a date column is saved as CSV.
_DAY_FIRST = re.compile(
    r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?: \d{1,2}:\d{2}(?::\d{2})?)?$"
)
_DAY_MONTH_NAME = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?[ -]([a-z]+)\.?,?[ -](\d{4}|\d{2})$")

# Excel stores dates as days since 30 December 1899; a bare number in a date column is one.
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_SERIAL_RANGE = (20_000, 80_000)  # 1954 to 2119: a wider range is more likely an error

_MONEY_PLAIN = re.compile(r"^\d+(?:\.\d+)?$")
_MONEY_GROUPED = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
# Longest suffix first, so 'million' is not read as 'm'.
_MONEY_MULTIPLIERS = {"million": Decimal(1_000_000), "bn": Decimal(1_000_000_000),
                      "k": Decimal(1_000), "m": Decimal(1_000_000)}
_MONEY_COMMON = re.compile(r"^£?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)$")
MONEY_LIMIT = Decimal("999999999999.99")  # what Numeric(14, 2) can hold
_PENNY = Decimal("0.01")

_TRUE_FLAGS = frozenset({"yes", "y", "true", "1"})


class CellError(ValueError):
    """A cell holds something that is not the kind of value the column needs."""


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().lower() in _BLANK_MARKERS
    return False


def text(value, *, max_length: int | None = None, what: str = "Value") -> str:
    """Cell text on one line, with surrounding and repeated whitespace and any control
    characters removed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # XLSX stores typed references like 2023001 as floats
    cleaned = " ".join(without_control_characters(str(value)).split())
    if max_length is not None and len(cleaned) > max_length:
        raise CellError(f"{what} is {len(cleaned)} characters long; the limit is {max_length}")
    return cleaned


def lines(value) -> tuple[str, ...]:
    """A multi-value cell (values joined by line breaks) as its non-empty values."""
    if value is None:
        return ()
    parts = without_control_characters(str(value)).splitlines()
    return tuple(part.strip() for part in parts if part.strip())


def flag(value) -> bool:
    """'Yes' (and its usual spellings) is true; empty, 'No' and anything else is false."""
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in _TRUE_FLAGS


def _checked_date(year: int, month: int, day: int, raw: str) -> date:
    if not 1900 <= year <= 2200:
        raise CellError(f"'{raw}' has the year {year}, which cannot be right")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"'{raw}' is not a real date") from None


def parse_date(value) -> date | None:
    """A date from a cell, or None for an empty one. Day-first (31/03/2025) like UK registers."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not a date")
    if isinstance(value, int | float):
        low, high = _EXCEL_SERIAL_RANGE
        if low <= value <= high:
            return _EXCEL_EPOCH + timedelta(days=int(value))
        raise CellError(f"'{value}' is not a date; use a format like 31/03/2025 or 2025-03-31")
    if is_blank(value):
        return None
    return _parse_date_text(str(value))


@lru_cache(maxsize=16_384)  # registers repeat the same dates over and over
def _parse_date_text(value: str) -> date:
    raw = " ".join(value.split())
    lowered = raw.lower()
    if match := _ISO.match(raw) or _YEAR_FIRST.match(raw):
        year, month, day = (int(part) for part in match.groups())
        return _checked_date(year, month, day, raw)
    if match := _DAY_FIRST.match(raw):
        day, month, year_text = match.groups()
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _checked_date(year, int(month), int(day), raw)
    if (match := _DAY_MONTH_NAME.match(lowered)) and match.group(2) in _MONTHS:
        day, month_name, year_text = match.groups()
        year = int(year_text) + (2000 if len(year_text) == 2 else 0)
        return _checked_date(year, _MONTHS[month_name], int(day), raw)
    raise CellError(f"'{raw}' is not a date; use a format like 31/03/2025 or 2025-03-31")


def parse_money(value) -> Decimal | None:
    """An amount in pounds, rounded to the penny, or None for an empty cell.

    Accepts what registers contain: 12500, 12,500.00, £12,500, GBP 12500, £1.2m. Refuses what
    cannot be read with certainty ('GBP 1,2,3', '1.234,56') and negative amounts.
    """
    if isinstance(value, bool):
        raise CellError(f"'{value}' is not an amount of money")
    if isinstance(value, int | float | Decimal):
        try:
            amount = Decimal(str(value))
        except InvalidOperation:
            raise CellError(f"'{value}' is not an amount of money") from None
        return _checked_amount(amount, str(value))
    if is_blank(value):
        return None
    if match := _MONEY_COMMON.match(value):  # '£12,500.00' and '12500': most cells
        return _checked_amount(Decimal(match.group(1).replace(",", "")), value)
    raw = " ".join(str(value).split())
    cleaned = raw.lower().replace(" ", "")
    negative = cleaned.startswith("-") or cleaned.endswith("-") or (
        cleaned.startswith("(") and cleaned.endswith(")")
    )
    cleaned = cleaned.strip("()-")
    for prefix in ("£", "gbp"):
        cleaned = cleaned.removeprefix(prefix)
    cleaned = cleaned.removesuffix("gbp").removesuffix("£")
    if cleaned.startswith("-"):  # £-100
        negative, cleaned = True, cleaned.lstrip("-")
    multiplier = Decimal(1)
    for suffix, factor in _MONEY_MULTIPLIERS.items():
        if cleaned.endswith(suffix) and cleaned[: -len(suffix)][-1:].isdigit():
            cleaned, multiplier = cleaned[: -len(suffix)], factor
            break
    if not (_MONEY_PLAIN.match(cleaned) or _MONEY_GROUPED.match(cleaned)):
        raise CellError(
            f"'{raw}' is not an amount of money; use a number like 12500 or £12,500.00"
        )
    amount = Decimal(cleaned.replace(",", "")) * multiplier
    if negative and amount:
        raise CellError(f"'{raw}' is negative; a contract value must be zero or more")
    return _checked_amount(amount, raw)


def _checked_amount(amount: Decimal, raw: str) -> Decimal:
    if not amount.is_finite():
        raise CellError(f"'{raw}' is not an amount of money")
    if amount < 0:
        raise CellError(f"'{raw}' is negative; a contract value must be zero or more")
    amount = amount.quantize(_PENNY, rounding=ROUND_HALF_UP)
    if amount > MONEY_LIMIT:
        raise CellError(f"'{raw}' is too large to be a contract value")
    return amount
