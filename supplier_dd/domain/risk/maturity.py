"""Declared maturity: how much of the good practice the questionnaire asks about is declared.

Each scored question (weight > 0) is worth weight x its best points. An unanswered question that
the supplier was shown earns nothing but still counts in the total, so leaving things blank never
helps; a question the supplier was not shown (its `show_if` failed) is not applicable and is left
out of both sums.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

if TYPE_CHECKING:
    from supplier_dd.domain.risk.plan import PlannedQuestion


class ScoringOption(Protocol):
    value: str
    label: str
    points: int
    red_flag: str | None


class ScoringQuestion(Protocol):
    """The parts of a questionnaire question that scoring reads (domain/questionnaire.py)."""

    id: str
    section: str
    type: str
    short: str
    weight: float
    options: tuple[ScoringOption, ...]


class QuestionScore(NamedTuple):
    """One scored question. A named tuple rather than a frozen dataclass: a declaration makes
    dozens of these and building frozen dataclasses was a fifth of the scoring time."""

    question_id: str
    section: str
    label: str
    weight: float
    earned: float
    possible: float
    answered: bool
    chosen: tuple[str, ...]

    @property
    def lost(self) -> float:
        return self.possible - self.earned

    def as_dict(self) -> dict:
        return {"question_id": self.question_id, "section": self.section, "label": self.label,
                "weight": self.weight, "earned": self.earned, "possible": self.possible,
                "answered": self.answered, "chosen": list(self.chosen)}


@dataclass(frozen=True)
class SectionScore:
    section: str
    earned: float
    possible: float

    @property
    def percent(self) -> float:
        return round(100 * self.earned / self.possible, 1) if self.possible else 100.0

    def as_dict(self) -> dict:
        return {"section": self.section, "earned": self.earned, "possible": self.possible,
                "percent": self.percent}


@dataclass(frozen=True)
class RedFlag:
    key: str
    question_id: str
    answer: str

    def as_dict(self) -> dict:
        return {"key": self.key, "question_id": self.question_id, "answer": self.answer}


@dataclass(frozen=True)
class Maturity:
    percent: float
    questions: tuple[QuestionScore, ...]
    sections: tuple[SectionScore, ...]
    red_flags: tuple[RedFlag, ...]

    def costliest(self, limit: int = 5) -> tuple[QuestionScore, ...]:
        """The answers that cost most points, biggest loss first (ties in questionnaire order)."""
        losing = [q for q in self.questions if q.lost > 0]
        return tuple(sorted(losing, key=lambda q: -q.lost)[:limit])


def is_scored(question: ScoringQuestion) -> bool:
    return question.weight > 0 and question.type in ("yes_no", "single_choice", "multiple_choice")


def max_points(question: ScoringQuestion) -> int:
    points = [option.points for option in question.options]
    if not points:
        return 0
    return sum(points) if question.type == "multiple_choice" else max(points)


def _chosen(options: Mapping[str, ScoringOption], answer: Any) -> tuple[str, ...]:
    """The option values an answer picks; anything not an option of the question is ignored."""
    if answer is None or answer == "" or answer == []:
        return ()
    if isinstance(answer, list | tuple):
        return tuple(dict.fromkeys(value for value in map(str, answer) if value in options))
    value = str(answer)
    return (value,) if value in options else ()


def declared_maturity(
    questions: Iterable[PlannedQuestion],
    answers: Mapping[str, Any],
    visible: set[str] | frozenset[str],
) -> Maturity:
    """Maturity over a scoring plan's questions (`domain.risk.plan`)."""
    scores: list[QuestionScore] = []
    flags: list[RedFlag] = []
    for question in questions:
        if question.id not in visible:
            continue  # not applicable: leaves both sums
        options = question.options
        chosen = _chosen(options, answers.get(question.id))
        if question.raises_flags:
            for value in chosen:
                option = options[value]
                if option.red_flag:
                    flags.append(RedFlag(option.red_flag, question.id, option.label))
        if not question.scored:
            continue
        if question.multiple:
            points = sum(options[v].points for v in chosen)
        else:
            points = options[chosen[0]].points if chosen else 0
        scores.append(QuestionScore(
            question_id=question.id, section=question.section, label=question.label,
            weight=question.weight, earned=question.weight * min(points, question.best),
            possible=question.possible, answered=bool(chosen), chosen=chosen,
        ))
    sections: dict[str, list[float]] = {}
    for score in scores:
        totals = sections.setdefault(score.section, [0.0, 0.0])
        totals[0] += score.earned
        totals[1] += score.possible
    earned = sum(s.earned for s in scores)
    possible = sum(s.possible for s in scores)
    # Nothing scorable was shown (cannot happen with a real questionnaire): no evidence, so 0.
    percent = round(100 * earned / possible, 1) if possible else 0.0
    return Maturity(
        percent=percent,
        questions=tuple(scores),
        sections=tuple(SectionScore(k, v[0], v[1]) for k, v in sections.items()),
        red_flags=tuple(flags),
    )
