"""Risk model v2 pinned on hand-worked declarations, and its monotonicity as a property.

The declarations are questionnaire v1's (tests/unit/test_risk_scoring.BEST and variations) scored
with data/risk_model_v2.toml on 2 December 2026; the questions v2 of the questionnaire will add
(org_uk_business, the ILO indicators, the price and the workforce shares) are appended to v1's
for the tests that need them. Hand-worked figures:

- Weighted points of BEST under v2: v1's 184, less the multiple-choice caps (60 % of a question's
  options, rounded up; s.54 areas uncapped): pol_provisions 2 x (11 -> 7) = -8, trn_audiences
  1 x (6 -> 4) = -2, trn_methods 1 x (4 -> 3) = -1, rem_kpis_tracked 2 x (6 -> 4) = -4: 169.
- The cleaner (CLEANER: cleaning sector, the UK, £1,450,000, "no" subcontracting): sector 30,
  countries 0, value 8 (£1m-£5m), workforce 5 (low-skilled industry), subcontracting 0, goods
  0 = 43, Medium. Declaring clothing and PPE adds 5 + 5 = 10: 53, High.
- The law firm (professional services, the UK, £80,000): 5 + 0 + 2 + 0 + 0 + 0 = 7, Low.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplier_dd.domain.questionnaire import Option, Question, load_questionnaire
from supplier_dd.domain.risk.assess import assess, assess_declaration_answers
from supplier_dd.domain.risk.evidence import add_months
from supplier_dd.domain.risk.kpis import NOT_APPLICABLE
from supplier_dd.domain.risk.model import RESIDUAL_BANDS, load_model
from tests.unit.test_risk_scoring import BEST, CLEANER

V1 = load_model("v1")
V2 = load_model("v2")
QUESTIONNAIRE = load_questionnaire("modern_slavery", 1)
TODAY = date(2026, 12, 2)
LAW_FIRM = replace(
    CLEANER, registry_sector="Professional and administrative services and supplies, including "
    "legal, consulting and accounting services", contract_value=Decimal("80000"),
)
GAMER = dict(BEST, sc_high_risk_goods=["garments_textiles", "ppe"])
EVERY_QUESTION = frozenset(q.id for q in QUESTIONNAIRE.questions)


def v2(answers, profile=CLEANER, verified=(), today=TODAY):
    return assess_declaration_answers(V2, profile, QUESTIONNAIRE, answers,
                                      verified_question_ids=verified, today=today)


def v1(answers, profile=CLEANER):
    return assess_declaration_answers(V1, profile, QUESTIONNAIRE, answers)


def possible(assessment) -> float:
    return sum(q.possible for q in assessment.maturity.questions)


def flags(assessment) -> set[str]:
    return {f.key for f in assessment.red_flags}


def said(assessment, words: str) -> bool:
    return any(words in line for line in assessment.explanation)


# --- The residual rule ------------------------------------------------------------------------


def test_a_supplier_gaming_the_form_with_nothing_verified_ends_medium_never_low():
    result = v2(GAMER)
    assert (result.inherent.score, result.inherent.band) == (53, "High")
    assert possible(result) == 169
    assert (result.maturity.percent, result.verified_maturity.percent) == (100.0, 0.0)
    # The matrix alone would say Low (High inherent, Green maturity); self-attestation stops at
    # one band below inherent.
    assert V2.residual_matrix["High"]["Green"] == "Low"
    assert result.residual.band == "Medium"
    assert (result.residual.self_residual, result.residual.verified_residual) == ("Medium",
                                                                                  "Critical")
    assert said(result, "Evidence rule: self-attested answers alone lower the rating at most 1 "
                        "band below inherent risk High, so Medium, not Low")
    breakdown = result.as_dict()
    assert breakdown["verified_maturity"]["percent"] == 0.0
    assert breakdown["verified_maturity"]["band"] == "Red"
    assert breakdown["maturity"]["band"] == "Green"


def test_verified_evidence_takes_the_same_supplier_further():
    result = v2(GAMER, verified=EVERY_QUESTION)
    assert result.verified_maturity.percent == 100.0
    assert result.residual.band == "Low"
    assert said(result, "Verified evidence takes the rating to Low (self-attested answers alone "
                        "would stop at Medium)")
    assert not said(result, "Evidence rule")
    # Two verified answers: policy 2 x 3 and recruitment fees 3 x 3 = 15 of 169 points.
    some = v2(GAMER, verified={"pol_has_policy", "wf_recruitment_fees"})
    assert some.verified_maturity.percent == round(100 * 15 / 169, 1) == 8.9
    assert some.residual.band == "Medium"
    assert some.as_dict()["verified_maturity"]["questions"] == ["pol_has_policy",
                                                                "wf_recruitment_fees"]
    # Verified answers order suppliers within a band: more evidence, lower residual score.
    assert v2(GAMER, verified=EVERY_QUESTION).residual.score < some.residual.score \
        < v2(GAMER).residual.score


def test_self_attestation_alone_may_still_move_a_supplier_one_band():
    # Medium inherent (the cleaner without goods, 43): one band down is Low, as the matrix says.
    result = v2(dict(BEST))
    assert (result.inherent.band, result.verified_maturity.percent) == ("Medium", 0.0)
    assert result.residual.band == "Low"
    assert not said(result, "Evidence rule")


# --- Facts the service checks ------------------------------------------------------------------


def test_a_company_over_500m_claiming_not_to_be_an_rco_is_one_and_needs_a_statement():
    answers = dict(BEST, org_turnover_band="over-500m", s54_is_rco="no", s54_has_statement="no")
    for key in ("s54_statement_url", "s54_period_start", "s54_period_end", "s54_approval_date",
                "s54_signatory", "s54_director_signed", "s54_areas", "s54_on_registry"):
        answers.pop(key)
    assert v1(answers, LAW_FIRM).residual.band == "Low"  # v1 took the supplier's word
    result = v2(answers, LAW_FIRM)
    assert result.inherent.band == "Low"
    assert "rco_without_current_statement" in flags(result)
    assert result.residual.band == "High"
    assert result.checks["relevant_commercial_organisation"] is True
    assert said(result, "s.54 applies although the supplier answered that it is not one")
    kpi = {k.key: k for k in result.kpis}["s54_statement_compliant"]
    assert kpi.status != NOT_APPLICABLE
    # The same company trading only outside the UK is not a relevant commercial organisation.
    abroad = v2(dict(answers, org_countries=["FR"], sc_source_countries=["FR"]), LAW_FIRM)
    assert abroad.checks["relevant_commercial_organisation"] is False
    assert "rco_without_current_statement" not in flags(abroad)


def test_a_statement_for_2019_is_not_current():
    old = dict(BEST, org_turnover_band="36m-60m", s54_period_start="2018-04-01",
               s54_period_end="2019-03-31", s54_approval_date="2019-09-01")
    result = v2(old, LAW_FIRM)
    assert result.checks["statement_current"] is False
    assert "rco_without_current_statement" in flags(result)
    assert result.residual.band == "High"
    assert said(result, "Statement not current: its period ended on 31 March 2019, more than 18 "
                        "months before the assessment (02 December 2026)")
    # Below the threshold there is no duty, but an old statement earns nothing: 169 - 2 x 3.
    small = v2(dict(old, org_turnover_band="under-36m"), LAW_FIRM)
    assert "rco_without_current_statement" not in flags(small)
    assert small.maturity.percent == round(100 * 163 / 169, 1)


def test_statement_currency_is_18_months_from_the_period_end_with_approval_and_signatory():
    rco = dict(BEST, org_turnover_band="36m-60m")
    assert add_months(date(2025, 6, 2), 18) == TODAY
    assert v2(dict(rco, s54_period_end="2025-06-02"), LAW_FIRM).checks["statement_current"]
    assert not v2(dict(rco, s54_period_end="2025-06-01"), LAW_FIRM).checks["statement_current"]
    unsigned = v2(dict(rco, s54_signatory=""), LAW_FIRM)
    assert unsigned.checks["statement_problem"] == "it names no signatory"
    assert unsigned.residual.band == "High"
    current = v2(rco, LAW_FIRM)
    assert current.checks["statement_current"] is True
    assert current.residual.band == "Low"


def test_the_suppliers_own_rco_answer_is_ignored_for_the_s54_kpi():
    result = v2(dict(BEST, s54_is_rco="yes", s54_compliant="yes"), LAW_FIRM)
    assert result.checks["relevant_commercial_organisation"] is False
    kpi = {k.key: k for k in result.kpis}["s54_statement_compliant"]
    assert kpi.status == NOT_APPLICABLE


# --- Red-flag floors --------------------------------------------------------------------------


def test_compulsory_employer_housing_forces_high():
    answers = dict(BEST, wf_housing="yes", wf_housing_terms="required")
    assert v1(answers, LAW_FIRM).residual.band == "Medium"
    result = v2(answers, LAW_FIRM)
    assert "forced_accommodation" in flags(result)
    assert result.residual.band == "High"
    assert said(result, "Raised from Low to High by red flag: Workers must live in "
                        "employer-provided housing")


@pytest.mark.parametrize("hours, band", [(60, "Low"), (61, "High"), (84, "High")])
def test_hours_above_the_ceiling_force_high(hours, band):
    result = v2(dict(BEST, wf_max_weekly_hours=hours), LAW_FIRM)
    assert result.residual.band == band
    assert ("hours_above_ceiling" in flags(result)) is (hours > 60)
    if hours > 60:
        assert said(result, f"(answered ‘{hours} hours a week (ceiling 60)’)")


@pytest.mark.parametrize("change, flag", [
    ({"wf_pay": "below_minimum"}, "below_minimum_wage"),
    ({"wf_overtime": "routinely_required"}, "compulsory_overtime"),
])
def test_paying_below_the_minimum_and_compulsory_overtime_force_high(change, flag):
    result = v2(dict(BEST, **change), LAW_FIRM)
    assert flag in flags(result)
    assert result.residual.band == "High"
    assert v1(dict(BEST, **change), LAW_FIRM).residual.band == "Medium"


def test_not_knowing_about_recruitment_fees_raises_a_flag_that_is_not_a_knockout():
    result = v2(dict(BEST, wf_recruitment_fees="dont_know"), LAW_FIRM)
    flag = next(f for f in result.red_flags if f.key == "recruitment_fees_unknown")
    assert (flag.excludes, flag.floor, flag.answer) == (False, "Medium", "We do not know")
    assert result.residual.band == "Medium"
    assert not result.residual.excluded_pending_review
    assert "recruitment_fees_unknown" not in flags(v1(dict(BEST, wf_recruitment_fees="dont_know")))


def _yes_no(qid, section="workforce"):
    return Question(qid, section, "conditions", "yes_no", qid, qid, "", True, 0,
                    options=(Option("yes", "Yes", 0), Option("no", "No", 0)))


def _choice(qid, *values, weight=0):
    return Question(qid, "workforce", "conditions", "single_choice", qid, qid, "", True, weight,
                    options=tuple(Option(v, v.replace("_", " "), 0) for v in values))


SHARES = ("none", "under_10", "10_to_25", "25_to_50", "over_50")
V2_QUESTIONS = (
    *QUESTIONNAIRE.questions,
    _yes_no("org_uk_business", "organisation"),
    _choice("ilo_wages_on_time", "always", "sometimes_late", "withheld", "dont_know"),
    _choice("ilo_payment_method", "own_bank_account", "cash", "third_party"),
    _yes_no("ilo_free_to_leave"),
    _choice("ilo_debt", "no", "yes", "dont_know"),
    _choice("ilo_young_workers", "none_under_18", "under_18_with_safeguards", "under_school_age"),
    _choice("wf_price_covers_minimum_wage", "yes_with_on_costs", "yes_wages_only", "no",
            "not_costed"),
    *(_choice(f"wf_share_{name}", *SHARES)
      for name in ("agency", "temporary_seasonal", "migrant", "low_skilled")),
)


def with_v2_questions(answers, profile=LAW_FIRM):
    return assess(V2, profile, questions=V2_QUESTIONS, answers=answers, today=TODAY)


@pytest.mark.parametrize("question, answer, flag", [
    ("ilo_wages_on_time", "withheld", "wages_withheld"),
    ("ilo_payment_method", "third_party", "wages_paid_to_third_party"),
    ("ilo_free_to_leave", "no", "not_free_to_leave"),
    ("ilo_debt", "yes", "debt_to_employer"),
    ("ilo_young_workers", "under_school_age", "child_labour"),
    ("wf_price_covers_minimum_wage", "no", "price_below_minimum_wage"),
])
def test_ilo_indicators_and_a_price_below_the_minimum_wage_force_high(question, answer, flag):
    result = with_v2_questions(dict(BEST, **{question: answer}))
    assert flag in flags(result)
    assert result.residual.band == "High"
    assert with_v2_questions(dict(BEST)).residual.band == "Low"


def test_uk_business_is_the_direct_answer_when_asked():
    big = dict(BEST, org_turnover_band="over-500m")
    assert with_v2_questions(dict(big, org_uk_business="no")).checks[
        "relevant_commercial_organisation"] is False
    assert with_v2_questions(dict(big, org_uk_business="yes", org_countries=["FR"])).checks[
        "relevant_commercial_organisation"] is True


def test_workforce_shares_asked_directly_outrank_the_v1_inference():
    housed = dict(BEST, wf_housing="yes", wf_housing_terms="voluntary")
    factor = {f.factor: f for f in with_v2_questions(housed).inherent.factors}["workforce"]
    assert factor.points == 5  # v1's inference: housing means migrant workers
    direct = dict(housed, wf_share_migrant="none", wf_share_agency="over_50")
    factor = {f.factor: f for f in with_v2_questions(direct).inherent.factors}["workforce"]
    assert (factor.points, factor.detail) == (6, "Agency or labour-provider workers")


# --- Inherent factor and caps -----------------------------------------------------------------


def test_declared_high_risk_goods_are_an_inherent_factor():
    def goods(answer):
        return {f.factor: f for f in v2(dict(BEST, sc_high_risk_goods=answer)).inherent.factors
                }["goods"]

    assert goods(["none"]).points == 0
    assert goods(["solar_panels"]).points == 5
    assert (goods(["garments_textiles", "ppe", "food"]).points, goods(["ppe"]).max_points) \
        == (10, 10)
    assert v2(dict(BEST, sc_high_risk_goods=["none"])).inherent.band == "Medium"
    assert v2(GAMER).inherent.band == "High"
    assert len(v1(GAMER).inherent.factors) == 5  # v1 has no goods factor


def test_ticking_every_box_stops_paying():
    provisions = BEST["pol_provisions"]

    def earned(ticked):
        result = v2(dict(BEST, pol_provisions=ticked))
        return {q.question_id: q for q in result.maturity.questions}["pol_provisions"].earned

    assert earned(provisions[:7]) == earned(provisions) == 2 * 7
    assert earned(provisions[:6]) == 2 * 6
    assert said(v2(BEST), "Multiple-choice caps: ‘Policy provisions’ 7 of 11 points")
    # The six s.54 areas are not capped.
    areas = {q.question_id: q for q in v2(BEST).maturity.questions}["s54_areas"]
    assert areas.earned == areas.possible == 2 * 6


def test_model_v2_is_published_and_its_file_never_changes():
    # Assessments keep this fingerprint: change the figures only in a new risk_model_v3.toml.
    assert (V2.version, V2.fingerprint) == ("v2", "d3693148992ac5e4")


def test_v2_needs_the_assessment_date_and_v1_breakdowns_keep_their_shape():
    with pytest.raises(ValueError, match="assessment date"):
        v2(BEST, today=None)
    assert "verified_maturity" not in v1(BEST).as_dict()
    assert set(v2(BEST).as_dict()) == set(v1(BEST).as_dict()) | {"verified_maturity", "checks"}
    undeclared = assess(V2, LAW_FIRM)
    assert undeclared.maturity is None and undeclared.as_dict()["verified_maturity"] is None


# --- Property: more favourable answers never raise residual risk ------------------------------

PARENTS = {qid for q in QUESTIONNAIRE.questions if q.show_if for qid in q.show_if.question_ids()}
SCORED_CHOICES = [q for q in QUESTIONNAIRE.questions
                  if q.weight > 0 and q.id not in PARENTS and q.type != "multiple_choice"]
# Flags v2 raises from answers itself, by (question, value): part of how favourable it is.
WHEN_FLOORS = {
    (str(rule.when["question"]), str(value)): rule.floor
    for rule in V2.red_flags.values() if rule.when for value in rule.when["any_of"]
}


def _worst_floor(question, option) -> int:
    floors = [WHEN_FLOORS.get((question.id, option.value))]
    if option.red_flag:
        rule = V2.red_flags.get(option.red_flag)
        floors.append(rule.floor if rule else None)
    return max((RESIDUAL_BANDS.index(f) for f in floors if f), default=-1)


def _favour(question, option) -> tuple:
    """Points first; at equal points the answer with the lower red-flag floor is better."""
    if option is None:
        return (0, 1)
    return (option.points, -_worst_floor(question, option))


@st.composite
def declarations_and_improvement(draw):
    answers = dict(BEST)
    for question in SCORED_CHOICES:
        choice = draw(st.sampled_from([None, *question.options]))
        if choice is None:
            answers.pop(question.id, None)
        else:
            answers[question.id] = choice.value
    question = draw(st.sampled_from(SCORED_CHOICES))
    current = question.option(answers[question.id]) if question.id in answers else None
    better = [o for o in question.options if _favour(question, o) >= _favour(question, current)]
    improved = dict(answers)
    improved[question.id] = draw(st.sampled_from(better)).value
    verified = draw(st.sets(st.sampled_from(sorted(EVERY_QUESTION))))
    return answers, improved, verified


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(declarations_and_improvement())
def test_more_favourable_answers_never_raise_residual_risk_under_v2(case):
    before_answers, after_answers, verified = case
    before, after = (v2(a, verified=verified) for a in (before_answers, after_answers))
    assert after.maturity.percent >= before.maturity.percent
    assert after.verified_maturity.percent >= before.verified_maturity.percent
    assert after.residual.rank <= before.residual.rank
    assert after.residual.score <= before.residual.score
    # More verified evidence never raises risk either.
    more = v2(after_answers, verified=EVERY_QUESTION)
    assert more.residual.rank <= after.residual.rank
    assert more.residual.score <= after.residual.score


# The same property for declarations made with questionnaire v2, at each form level: its new
# questions (the ILO indicators, the price, the exclusion grounds by schedule) are scored and
# raise floors, and a better answer to any of them must never raise risk either.
QUESTIONNAIRE_V2 = load_questionnaire("modern_slavery", 2)


def _scored_choices(questionnaire):
    parents = {qid for q in questionnaire.questions if q.show_if
               for qid in q.show_if.question_ids()}
    return [q for q in questionnaire.questions
            if q.weight > 0 and q.id not in parents and q.type != "multiple_choice"]


@st.composite
def v2_declarations_and_improvement(draw):
    level = draw(st.sampled_from(["core", "medium", "high"]))
    questionnaire = QUESTIONNAIRE_V2.at_level(level)
    scored = _scored_choices(questionnaire)
    answers = {question.id: choice.value for question in scored
               if (choice := draw(st.sampled_from([None, *question.options]))) is not None}
    question = draw(st.sampled_from(scored))
    current = question.option(answers[question.id]) if question.id in answers else None
    better = [o for o in question.options if _favour(question, o) >= _favour(question, current)]
    improved = dict(answers, **{question.id: draw(st.sampled_from(better)).value})
    every = sorted(q.id for q in questionnaire.questions)
    verified = frozenset(draw(st.sets(st.sampled_from(every))))
    return questionnaire, answers, improved, verified


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(v2_declarations_and_improvement())
def test_better_answers_to_questionnaire_v2_never_raise_residual_risk(case):
    questionnaire, before_answers, after_answers, verified = case

    def score(answers, verified_ids):
        return assess_declaration_answers(V2, CLEANER, questionnaire, answers,
                                          verified_question_ids=verified_ids, today=TODAY)

    before, after = score(before_answers, verified), score(after_answers, verified)
    assert after.maturity.percent >= before.maturity.percent
    assert after.verified_maturity.percent >= before.verified_maturity.percent
    assert after.residual.rank <= before.residual.rank
    assert after.residual.score <= before.residual.score
    everything = score(after_answers, frozenset(q.id for q in questionnaire.questions))
    assert everything.residual.rank <= after.residual.rank
