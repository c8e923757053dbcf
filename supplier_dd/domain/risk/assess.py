"""Putting it together: a supplier's facts and its declaration in, a full assessment out."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any

from supplier_dd.domain.questionnaire import Questionnaire, visible_questions
from supplier_dd.domain.risk import evidence
from supplier_dd.domain.risk.inherent import InherentProfile, inherent_risk
from supplier_dd.domain.risk.kpis import condition_holds, kpi_results
from supplier_dd.domain.risk.maturity import ScoringQuestion, declared_maturity
from supplier_dd.domain.risk.model import RiskModel
from supplier_dd.domain.risk.plan import ScoringPlan, questionnaire_plan, scoring_plan
from supplier_dd.domain.risk.residual import (
    Assessment,
    apply_red_flag_rules,
    evidence_residual,
    explain,
    residual_risk,
)
from supplier_dd.domain.statement_registry import areas_mismatch, declared_statement_answers


def _as_list(answer: Any) -> list[str]:
    if answer is None or answer == "":
        return []
    return [str(v) for v in (answer if isinstance(answer, list | tuple) else [answer])]


def _rule_questions(rule: Mapping[str, Any]) -> list[str]:
    if "first_answered" in rule:
        return [str(c["question"]) for c in rule["first_answered"]]
    return [str(rule["question"])]


def _trait_holds(rule: Mapping[str, Any], answers: Mapping[str, Any]) -> bool:
    """`{question, any_of}`, or (model v2) `{first_answered = [cond, ...]}`: the first condition
    whose question was answered decides, so a direct question outranks an inference."""
    if "first_answered" not in rule:
        return condition_holds(rule, answers)
    for condition in rule["first_answered"]:
        if _as_list(answers.get(str(condition["question"]))):
            return condition_holds(condition, answers)
    return False


def profile_with_declaration(
    model: RiskModel, profile: InherentProfile, answers: Mapping[str, Any]
) -> InherentProfile:
    """Add what the declaration says about countries, workforce and subcontracting."""
    inputs = model.declaration_inputs
    countries = set(profile.countries)
    for question_id in inputs.country_questions:
        countries.update(c.upper() for c in _as_list(answers.get(question_id)) if len(c) == 2)
    workforce = profile.workforce
    asked = {q for rule in inputs.workforce_rules.values() for q in _rule_questions(rule)}
    if any(_as_list(answers.get(q)) for q in asked):
        workforce = frozenset(
            trait for trait, rule in inputs.workforce_rules.items()
            if _trait_holds(rule, answers)
        )
    depth = profile.subcontracting_depth
    if inputs.subcontracting_uses_question:
        uses = _as_list(answers.get(inputs.subcontracting_uses_question))
        if uses:
            if inputs.subcontracting_uses_value not in uses:
                depth = 0
            else:
                tiers = _as_list(answers.get(inputs.subcontracting_depth_question or ""))
                known = [inputs.subcontracting_depth_by_answer[t] for t in tiers
                         if t in inputs.subcontracting_depth_by_answer]
                depth = max(known) if known else None
    goods = profile.goods
    if model.goods_question and _as_list(answers.get(model.goods_question)):
        goods = frozenset(_as_list(answers.get(model.goods_question))) & set(model.goods_items)
    return replace(profile, countries=tuple(sorted(countries)), workforce=workforce,
                   subcontracting_depth=depth, goods=goods)


def assess(
    model: RiskModel,
    profile: InherentProfile,
    *,
    questions: Iterable[ScoringQuestion] | None = None,
    answers: Mapping[str, Any] | None = None,
    visible: set[str] | frozenset[str] | None = None,
    kpi_descriptions: Mapping[str, str] | None = None,
    red_flag_titles: Mapping[str, str] | None = None,
    plan: ScoringPlan | None = None,
    verified_question_ids: Iterable[str] | None = None,
    today: date | None = None,
    registry_areas: frozenset[str] | None = None,
) -> Assessment:
    """Score a supplier. Without `questions` (or a `plan` of them) there is no declaration:
    inherent risk only, with maturity counted as nothing evidenced. A caller scoring many
    declarations of one questionnaire passes its `plan`, built once.

    An evidence-weighted model (v2) also takes the ids of the questions whose answers have
    verified evidence (`services.answer_verification.verified_question_ids`) and the
    assessment date (`today`, for statement currency); a v1 model ignores both."""
    if plan is None and questions is not None:
        plan = scoring_plan(questions, kpi_descriptions, red_flag_titles)
    if model.evidence_weighted:
        return _assess_v2(model, profile, plan, answers, visible,
                          frozenset(verified_question_ids or ()), today, registry_areas)
    if plan is None:
        inherent = inherent_risk(model, profile)
        residual = residual_risk(model, inherent, 0.0, ())
        return Assessment(
            model_version=model.version, model_fingerprint=model.fingerprint, inherent=inherent,
            maturity=None, residual=residual, red_flags=(), kpis=(),
            explanation=explain(inherent, None, residual, ()),
        )
    visible = frozenset(visible) if visible is not None else plan.question_ids
    # Answers to questions the supplier was not shown do not count, for any purpose.
    answers = {k: v for k, v in (answers or {}).items() if k in visible}
    inherent = inherent_risk(model, profile_with_declaration(model, profile, answers))
    maturity = declared_maturity(plan.questions, answers, visible)
    flags = apply_red_flag_rules(model, maturity, plan.red_flag_titles)
    residual = residual_risk(model, inherent, maturity.percent, flags)
    kpis = kpi_results(plan.kpi_questions, plan.kpi_descriptions, maturity, answers,
                       model.kpi_applies_if)
    return Assessment(
        model_version=model.version, model_fingerprint=model.fingerprint, inherent=inherent,
        maturity=maturity, residual=residual, red_flags=flags, kpis=kpis,
        explanation=explain(inherent, maturity, residual, flags),
    )


def _assess_v2(
    model: RiskModel, profile: InherentProfile, plan: ScoringPlan | None,
    answers: Mapping[str, Any] | None, visible: Iterable[str] | None,
    verified: frozenset[str], today: date | None,
    registry_areas: frozenset[str] | None = None,
) -> Assessment:
    """Model v2: evidence-weighted maturity, checked facts, capped questions, floors.
    `registry_areas`: the s.54 areas of the supplier's registered statement (None: none
    registered); areas declared otherwise are flagged for the officer, without a floor."""
    if plan is None:
        inherent = inherent_risk(model, profile)
        residual = evidence_residual(model, inherent, 0.0, 0.0, ())
        return Assessment(
            model_version=model.version, model_fingerprint=model.fingerprint, inherent=inherent,
            maturity=None, residual=residual, red_flags=(), kpis=(),
            explanation=explain(inherent, None, residual, ()), evidence_weighted=True,
        )
    if today is None:
        raise ValueError(f"Risk model {model.version} needs the assessment date (today)")
    visible = frozenset(visible) if visible is not None else plan.question_ids
    answers = {k: v for k, v in (answers or {}).items() if k in visible}
    inherent = inherent_risk(model, profile_with_declaration(model, profile, answers))
    facts = evidence.check_facts(model, answers, today)
    scoring = evidence.scoring_answers(model, answers, facts)
    questions = evidence.capped_questions(model, plan.questions)
    maturity = declared_maturity(questions, scoring, visible)
    verified = evidence.verified_maturity(questions, scoring, visible, verified)
    by_id = {q.id: q for q in plan.questions}
    extra = evidence.model_flags(model, by_id, answers, facts,
                                 {f.key for f in maturity.red_flags})
    maturity = replace(maturity, red_flags=maturity.red_flags + extra)
    flags = apply_red_flag_rules(model, maturity, plan.red_flag_titles)
    residual = evidence_residual(model, inherent, maturity.percent, verified.percent, flags)
    rco = facts.relevant_commercial_organisation
    kpi_answers = {**answers, evidence.RCO_FACT: "yes" if rco else "no"}
    kpis = kpi_results(plan.kpi_questions, plan.kpi_descriptions, maturity, kpi_answers,
                       model.kpi_applies_if)
    lines = list(explain(inherent, maturity, residual, flags))
    lines[1:1] = evidence.evidence_lines(model, inherent.band, residual, maturity, verified,
                                         questions, by_id, facts)
    areas = None
    if registry_areas is not None:
        areas = areas_mismatch(registry_areas, declared_statement_answers(answers).areas)
    if areas is not None:
        lines.append(areas.message)
    return Assessment(
        model_version=model.version, model_fingerprint=model.fingerprint, inherent=inherent,
        maturity=maturity, residual=residual, red_flags=flags, kpis=kpis,
        explanation=tuple(lines), verified_maturity=verified, evidence_weighted=True,
        checks={**facts.as_dict(), "registry_areas_differ": areas is not None},
    )


def assess_declaration_answers(
    model: RiskModel, profile: InherentProfile, questionnaire: Questionnaire,
    answers: Mapping[str, Any], plan: ScoringPlan | None = None, *,
    verified_question_ids: Iterable[str] | None = None, today: date | None = None,
    registry_areas: frozenset[str] | None = None,
) -> Assessment:
    """Score a declaration's answers against the questionnaire version it was made with;
    `plan` is `questionnaire_plan(questionnaire)`, which a caller scoring many may keep."""
    visible = frozenset(q.id for q in visible_questions(questionnaire, answers))
    return assess(model, profile, answers=answers, visible=visible,
                  plan=plan or questionnaire_plan(questionnaire),
                  verified_question_ids=verified_question_ids, today=today,
                  registry_areas=registry_areas)
