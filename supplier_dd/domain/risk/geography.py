"""Global Slavery Index 2023 prevalence by country, with the documented regional fallback."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

WORLD = "World"


@dataclass(frozen=True)
class CountryPrevalence:
    code: str
    name: str
    per_thousand: float
    # "published", "derived", "lowest-ten", "regional-fallback" or "global-fallback": see
    # data/SOURCES.md. Shown to officers so an estimate is never mistaken for a measured figure.
    basis: str
    region: str

    @property
    def is_estimate(self) -> bool:
        return self.basis.endswith("fallback")


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("supplier_dd.data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def _tables() -> tuple[dict[str, dict[str, str]], dict[str, float]]:
    countries = {row["iso2"]: row for row in _rows("gsi_2023_prevalence.csv")}
    regions = {row["gsi_region"]: float(row["prevalence_per_1000"])
               for row in _rows("gsi_2023_regions.csv")}
    return countries, regions


def prevalence(code: str) -> CountryPrevalence:
    """Prevalence per 1,000 for an ISO 3166-1 alpha-2 code; unknown codes get the world figure."""
    countries, regions = _tables()
    code = (code or "").strip().upper()
    row = countries.get(code)
    if row is None:
        return CountryPrevalence(code, code or "Unknown", regions[WORLD], "global-fallback", WORLD)
    region = row["gsi_region"] or WORLD
    if row["prevalence_per_1000"]:
        return CountryPrevalence(code, row["country"], float(row["prevalence_per_1000"]),
                                 row["basis"], region)
    basis = "regional-fallback" if row["gsi_region"] else "global-fallback"
    return CountryPrevalence(code, row["country"], regions[region], basis, region)
