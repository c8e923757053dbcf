"""What the contracts list can be narrowed to: the choices an officer picks from, as plain data.

Value bands follow the amounts councils talk about: below £25,000 a contract need not be
advertised, and £1 million is where most councils' standing orders ask for a Cabinet decision.
The bounds are inclusive below and exclusive above, so every value falls in exactly one band.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from supplier_dd.domain.ppn import OTHER, UNCLASSIFIED, industries, industry_label

HIGH_RISK = "high_risk"
LIVE = "live"
ENDED = "ended"
STATUS_LABELS = {LIVE: "Live (not yet ended)", ENDED: "Ended"}
# Contracts the import could not match to a supplier.
NOT_MATCHED = "none"


@dataclass(frozen=True)
class ValueBand:
    key: str
    label: str
    at_least: Decimal | None  # None: no lower bound
    below: Decimal | None  # None: no upper bound
    unknown: bool = False  # the band of contracts with no value recorded


VALUE_BANDS = (
    ValueBand("under_25k", "Under £25,000", None, Decimal("25000")),
    ValueBand("25k_250k", "£25,000 to £249,999", Decimal("25000"), Decimal("250000")),
    ValueBand("250k_1m", "£250,000 to £999,999", Decimal("250000"), Decimal("1000000")),
    ValueBand("1m_plus", "£1 million or more", Decimal("1000000"), None),
    ValueBand("unknown", "Value not recorded", None, None, unknown=True),
)
VALUE_BANDS_BY_KEY = {band.key: band for band in VALUE_BANDS}


def category_choices() -> list[tuple[str, str]]:
    """'All high-risk industries' first, then each PPN 02/23 industry, then the two others."""
    named = sorted(industries().values(), key=lambda industry: industry.label)
    return ([(HIGH_RISK, "Any PPN 02/23 high-risk industry")]
            + [(industry.key, industry.label) for industry in named]
            + [(key, industry_label(key)) for key in (OTHER, UNCLASSIFIED)])


def contract_status(end_date: date | None, today: date) -> str:
    """A contract is live until the day after its end date; one with no end date is live."""
    return ENDED if end_date is not None and end_date < today else LIVE
