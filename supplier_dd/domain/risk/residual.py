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
# A knock-out the council has decided to exclude: settled, and above everything else, so the
# suppliers that must not be used sort first.
DECIDED_EXCLUDED = "Excluded"
DECIDED_EXCLUDED_RANK = EXCLUDED_RANK + 1


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
    # Model v2 (evidence-weighted): the two halves of the residual rule, before red-flag floors.
    verified_maturity_band: str | None = None
    self_residual: str | None = None
    verified_residual: str | None = None

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
    # Model v2: maturity counting only answers with verified evidence, and the checked facts.
    verified_maturity: Maturity | None = None
    evidence_weighted: bool = False
    checks: dict | None = None

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
        breakdown = {
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
        if self.evidence_weighted:  # model v2 onwards; a v1 breakdown keeps its v1 shape
            verified = None
            if self.verified_maturity is not None:
                verified = {
                    "percent": self.verified_maturity.percent,
                    "band": self.residual.verified_maturity_band,
                    "sections": [s.as_dict() for s in self.verified_maturity.sections],
                    "questions": [q.question_id for q in self.verified_maturity.questions
                                  if q.answered],
                }
            breakdown["verified_maturity"] = verified
            breakdown["residual"].update(self_residual=self.residual.self_residual,
                                         verified_residual=self.residual.verified_residual)
            breakdown["checks"] = dict(self.checks or {})
        return breakdown


def _higher(a: str, b: str) -> str:
    return a if RESIDUAL_BANDS.index(a) >= RESIDUAL_BANDS.index(b) else b


def _lower(a: str, b: str) -> str:
    return a if RESIDUAL_BANDS.index(a) <= RESIDUAL_BANDS.index(b) else b


def _floored(
    model: RiskModel, inherent: InherentRisk, matrix_band: str, maturity_percent: float,
    red_flags: tuple[AppliedRedFlag, ...],
) -> tuple[str, int, int, bool]:
    """(band after red-flag floors, score, rank, excluded pending review)."""
    band = matrix_band
    for flag in red_flags:
        if flag.floor:
            band = _higher(band, flag.floor)
    excluded = any(flag.excludes for flag in red_flags)
    # Within a band, order by inherent score reduced by up to `mitigation` at full maturity.
    score = round(inherent.score * (1 - model.residual_mitigation * maturity_percent / 100))
    rank = EXCLUDED_RANK if excluded else RESIDUAL_BANDS.index(band)
    return band, max(0, min(100, score)), rank, excluded


def residual_risk(
    model: RiskModel, inherent: InherentRisk, maturity_percent: float,
    red_flags: tuple[AppliedRedFlag, ...],
) -> Residual:
    maturity_band = band_for(model.maturity_bands, maturity_percent)
    matrix_band = model.residual_matrix[inherent.band][maturity_band]
    band, score, rank, excluded = _floored(model, inherent, matrix_band, maturity_percent,
                                           red_flags)
    return Residual(band=band, score=score, rank=rank, excluded_pending_review=excluded,
                    matrix_band=matrix_band, maturity_band=maturity_band)


def evidence_residual(
    model: RiskModel, inherent: InherentRisk, self_percent: float, verified_percent: float,
    red_flags: tuple[AppliedRedFlag, ...],
) -> Residual:
    """Model v2's rule: self-attested maturity may take the band at most
    `self_attested_max_steps` below inherent; verified maturity may take it as far as the matrix
    says; the better of the two stands, then red-flag floors raise it.

    self_residual = max(matrix[inherent][self band], inherent - steps)
    verified_residual = matrix[inherent][verified band]
    residual = min(self_residual, verified_residual), then floors.
    """
    self_band = band_for(model.maturity_bands, self_percent)
    verified_band = band_for(model.maturity_bands, verified_percent)
    row = model.residual_matrix[inherent.band]
    steps = model.self_attested_max_steps or 0
    one_step = RESIDUAL_BANDS[max(0, RESIDUAL_BANDS.index(inherent.band) - steps)]
    self_residual = _higher(row[self_band], one_step)
    verified_residual = row[verified_band]
    matrix_band = _lower(self_residual, verified_residual)
    share = model.self_attested_share_of_mitigation
    effective = share * self_percent + (1 - share) * verified_percent
    band, score, rank, excluded = _floored(model, inherent, matrix_band, effective, red_flags)
    return Residual(band=band, score=score, rank=rank, excluded_pending_review=excluded,
                    matrix_band=matrix_band, maturity_band=self_band,
                    verified_maturity_band=verified_band, self_residual=self_residual,
                    verified_residual=verified_residual)


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
