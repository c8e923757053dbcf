"""Five years of the measures Cabinet members would rather look at than read (issue 19): risk
bands, declaration coverage, re-attestation on time and training completion, each year counted
the same way as the pack counts the year it reports.

A Trend is plain data: the years, one or more series of values, a text alternative that says in
words what the chart shows, and the pack's reference (F-number) of the measure for the year
being reported, so the newest point of every chart is a figure in the evidence index and the
older points are the same measure in each earlier year's pack. Stored with the statement and
frozen at approval, like its figures.

No Flask, SQLAlchemy or clock.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from supplier_dd.reports.data import PERCENT, format_value

YEARS_SHOWN = 5
NO_RECORDS = "No records"

# The measures, by the pack's figure keys (reports/queries.py).
COVERAGE_KEY = "contracts.declaration_coverage"
TENDER_COVERAGE_KEY = "tenders.declaration_coverage"
REATTESTATION_KEY = "reattestation.on_time_share"
PROCUREMENT_TRAINING_KEY = "training.procurement_team.share"
ALL_STAFF_TRAINING_KEY = "training.all_staff.share"

RISK_BANDS = "risk_bands"
COVERAGE = "declaration_coverage"
REATTESTATION = "reattestation"
TRAINING = "training"


@dataclass(frozen=True)
class TrendPoint:
    year: str  # '2025-26'
    value: int | float | None

    def display(self, unit: str) -> str:
        return format_value(self.value, unit, NO_RECORDS)


@dataclass(frozen=True)
class TrendSeries:
    key: str  # the pack's figure key
    label: str
    ref: str  # the figure's F-number in this year's pack; "" when this year's pack has none
    points: tuple[TrendPoint, ...]


@dataclass(frozen=True)
class Trend:
    """One chart: a measure (or, for risk bands, the bands of one measure) over the years."""

    key: str
    title: str
    unit: str  # PERCENT or COUNT
    stacked: bool  # the series add up to a whole (suppliers by band) rather than sit side by side
    series: tuple[TrendSeries, ...]

    @property
    def years(self) -> tuple[str, ...]:
        return tuple(point.year for point in self.series[0].points) if self.series else ()

    def has_records(self) -> bool:
        return any(point.value for series in self.series for point in series.points)

    def text_alternative(self) -> str:
        """The chart in words, for the image's alternative text and the sentence under it."""
        if not self.has_records():
            return f"{self.title}: no records in {_span(self.years)}."
        if self.stacked:
            parts = []
            for year, total in zip(self.years, self.totals(), strict=True):
                if not total:
                    parts.append(f"{year}: {NO_RECORDS.lower()}")
                    continue
                bands = ", ".join(
                    f"{series.label} {format_value(series.points[i].value, self.unit)}"
                    for series in self.series
                    for i in [self.years.index(year)] if series.points[i].value)
                parts.append(f"{year}: {bands}")
            return f"{self.title}, {_span(self.years)}. " + "; ".join(parts) + "."
        sentences = []
        for series in self.series:
            values = ", ".join(f"{point.display(self.unit)} in {point.year}"
                               for point in series.points)
            sentences.append(f"{series.label}: {values}.")
        return f"{self.title}, {_span(self.years)}. " + " ".join(sentences)

    def totals(self) -> tuple[int | float, ...]:
        return tuple(sum(series.points[i].value or 0 for series in self.series)
                     for i in range(len(self.years)))

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Trend:
        return cls(data["key"], data["title"], data["unit"], data["stacked"], tuple(
            TrendSeries(s["key"], s["label"], s["ref"],
                        tuple(TrendPoint(p["year"], p["value"]) for p in s["points"]))
            for s in data["series"]))


def _span(years: tuple[str, ...]) -> str:
    if not years:
        return "no years"
    return years[0] if len(years) == 1 else f"{years[0]} to {years[-1]}"


@dataclass(frozen=True)
class YearValues:
    """One year's measured figures, by key, as reports/queries.py counts them."""

    year: str
    values: dict[str, int | float | None]
    labels: dict[str, str]


def build_trends(history: list[YearValues], refs: dict[str, str],
                 band_keys: tuple[str, ...]) -> tuple[Trend, ...]:
    """The four charts from `history` (oldest year first, the reported year last).

    Years before the council's first records are left out, so a council three years into the
    service shows three years, not two empty ones; at most YEARS_SHOWN are shown.
    """
    activity = (*band_keys, *_ACTIVITY_KEYS)
    history = _from_first_records(history, activity)[-YEARS_SHOWN:]

    def series(key: str, label: str | None = None) -> TrendSeries:
        newest = history[-1].labels if history else {}
        return TrendSeries(key, label or newest.get(key, key), refs.get(key, ""),
                           tuple(TrendPoint(year.year, year.values.get(key)) for year in history))

    bands = tuple(series(key, _band_label(history, key)) for key in band_keys)
    return (
        Trend(RISK_BANDS, "Suppliers by risk band", "count", True, bands),
        Trend(COVERAGE, "Declaration coverage", PERCENT, False, (
            series(COVERAGE_KEY, "Contracts whose supplier declared in the year"),
            series(TENDER_COVERAGE_KEY, "Tender bidders who declared"))),
        Trend(REATTESTATION, "Re-attestations on time", PERCENT, False, (
            series(REATTESTATION_KEY, "Re-attestations submitted by the due date"),)),
        Trend(TRAINING, "Training completion", PERCENT, False, (
            series(PROCUREMENT_TRAINING_KEY, "Procurement team"),
            series(ALL_STAFF_TRAINING_KEY, "All staff"))),
    )


def _band_label(history: list[YearValues], key: str) -> str:
    label = history[-1].labels.get(key, key) if history else key
    if label.startswith("Suppliers awaiting a declaration"):
        return "Awaiting a declaration"
    return label.rsplit("rated ", 1)[-1]


# A year is in the charts from the first in which the council used the service: a declaration,
# a risk rating, a re-attestation due or training recorded. (Contracts alone do not count: a
# council that imported its register in its first year would otherwise show years of 0%.)
_ACTIVITY_KEYS = ("declarations.submitted", "reattestation.due", PROCUREMENT_TRAINING_KEY,
                  ALL_STAFF_TRAINING_KEY)


def _from_first_records(history: list[YearValues], keys: tuple[str, ...]) -> list[YearValues]:
    for position, year in enumerate(history):
        if any(year.values.get(key) for key in keys if key != "risk.not_assessed"):
            return history[position:]
    return history[-1:]


def trends_from_json(data: list[dict[str, Any]] | None) -> tuple[Trend, ...]:
    return tuple(Trend.from_json(item) for item in data or ())
