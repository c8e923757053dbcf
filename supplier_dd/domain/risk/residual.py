"""Residual risk: inherent risk after what the supplier declares it does, with red-flag floors."""

from __future__ import annotations

from dataclasses import dataclass

from supplier_dd.domain.risk.inherent import InherentRisk, band_for
from supplier_dd.domain.risk.kpis import KpiResult
from supplier_dd.domain.risk.maturity import Maturity
from supplier_dd.domain.risk.model import RESIDUAL_BANDS, RiskModel

EXCLUDED_PENDING_REVIEW = "Excluded pending review"
# Sort order for officers: knock-outs first, then Critical down to Low.
EXCLUDED_RANK = len(RESIDUAL_BANDS)


@dataclass(frozen=True)
class AppliedRedFlag:
    key: str
    label: str
    floor: str | None
    excludes: bool
    question_id: str
    answer: str

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "floor": self.floor,
                "excludes": self.excludes, "question_id": self.question_id, "answer": self.answer}


@dataclass(frozen=True)
class Residual:
    band: str
    score: int
    rank: int
    excluded_pending_review: bool
    matrix_band: str
    maturity_band: str

    @property
    def rating(self) -> str:
        """What officers read: the knock-out outranks every band."""
        return EXCLUDED_PENDING_REVIEW if self.excluded_pending_review else self.band


@dataclass(frozen=True)
class Assessment:
    model_version: str
    model_fingerprint: str
    inherent: InherentRisk
    maturity: Maturity | None
    residual: Residual
    red_flags: tuple[AppliedRedFlag, ...]
    kpis: tuple[KpiResult, ...]
    explanation: tuple[str, ...]

    @property
    def maturity_percent(self) -> float | None:
        return None if self.maturity is None else self.maturity.percent

    def as_dict(self) -> dict:
        """The full breakdown stored with the assessment, so every number can be traced later."""
        maturity = None
        if self.maturity is not None:
            maturity = {
                "percent": self.maturity.percent,
                "band": self.residual.maturity_band,
                "sections": [s.as_dict() for s in self.maturity.sections],
                "questions": [q.as_dict() for q in self.maturity.questions],
                "costliest": [q.question_id for q in self.maturity.costliest()],
            }
        return {
            "model": {"version": self.model_version, "fingerprint": self.model_fingerprint},
            "inherent": self.inherent.as_dict(),
            "maturity": maturity,
            "residual": {
                "band": self.residual.band, "score": self.residual.score,
                "rank": self.residual.rank, "rating": self.residual.rating,
                "matrix_band": self.residual.matrix_band,
                "excluded_pending_review": self.residual.excluded_pending_review,
            },
            "red_flags": [f.as_dict() for f in self.red_flags],
            "kpis": [k.as_dict() for k in self.kpis],
            "explanation": list(self.explanation),
        }


def _higher(a: str, b: str) -> str:
    return a if RESIDUAL_BANDS.index(a) >= RESIDUAL_BANDS.index(b) else b


def residual_risk(
    model: RiskModel, inherent: InherentRisk, maturity_percent: float,
    red_flags: tuple[AppliedRedFlag, ...],
) -> Residual:
    maturity_band = band_for(model.maturity_bands, maturity_percent)
    matrix_band = model.residual_matrix[inherent.band][maturity_band]
    band = matrix_band
    for flag in red_flags:
        if flag.floor:
            band = _higher(band, flag.floor)
    excluded = any(flag.excludes for flag in red_flags)
    # Within a band, order by inherent score reduced by up to `mitigation` at full maturity.
    score = round(inherent.score * (1 - model.residual_mitigation * maturity_percent / 100))
    rank = EXCLUDED_RANK if excluded else RESIDUAL_BANDS.index(band)
    return Residual(band=band, score=max(0, min(100, score)), rank=rank,
                    excluded_pending_review=excluded, matrix_band=matrix_band,
                    maturity_band=maturity_band)


def apply_red_flag_rules(
    model: RiskModel, maturity: Maturity | None, titles: dict[str, str]
) -> tuple[AppliedRedFlag, ...]:
    """Red flags raised by answers, with the model's floor; unknown keys are kept without one."""
    if maturity is None:
        return ()
    applied = []
    for flag in maturity.red_flags:
        rule = model.red_flags.get(flag.key)
        label = rule.label if rule else titles.get(flag.key, flag.key.replace("_", " "))
        applied.append(AppliedRedFlag(
            key=flag.key, label=label, floor=rule.floor if rule else None,
            excludes=bool(rule and rule.excludes), question_id=flag.question_id,
            answer=flag.answer,
        ))
    return tuple(applied)


def explain(
    inherent: InherentRisk, maturity: Maturity | None, residual: Residual,
    red_flags: tuple[AppliedRedFlag, ...],
) -> tuple[str, ...]:
    """Sentences an officer can read: why this rating, the biggest factors, what cost most."""
    lines = []
    if residual.excluded_pending_review:
        lines.append("Excluded pending review: the declaration reports an exclusion ground. "
                     "Check it with Legal before the supplier is used.")
    if maturity is None:
        lines.append(f"Residual risk {residual.band}: inherent risk {inherent.band} "
                     f"({inherent.score}/100) and no submitted declaration yet.")
    else:
        lines.append(
            f"Residual risk {residual.band}: inherent risk {inherent.band} ({inherent.score}/100) "
            f"with declared maturity {maturity.percent:g}% ({residual.maturity_band})."
        )
    if residual.band != residual.matrix_band:
        raised_by = [f.label for f in red_flags if f.floor == residual.band]
        lines.append(f"Raised from {residual.matrix_band} to {residual.band} by red flag: "
                     f"{'; '.join(raised_by) or 'see red flags'}.")
    top = sorted((f for f in inherent.factors if f.points), key=lambda f: -f.points)[:3]
    if top:
        lines.append("Top risk factors: " + "; ".join(
            f"{f.label} {f.points}/{f.max_points} ({f.detail})" for f in top) + ".")
    for flag in red_flags:
        lines.append(f"Red flag: {flag.label} (answered ‘{flag.answer}’).")
    if maturity is not None:
        costly = maturity.costliest(3)
        if costly:
            lines.append("Answers that cost most: " + "; ".join(
                f"{q.label} ({'not answered' if not q.answered else 'answered'}, "
                f"{q.lost:g} points lost)" for q in costly) + ".")
    return tuple(lines)
