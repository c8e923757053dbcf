"""Inherent risk: how exposed a supplier or contract is before anything it does about it.

Factors follow PPN 02/23 Table 1: industry, supplier location, workforce, supply-chain model, plus
spend for prioritisation. Each factor reports its points and why, so the total can be explained.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from supplier_dd.domain.risk.geography import prevalence
from supplier_dd.domain.risk.model import Band, PointsBand, RiskModel

WORKFORCE_TRAITS = ("agency", "low_skilled", "temporary_seasonal", "migrant")
NO_WORKFORCE_TRAITS = "No agency, low-skilled, temporary or migrant work"


@dataclass(frozen=True)
class InherentProfile:
    """What is known about a supplier (or one contract) before its declaration is scored.

    None means "not known", which is scored cautiously rather than as zero risk.
    """

    registry_sector: str | None = None
    # A PPN 02/23 industry key from the model (the imports feature's category map gives one).
    industry: str | None = None
    category: str | None = None
    cpv_code: str | None = None
    countries: tuple[str, ...] = ()
    contract_value: Decimal | None = None
    workforce: frozenset[str] | None = None
    subcontracting_depth: int | None = None
    # Model v2: PPN 02/23 Table 1 high-risk goods the declaration names (None: not declared).
    goods: frozenset[str] | None = None


@dataclass(frozen=True)
class FactorContribution:
    factor: str
    label: str
    points: int
    max_points: int
    detail: str

    def as_dict(self) -> dict:
        return {"factor": self.factor, "label": self.label, "points": self.points,
                "max_points": self.max_points, "detail": self.detail}


@dataclass(frozen=True)
class InherentRisk:
    score: int
    band: str
    factors: tuple[FactorContribution, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict:
        return {"score": self.score, "band": self.band,
                "factors": [f.as_dict() for f in self.factors]}


def band_for(bands: tuple[Band, ...], value: float) -> str:
    name = bands[0].name
    for band in bands:
        if value >= band.start:
            name = band.name
    return name


def _points_for(bands: tuple[PointsBand, ...], value: float) -> int:
    points = 0
    for band in bands:
        if value >= band.start:
            points = band.points
    return points


def industry_for(model: RiskModel, profile: InherentProfile) -> str | None:
    """The most specific industry known: explicit, then category, CPV division, registry sector."""
    if profile.industry in model.industries:
        return profile.industry
    if profile.category and profile.category.strip().lower() in model.categories:
        return model.categories[profile.category.strip().lower()]
    digits = "".join(ch for ch in (profile.cpv_code or "") if ch.isdigit())
    if len(digits) >= 2 and digits[:2] in model.cpv_divisions:
        return model.cpv_divisions[digits[:2]]
    if profile.registry_sector and profile.registry_sector.strip() in model.registry_sectors:
        return model.registry_sectors[profile.registry_sector.strip()]
    return None


def _sector(model: RiskModel, profile: InherentProfile) -> FactorContribution:
    key = industry_for(model, profile)
    if key is None:
        return FactorContribution("sector", "Sector or category", model.sector_unknown_points,
                                  model.sector_max, "Sector not known: scored as medium risk")
    industry = model.industries[key]
    return FactorContribution("sector", "Sector or category", industry.points, model.sector_max,
                              industry.label)


def _countries(model: RiskModel, profile: InherentProfile) -> FactorContribution:
    codes = sorted({c.strip().upper() for c in profile.countries if c and c.strip()})
    if not codes:
        return FactorContribution(
            "countries", "Countries of operation and supply", model.country_max // 2,
            model.country_max, "Countries not known: scored as medium risk")
    figures = sorted((prevalence(c) for c in codes), key=lambda p: (-p.per_thousand, p.code))
    worst = figures[0]
    estimate = f" ({worst.region} regional estimate)" if worst.is_estimate else ""
    detail = (f"Highest prevalence: {worst.name}, {worst.per_thousand:.1f} per 1,000"
              f"{estimate}; Global Slavery Index 2023")
    if len(figures) > 1:
        detail += f"; {len(figures)} countries considered"
    return FactorContribution("countries", "Countries of operation and supply",
                              _points_for(model.country_bands, worst.per_thousand),
                              model.country_max, detail)


def _value(model: RiskModel, profile: InherentProfile) -> FactorContribution:
    if profile.contract_value is None:
        return FactorContribution("contract_value", "Contract value", model.value_unknown_points,
                                  model.value_max, "No contract value recorded")
    value = max(Decimal(profile.contract_value), Decimal(0))
    return FactorContribution("contract_value", "Contract value",
                              _points_for(model.value_bands, float(value)), model.value_max,
                              f"£{value:,.0f}")


def _workforce(model: RiskModel, profile: InherentProfile) -> FactorContribution:
    declared = set(profile.workforce or ())
    if industry_for(model, profile) in model.low_skilled_industries:
        declared.add("low_skilled")  # the industry's work is mostly low-skilled (PPN 02/23)
    traits = [model.workforce_traits[t] for t in sorted(declared) if t in model.workforce_traits]
    points = min(sum(t.points for t in traits), model.workforce_max)
    detail = ", ".join(t.label for t in traits) or NO_WORKFORCE_TRAITS
    if profile.workforce is None:
        # Not declared yet: at least half the maximum, so silence is never the best answer.
        points = max(points, model.workforce_max // 2)
        detail = "Workforce model not declared" + (f"; {detail}" if traits else "")
    return FactorContribution("workforce", "Workforce model", points, model.workforce_max, detail)


def _subcontracting(model: RiskModel, profile: InherentProfile) -> FactorContribution:
    depth = profile.subcontracting_depth
    if depth is None:
        return FactorContribution("subcontracting", "Subcontracting depth",
                                  model.subcontracting_unknown_points, model.subcontracting_max,
                                  "Subcontracting not declared")
    depth = max(depth, 0)
    table = model.subcontracting_points_by_depth
    points = table[min(depth, len(table) - 1)]
    detail = "No subcontracting" if depth == 0 else f"{depth} tier{'s' if depth > 1 else ''} of " \
        "subcontractors"
    return FactorContribution("subcontracting", "Subcontracting depth", points,
                              model.subcontracting_max, detail)


def _goods(model: RiskModel, profile: InherentProfile) -> FactorContribution:
    items = [model.goods_items[g] for g in sorted(profile.goods or ()) if g in model.goods_items]
    points = min(sum(g.points for g in items), model.goods_max)
    if profile.goods is None:
        detail = "High-risk goods not declared"
    else:
        detail = ", ".join(g.label for g in items) or "No PPN 02/23 high-risk goods declared"
    return FactorContribution("goods", "High-risk goods (PPN 02/23 Table 1)", points,
                              model.goods_max, detail)


def inherent_risk(model: RiskModel, profile: InherentProfile) -> InherentRisk:
    factors = (
        _sector(model, profile),
        _countries(model, profile),
        _value(model, profile),
        _workforce(model, profile),
        _subcontracting(model, profile),
    )
    if model.goods_max:  # model v2 onwards
        factors = (*factors, _goods(model, profile))
    score = max(0, min(100, sum(f.points for f in factors)))
    return InherentRisk(score=score, band=band_for(model.inherent_bands, score), factors=factors)


def highest_industry(model: RiskModel, profiles: Iterable[InherentProfile]) -> str | None:
    """The riskiest industry among a supplier's contracts: a supplier is as exposed as its worst."""
    keys = [industry_for(model, p) for p in profiles]
    known = [k for k in keys if k is not None]
    if not known:
        return None
    return max(known, key=lambda k: (model.industries[k].points, k))
