"""Model v2's rules on a declaration: capped multiple-choice questions, verified maturity and the
facts the service checks itself (relevant commercial organisation, statement currency, weekly
hours), plus the red flags the model raises from answers. docs/scoring.md says it in words.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from supplier_dd.domain.risk.kpis import condition_holds
from supplier_dd.domain.risk.maturity import Maturity, RedFlag, declared_maturity
from supplier_dd.domain.risk.model import RiskModel
from supplier_dd.domain.risk.plan import PlannedQuestion

RCO_FACT = "derived:relevant_commercial_organisation"


def _answered(value: Any) -> bool:
    return value not in (None, "", [], ())


def _values(value: Any) -> list[str]:
    if not _answered(value):
        return []
    return [str(v) for v in (value if isinstance(value, list | tuple) else [value])]


def question_cap(model: RiskModel, question: PlannedQuestion) -> int | None:
    """The most points a multiple_choice question can give in this model (None: uncapped)."""
    if not question.multiple:
        return None
    if question.cap is not None:
        return question.cap
    if question.id in model.multiple_choice_caps:
        return model.multiple_choice_caps[question.id]
    if model.multiple_choice_cap_share is None:
        return None
    return math.ceil(model.multiple_choice_cap_share * question.best)


def capped_questions(model: RiskModel, questions: tuple[PlannedQuestion, ...]
                     ) -> tuple[PlannedQuestion, ...]:
    capped = []
    for question in questions:
        cap = question_cap(model, question)
        if question.scored and cap is not None and cap < question.best:
            question = replace(question, best=cap, possible=question.weight * cap)
        capped.append(question)
    return tuple(capped)


def verified_maturity(questions: tuple[PlannedQuestion, ...], answers: Mapping[str, Any],
                      visible: frozenset[str], verified: frozenset[str]) -> Maturity:
    """Maturity counting only verified answers; every shown question still counts in the total."""
    return declared_maturity(questions, {k: v for k, v in answers.items() if k in verified},
                             visible)


def _date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover: February always has 28 days


@dataclass(frozen=True)
class CheckedFacts:
    # None: the answers do not say (turnover not given).
    relevant_commercial_organisation: bool | None
    # The supplier's own answer to s54_is_rco, kept only to explain a disagreement.
    said_rco: str | None
    statement_current: bool | None
    statement_problem: str | None
    weekly_hours: float | None
    hours_above_ceiling: bool

    def as_dict(self) -> dict:
        return {"relevant_commercial_organisation": self.relevant_commercial_organisation,
                "statement_current": self.statement_current,
                "statement_problem": self.statement_problem,
                "weekly_hours": self.weekly_hours,
                "hours_above_ceiling": self.hours_above_ceiling}


def _rco(model: RiskModel, answers: Mapping[str, Any]) -> bool | None:
    rule = model.checks.rco
    if rule is None:
        return None
    turnover = answers.get(rule.turnover_question)
    if not _answered(turnover):
        return None
    if str(turnover) not in rule.turnover_values:
        return False
    uk = answers.get(rule.uk_business_question or "")
    if _answered(uk):
        return str(uk) == "yes"
    countries = {c.upper() for c in _values(answers.get(rule.countries_question or ""))}
    return rule.uk_country in countries


def _statement(model: RiskModel, answers: Mapping[str, Any], today: date
               ) -> tuple[bool | None, str | None]:
    rule = model.checks.statement
    if rule is None:
        return None, None
    has = answers.get(rule.has_statement_question)
    if not _answered(has):
        return None, None
    if str(has) != "yes":
        return False, "no statement published"
    end = _date(answers.get(rule.period_end_question))
    months = model.checks.statement_currency_months
    if end is None:
        return False, "the statement's period end is not given"
    if add_months(end, months) < today:
        return False, (f"its period ended on {end:%d %B %Y}, more than {months} months before "
                       f"the assessment ({today:%d %B %Y})")
    if _date(answers.get(rule.approval_date_question)) is None:
        return False, "it has no approval date"
    if not str(answers.get(rule.signatory_question) or "").strip():
        return False, "it names no signatory"
    return True, None


def _hours(model: RiskModel, answers: Mapping[str, Any]) -> float | None:
    raw = answers.get(model.checks.hours_question or "")
    if not _answered(raw) or isinstance(raw, bool):
        return None
    try:
        return float(raw)
    except (TypeError, ValueError):
        return None


def check_facts(model: RiskModel, answers: Mapping[str, Any], today: date) -> CheckedFacts:
    current, problem = _statement(model, answers, today)
    hours = _hours(model, answers)
    ceiling = model.checks.hours_ceiling
    said = answers.get("s54_is_rco")
    return CheckedFacts(
        relevant_commercial_organisation=_rco(model, answers),
        said_rco=str(said) if _answered(said) else None,
        statement_current=current, statement_problem=problem, weekly_hours=hours,
        hours_above_ceiling=hours is not None and ceiling is not None and hours > ceiling,
    )


def scoring_answers(model: RiskModel, answers: Mapping[str, Any], facts: CheckedFacts
                    ) -> dict[str, Any]:
    """A statement that is not current earns nothing for "statement published"."""
    scoring = dict(answers)
    rule = model.checks.statement
    if rule is not None and facts.statement_current is False \
            and str(answers.get(rule.has_statement_question)) == "yes":
        scoring.pop(rule.has_statement_question, None)
    return scoring


def model_flags(model: RiskModel, questions: Mapping[str, PlannedQuestion],
                answers: Mapping[str, Any], facts: CheckedFacts,
                raised: set[str]) -> tuple[RedFlag, ...]:
    """Flags the model raises itself: `when` answers, hours, and an RCO without a current
    statement. A flag the questionnaire already raised is not raised twice."""
    flags: list[RedFlag] = []

    def add(key: str, question_id: str, answer: str) -> None:
        if key not in raised:
            raised.add(key)
            flags.append(RedFlag(key, question_id, answer))

    for key, rule in model.red_flags.items():
        if rule.when and condition_holds(rule.when, answers):
            question_id = str(rule.when["question"])
            question = questions.get(question_id)
            values = _values(answers.get(question_id))
            labels = [question.options[v].label if question and v in question.options else v
                      for v in values]
            add(key, question_id, ", ".join(labels))
    if facts.hours_above_ceiling:
        add("hours_above_ceiling", model.checks.hours_question or "",
            f"{facts.weekly_hours:g} hours a week (ceiling {model.checks.hours_ceiling:g})")
    if facts.relevant_commercial_organisation and facts.statement_current is not True \
            and model.checks.statement is not None:
        add("rco_without_current_statement", model.checks.statement.has_statement_question,
            facts.statement_problem or "no statement published")
    return tuple(flags)


def evidence_lines(model: RiskModel, inherent_band: str, residual, maturity: Maturity,
                   verified: Maturity, capped: tuple[PlannedQuestion, ...],
                   uncapped: Mapping[str, PlannedQuestion], facts: CheckedFacts) -> list[str]:
    """One sentence for each v2 rule that changed something, for the officer."""
    lines = [f"Self-attested maturity {maturity.percent:g}% ({residual.maturity_band}); "
             f"verified maturity {verified.percent:g}% ({residual.verified_maturity_band}), "
             "counting only answers backed by evidence an officer has verified."]
    row = model.residual_matrix[inherent_band]
    matrix = row[residual.maturity_band]
    if residual.matrix_band == residual.self_residual != matrix:
        lines.append(
            f"Evidence rule: self-attested answers alone lower the rating at most "
            f"{model.self_attested_max_steps} band below inherent risk {inherent_band}, so "
            f"{residual.self_residual}, not {matrix}; verified evidence is what moves it "
            "further.")
    elif residual.matrix_band == residual.verified_residual != residual.self_residual:
        lines.append(f"Verified evidence takes the rating to {residual.matrix_band} (self-attested "
                     f"answers alone would stop at {residual.self_residual}).")
    scores = {q.question_id: q for q in maturity.questions}
    capped_here = []
    for question in capped:
        full = uncapped.get(question.id)
        score = scores.get(question.id)
        if full is None or score is None or question.best >= full.best:
            continue
        ticked = sum(question.options[v].points for v in score.chosen)
        if ticked > question.best:
            capped_here.append(f"‘{question.label}’ {question.best} of {full.best} points")
    if capped_here:
        lines.append("Multiple-choice caps: " + "; ".join(capped_here)
                     + ". Ticking further boxes adds nothing.")
    if facts.relevant_commercial_organisation and facts.said_rco == "no":
        lines.append("Relevant commercial organisation: the turnover is £36 million or more and "
                     "the business is in the UK, so s.54 applies although the supplier answered "
                     "that it is not one.")
    elif facts.relevant_commercial_organisation is False and facts.said_rco == "yes":
        lines.append("Not a relevant commercial organisation by turnover and UK business, "
                     "although the supplier answered that it is one.")
    if facts.statement_current is False and facts.statement_problem != "no statement published":
        lines.append(f"Statement not current: {facts.statement_problem}; it earns no points "
                     "for a published statement.")
    return lines
