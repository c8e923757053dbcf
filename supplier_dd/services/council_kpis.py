"""The council-level KPI figures: each Charter commitment and Transparency Statement KPI, and how
many assessed suppliers meet, partly meet or do not meet it (issue 16).

Only suppliers whose current assessment scored a submitted declaration are counted; those
awaiting a declaration (inherent risk only) have no KPI results and are counted apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supplier_dd.domain.risk.kpis import CouncilKpi, KpiResult, aggregate_kpis
from supplier_dd.models.risk import (
    AWAITING_DECLARATION_RANK,
    NOT_ASSESSED_RANK,
    RiskAssessment,
    SupplierRiskSummary,
)


@dataclass(frozen=True)
class CouncilKpis:
    charter: tuple[CouncilKpi, ...]
    transparency: tuple[CouncilKpi, ...]
    # Suppliers counted (a submitted declaration assessed), and those not counted.
    assessed: int
    awaiting: int
    not_assessed: int


def _per_supplier(session: Session):
    rows = session.execute(
        select(RiskAssessment.breakdown)
        .where(RiskAssessment.is_current.is_(True), RiskAssessment.declaration_id.is_not(None))
        .order_by(RiskAssessment.supplier_id)
        .execution_options(yield_per=500)
    )
    for (breakdown,) in rows:
        yield [KpiResult.from_dict(item) for item in (breakdown or {}).get("kpis", [])]


def council_kpis(session: Session) -> CouncilKpis:
    counted = [0]

    def counting():
        for results in _per_supplier(session):
            counted[0] += 1
            yield results

    kpis = aggregate_kpis(counting())
    waiting = dict(session.execute(
        select(SupplierRiskSummary.residual_rank, func.count())
        .where(SupplierRiskSummary.residual_rank.in_(
            (AWAITING_DECLARATION_RANK, NOT_ASSESSED_RANK)))
        .group_by(SupplierRiskSummary.residual_rank)
    ).all())
    return CouncilKpis(
        charter=tuple(kpi for kpi in kpis if kpi.key.startswith("charter_")),
        transparency=tuple(kpi for kpi in kpis if not kpi.key.startswith("charter_")),
        assessed=counted[0],
        awaiting=waiting.get(AWAITING_DECLARATION_RANK, 0),
        not_assessed=waiting.get(NOT_ASSESSED_RANK, 0),
    )
