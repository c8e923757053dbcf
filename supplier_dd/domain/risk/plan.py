"""What scoring needs from a questionnaire, worked out once per questionnaire version.

Scoring a declaration reads the same facts about every question each time: its options by value,
its best points, which KPIs it evidences, whether any answer raises a red flag. Working them out
per declaration was most of the cost of a re-score (docs/performance.md, Scoring); a plan is built
once per questionnaire version and handed to every `assess` call.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from supplier_dd.domain.risk.maturity import ScoringOption, ScoringQuestion, is_scored, max_points


@dataclass(frozen=True)
class PlannedQuestion:
    id: str
    section: str
    label: str
    weight: float
    scored: bool
    multiple: bool
    options: Mapping[str, ScoringOption]
    best: int
    possible: float
    # Whether any option raises a red flag: most questions' answers need no flag check at all.
    raises_flags: bool
    # The questionnaire's own cap on a multiple_choice question's points (None: none set).
    cap: int | None = None


@dataclass(frozen=True)
class ScoringPlan:
    questions: tuple[PlannedQuestion, ...]
    # KPI key -> ids of the questions that evidence it, in questionnaire order.
    kpi_questions: Mapping[str, tuple[str, ...]]
    kpi_descriptions: Mapping[str, str]
    red_flag_titles: Mapping[str, str]

    @property
    def question_ids(self) -> frozenset[str]:
        return frozenset(q.id for q in self.questions)


def plan_question(question: ScoringQuestion) -> PlannedQuestion:
    options = {option.value: option for option in question.options}
    best = max_points(question)
    return PlannedQuestion(
        id=question.id, section=question.section, label=question.short or question.id,
        weight=question.weight, scored=is_scored(question),
        multiple=question.type == "multiple_choice", options=options, best=best,
        possible=question.weight * best,
        raises_flags=any(option.red_flag for option in question.options),
        cap=getattr(question, "cap", None),
    )


def scoring_plan(
    questions: Iterable[ScoringQuestion],
    kpi_descriptions: Mapping[str, str] | None = None,
    red_flag_titles: Mapping[str, str] | None = None,
) -> ScoringPlan:
    questions = tuple(questions)
    tagged: dict[str, list[str]] = {}
    for question in questions:
        for key in getattr(question, "kpis", ()) or ():
            tagged.setdefault(key, []).append(question.id)
    return ScoringPlan(
        questions=tuple(plan_question(q) for q in questions),
        kpi_questions={key: tuple(ids) for key, ids in tagged.items()},
        kpi_descriptions=dict(kpi_descriptions or {}),
        red_flag_titles=dict(red_flag_titles or {}),
    )


def questionnaire_plan(questionnaire: Any) -> ScoringPlan:
    """The plan of a `domain.questionnaire.Questionnaire` (its questions, KPIs and flags)."""
    return scoring_plan(
        questionnaire.questions, questionnaire.kpis,
        {key: str(flag["title"]) for key, flag in questionnaire.red_flags.items()},
    )
