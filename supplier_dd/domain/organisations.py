"""Validation of facts about an organisation: Companies House numbers, countries, sectors."""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

import pycountry

# England and Wales companies are 8 digits; other registers use a two-letter prefix
# (SC Scotland, NI Northern Ireland, OC LLP, SO Scottish LLP, LP, SL, FC, R0 ...) and six digits.
_COMPANY_NUMBER = re.compile(r"^(?:\d{8}|[A-Z]{2}\d{6}|R0\d{6})$")

TURNOVER_BANDS = (
    ("under-36m", "Under £36 million"),
    ("36m-60m", "£36 million to £60 million"),
    ("60m-100m", "£60 million to £100 million"),
    ("100m-500m", "£100 million to £500 million"),
    ("over-500m", "Over £500 million"),
)
RELEVANT_TURNOVER_BANDS = frozenset(code for code, _ in TURNOVER_BANDS[1:])


def normalise_company_number(raw: str) -> str:
    """Return the canonical form or raise ValueError with a message a person can act on."""
    # A word joiner (U+2060) is how the service's CSV exports keep a leading zero as text.
    value = re.sub(r"[\s\u2060]+", "", raw or "").upper()
    if value.isdigit() and 0 < len(value) < 8:
        value = value.zfill(8)
    if not _COMPANY_NUMBER.match(value):
        raise ValueError(
            "Enter a Companies House number in the correct format, like 01234567 or SC123456"
        )
    return value


@cache
def countries() -> tuple[tuple[str, str], ...]:
    """ISO 3166-1 alpha-2 codes with their common names, sorted by name."""
    items = [(c.alpha_2, getattr(c, "common_name", c.name)) for c in pycountry.countries]
    return tuple(sorted(items, key=lambda item: item[1]))


def country_name(code: str) -> str:
    return dict(countries()).get(code, code)


def is_country(code: str) -> bool:
    return code in dict(countries())


@cache
def sectors() -> tuple[str, ...]:
    """The statement registry's sector list (Home Office, MIT licence; see data/SOURCES.md)."""
    text = resources.files("supplier_dd.data").joinpath("statement_sector_types.csv").read_text(
        encoding="utf-8"
    )
    return tuple(row["Description"].strip() for row in csv.DictReader(text.splitlines()))
