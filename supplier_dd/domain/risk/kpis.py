"""KPI results per declaration, and the council-level figures that aggregate them.

A KPI is evidenced by the scored questions the questionnaire tags with it (`kpis = [...]`). It is
met when every applicable tagged question got full points, partly met when some points were
earned, and not applicable when none of its questions was shown (or the model's `applies_if`
rule says it does not apply: the s.54 KPI only concerns relevant commercial organisations).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from supplier_dd.domain.risk.maturity import Maturity

MET = "met"
PARTLY_MET = "partly_met"
NOT_MET = "not_met"
NOT_ANSWERED = "not_answered"
NOT_APPLICABLE = "not_applicable"
STATUS_LABELS = {
    MET: "Met",
    PARTLY_MET: "Partly met",
    NOT_MET: "Not met",
    NOT_ANSWERED: "Not answered",
    NOT_APPLICABLE: "Not applicable",
}


@dataclass(frozen=True)
class KpiResult:
    key: str
    description: str
    status: str
    earned: float
    possible: float

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_charter_commitment(self) -> bool:
        return self.key.startswith("charter_")

    def as_dict(self) -> dict:
        return {"key": self.key, "description": self.description, "status": self.status,
                "earned": self.earned, "possible": self.possible}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KpiResult:
        return cls(str(data["key"]), str(data.get("description", "")), str(data["status"]),
                   float(data.get("earned", 0)), float(data.get("possible", 0)))


def condition_holds(rule: Mapping[str, Any] | None, answers: Mapping[str, Any]) -> bool:
    """`{question, any_of}`: the answer (or any selected value) is one of the listed values."""
    if not rule:
        return True
    answer = answers.get(str(rule["question"]))
    if answer is None:
        return False
    accepted = {str(a) for a in rule["any_of"]}
    values = answer if isinstance(answer, list | tuple) else [answer]
    return any(str(v) in accepted for v in values if v is not None)


def kpi_results(
    tagged: Mapping[str, Iterable[str]],
    descriptions: Mapping[str, str],
    maturity: Maturity,
    answers: Mapping[str, Any],
    applies_if: Mapping[str, Mapping[str, Any]],
) -> tuple[KpiResult, ...]:
    """`tagged` maps a KPI key to the ids of the questions that evidence it."""
    scored = {score.question_id: score for score in maturity.questions}
    results = []
    for key, description in descriptions.items():
        scores = [scored[qid] for qid in tagged.get(key, ()) if qid in scored]
        if not scores or not condition_holds(applies_if.get(key), answers):
            results.append(KpiResult(key, description, NOT_APPLICABLE, 0.0, 0.0))
            continue
        earned = sum(s.earned for s in scores)
        possible = sum(s.possible for s in scores)
        if not any(s.answered for s in scores):
            status = NOT_ANSWERED
        elif earned >= possible:
            status = MET
        elif earned > 0:
            status = PARTLY_MET
        else:
            status = NOT_MET
        results.append(KpiResult(key, description, status, earned, possible))
    return tuple(results)


@dataclass(frozen=True)
class CouncilKpi:
    key: str
    description: str
    counts: dict[str, int]

    @property
    def applicable(self) -> int:
        return sum(n for status, n in self.counts.items() if status != NOT_APPLICABLE)

    @property
    def percent_met(self) -> float | None:
        """Share of suppliers the KPI applies to that meet it; None when it applies to nobody."""
        if not self.applicable:
            return None
        return round(100 * self.counts.get(MET, 0) / self.applicable, 1)


def aggregate_kpis(per_supplier: Iterable[Iterable[KpiResult]]) -> tuple[CouncilKpi, ...]:
    """Council-level KPIs: for each KPI, how many suppliers' current declarations meet it."""
    counts: dict[str, dict[str, int]] = {}
    descriptions: dict[str, str] = {}
    for results in per_supplier:
        for result in results:
            descriptions.setdefault(result.key, result.description)
            bucket = counts.setdefault(result.key, {status: 0 for status in STATUS_LABELS})
            bucket[result.status] = bucket.get(result.status, 0) + 1
    return tuple(CouncilKpi(key, descriptions[key], counts[key]) for key in counts)
