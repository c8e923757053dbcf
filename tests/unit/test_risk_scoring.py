"""The risk model v1 pinned on hand-worked examples, and its monotonicity as a property.

The hand-worked figures use the modern_slavery questionnaire v1 and data/risk_model_v1.toml:

- With no answers, the questions shown (no `show_if`) that are scored are worth 130 weighted
  points: s54_has_statement 2x3, five exclusion questions 5 x 2x1, pol_has_policy 2x3,
  pol_board_owner 1x2, pol_board_review 1x3, pol_msa_commitment 2x2, pol_trade_union 2x2,
  pol_whistleblowing 2x3, wf_recruitment_fees 3x3, wf_id_documents 3x3, wf_pay 2x3,
  wf_deductions 1x1, wf_right_to_work 2x3, wf_overtime 2x3, sc_mapping 2x3, sc_risk_assessed 2x3,
  sc_audits 2x3, trn_provided 2x3, rem_grievance 2x3, rem_response_plan 2x3,
  rem_notify_council 1x2, rem_kpis_tracked 2x6, rem_board_reporting 1x2.
- BEST answers (not a relevant commercial organisation; statement, policy, training, risk
  assessment and an independent grievance channel all "yes") also show s54_director_signed 1x2,
  s54_areas 2x6, s54_on_registry 1x1, pol_provisions 2x11, sc_risk_frequency 1x3,
  trn_audiences 1x6, trn_methods 1x4, trn_frequency 1x3, rem_grievance_languages 1x1: 184 points.
- The cleaning supplier: sector 30 (hospitality, security, cleaning and catering), the UK 1.8 per
  1,000 -> 0, £1,450,000 -> 12, low-skilled work (the industry) 5 plus whatever is declared,
  subcontracting 0 when "no".
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from supplier_dd.domain.questionnaire import load_questionnaire
from supplier_dd.domain.risk.assess import assess, assess_declaration_answers
from supplier_dd.domain.risk.inherent import InherentProfile, inherent_risk
from supplier_dd.domain.risk.kpis import (
    MET,
    NOT_APPLICABLE,
    NOT_MET,
    PARTLY_MET,
    aggregate_kpis,
)
from supplier_dd.domain.risk.model import RiskModelError, load_model, parse_model
from supplier_dd.domain.risk.residual import EXCLUDED_PENDING_REVIEW, EXCLUDED_RANK

MODEL = load_model("v1")
QUESTIONNAIRE = load_questionnaire("modern_slavery", 1)
CLEANER = InherentProfile(
    registry_sector="Cleaning and security services", countries=("GB",),
    contract_value=Decimal("1450000"),
)

BEST = {
    "org_legal_name": "Brightwater Cleaning Services Ltd",
    "org_in_group": "no",
    "org_countries": ["GB"],
    "org_sectors": ["Cleaning and security services"],
    "org_headcount": 900,
    "org_turnover_band": "under-36m",
    "s54_is_rco": "no",
    "s54_has_statement": "yes",
    "s54_statement_url": "https://brightwater.example/modern-slavery",
    "s54_period_start": "2025-04-01",
    "s54_period_end": "2026-03-31",
    "s54_approval_date": "2026-06-01",
    "s54_signatory": "A Director",
    "s54_director_signed": "yes",
    "s54_areas": ["structure", "policies", "risk", "due_diligence", "training", "monitoring"],
    "s54_on_registry": "yes",
    "excl_conviction": "no",
    "excl_prevention_order": "no",
    "excl_lme_order": "no",
    "excl_connected_conviction": "no",
    "excl_connected_order": "no",
    "pol_has_policy": "yes",
    "pol_provisions": [
        "local_national_laws", "freedom_to_terminate", "freedom_of_movement",
        "freedom_of_association", "no_violence_harassment", "no_recruitment_fees",
        "no_compulsory_overtime", "no_child_labour", "no_discrimination", "no_id_confiscation",
        "access_to_remedy",
    ],
    "pol_board_owner": "yes",
    "pol_board_review": "at_least_annually",
    "pol_msa_commitment": "yes",
    "pol_trade_union": "yes",
    "pol_whistleblowing": "yes",
    "wf_uses_agencies": "no",
    "wf_recruitment_fees": "no",
    "wf_id_documents": "never",
    "wf_pay": "real_living_wage",
    "wf_deductions": "no",
    "wf_right_to_work": "original_documents",
    "wf_housing": "no",
    "wf_transport": "no",
    "wf_overtime": "always_voluntary",
    "wf_max_weekly_hours": 48,
    "sc_subcontracts": "no",
    "sc_mapping": "beyond_tier_2",
    "sc_high_risk_goods": ["none"],
    "sc_source_countries": ["GB"],
    "sc_risk_assessed": "yes",
    "sc_risk_frequency": "at_least_annually",
    "sc_audits": "independent_with_interviews",
    "sc_audit_count": 4,
    "trn_provided": "yes",
    "trn_audiences": ["procurement", "human_resources", "executive", "whole_organisation",
                      "suppliers"],
    "trn_methods": ["e_learning", "face_to_face", "accredited_course", "workers_languages"],
    "trn_frequency": "induction_and_annual",
    "trn_percent_trained": 95,
    "rem_grievance": "independent_confidential",
    "rem_grievance_languages": "yes",
    "rem_response_plan": "written_victim_centred",
    "rem_notify_council": "yes",
    "rem_incidents": "no",
    "rem_kpis_tracked": ["training_completion", "audits_completed", "grievances",
                         "remediation_cases", "supplier_assessments", "fees_repaid"],
    "rem_board_reporting": "yes",
}


def scored(answers, profile=CLEANER):
    return assess_declaration_answers(MODEL, profile, QUESTIONNAIRE, answers)


def possible(assessment) -> float:
    return sum(q.possible for q in assessment.maturity.questions)


# --- Hand-worked examples ---------------------------------------------------------------------


def test_all_blank_declaration_earns_nothing_and_is_critical_for_a_high_risk_cleaner():
    result = scored({})
    assert possible(result) == 130
    assert result.maturity.percent == 0.0
    # Sector 30 + UK 0 + £1.45m 12 + workforce not declared 10 (half of 20, more than the
    # industry's low-skilled 5) + subcontracting not declared 5 = 57: High.
    assert [f.points for f in result.inherent.factors] == [30, 0, 12, 10, 5]
    assert (result.inherent.score, result.inherent.band) == (57, "High")
    assert (result.residual.maturity_band, result.residual.band) == ("Red", "Critical")
    assert result.residual.score == 57
    assert result.red_flags == ()
    assert "Answers that cost most: Measures tracked (not answered, 12 points lost)" in \
        result.explanation[-1]


def test_best_answers_are_full_maturity_and_low_residual_risk():
    result = scored(BEST)
    assert possible(result) == 184
    assert result.maturity.percent == 100.0
    # Sector 30 + UK 0 + £1.45m 12 + low-skilled 5 (no agency, housing or transport) + no
    # subcontracting 0 = 47: Medium; Medium x Green = Low; 47 x (1 - 0.6) = 18.8 -> 19.
    assert [f.points for f in result.inherent.factors] == [30, 0, 12, 5, 0]
    assert (result.inherent.score, result.inherent.band) == (47, "Medium")
    assert (result.residual.band, result.residual.score) == ("Low", 19)
    assert result.residual.rating == "Low"
    assert result.maturity.costliest() == ()


def test_an_exclusion_ground_means_excluded_pending_review():
    result = scored(BEST | {"excl_conviction": "yes", "excl_details": "Conviction in 2024"})
    assert result.maturity.percent == round(100 * 182 / 184, 1) == 98.9
    assert result.residual.matrix_band == "Low"
    assert result.residual.band == "Critical"
    assert result.residual.excluded_pending_review
    assert result.residual.rating == EXCLUDED_PENDING_REVIEW
    assert result.residual.rank == EXCLUDED_RANK
    assert [f.key for f in result.red_flags] == ["exclusion_ground"]
    assert result.explanation[0].startswith("Excluded pending review")


@pytest.mark.parametrize(
    ("change", "flag", "earned"),
    [
        ({"wf_recruitment_fees": "yes", "wf_fees_action": "Repaid"}, "worker_paid_fees", 175),
        ({"wf_id_documents": "yes"}, "retained_id_documents", 175),
        ({"pol_whistleblowing": "no"}, "no_whistleblowing", 178),
    ],
)
def test_each_knock_out_forces_at_least_high_whatever_the_total(change, flag, earned):
    result = scored(BEST | change)
    assert result.maturity.percent == round(100 * earned / 184, 1)
    assert result.residual.maturity_band == "Green"
    assert result.residual.matrix_band == "Low"
    assert result.residual.band == "High"
    assert not result.residual.excluded_pending_review
    assert [f.key for f in result.red_flags] == [flag]
    assert any(line.startswith("Raised from Low to High by red flag") for line in
               result.explanation)


def test_relevant_commercial_organisation_without_compliant_statement_is_at_least_high():
    answers = BEST | {"s54_is_rco": "yes", "s54_compliant": "no",
                      "s54_non_compliance_reason": "Statement late this year"}
    result = scored(answers)
    # s54_compliant (3 x 4) is now shown and earns nothing: 184 of 196.
    assert possible(result) == 196
    assert result.maturity.percent == round(100 * 184 / 196, 1) == 93.9
    assert result.residual.band == "High"
    assert [f.key for f in result.red_flags] == ["rco_without_compliant_statement"]


def test_answers_to_hidden_questions_do_not_count():
    # s54_compliant is only shown to relevant commercial organisations; BEST says "not one".
    result = scored(BEST | {"s54_compliant": "no"})
    assert result.red_flags == ()
    assert possible(result) == 184


def test_declared_workforce_subcontracting_and_countries_raise_inherent_risk():
    answers = BEST | {"wf_uses_agencies": "yes", "wf_glaa_licensing": "all_licensed",
                      "wf_agency_checks": ["licence", "contract_terms", "audits",
                                           "worker_interviews"],
                      "wf_housing": "yes", "wf_housing_terms": "optional_inspected",
                      "sc_subcontracts": "yes", "sc_tiers": "dont_know",
                      "sc_flow_down": "all_tiers", "sc_source_countries": ["GB", "MY"]}
    result = scored(answers)
    factors = {f.factor: f for f in result.inherent.factors}
    # Agency 6 + low-skilled 5 + migrant 5 = 16; "do not know" tiers count as 3+: 10;
    # Malaysia has no checked GSI figure: Asia and the Pacific regional estimate 6.8 -> 14.
    assert factors["workforce"].points == 16
    assert factors["subcontracting"].points == 10
    assert factors["countries"].points == 14
    assert "regional estimate" in factors["countries"].detail
    assert result.inherent.score == 30 + 14 + 12 + 16 + 10
    assert result.maturity.percent == 100.0
    assert (result.inherent.band, result.residual.band) == ("High", "Medium")


def test_country_factor_uses_the_highest_prevalence_country():
    low = inherent_risk(MODEL, InherentProfile(countries=("GB", "DE")))
    high = inherent_risk(MODEL, InherentProfile(countries=("GB", "TR")))
    assert low.factors[1].points == 0
    assert high.factors[1].points == 25  # Türkiye 15.6 per 1,000
    assert "Türkiye, 15.6 per 1,000" in high.factors[1].detail


def test_category_and_cpv_take_precedence_over_the_registry_sector():
    by_category = InherentProfile(registry_sector="Other", category="Agency labour")
    by_cpv = InherentProfile(registry_sector="Other", cpv_code="18424300")
    unknown = InherentProfile(registry_sector="Other")
    assert inherent_risk(MODEL, by_category).factors[0].detail == "Agency labour and recruitment"
    assert inherent_risk(MODEL, by_cpv).factors[0].points == 30
    assert inherent_risk(MODEL, unknown).factors[0].points == MODEL.sector_unknown_points


def test_no_declaration_scores_inherent_risk_with_nothing_evidenced():
    result = assess(MODEL, CLEANER)
    assert result.maturity is None
    assert result.residual.band == "Critical"
    assert "no submitted declaration yet" in result.explanation[0]


# --- KPIs -------------------------------------------------------------------------------------


def test_kpis_of_the_best_declaration_are_met_and_s54_is_not_applicable_below_threshold():
    kpis = {k.key: k for k in scored(BEST).kpis}
    assert kpis["charter_msa_compliance"].status == MET
    assert kpis["charter_trade_union"].status == MET
    assert kpis["charter_whistleblowing"].status == MET
    assert kpis["s54_areas_covered"].status == MET
    assert kpis["s54_statement_compliant"].status == NOT_APPLICABLE


def test_kpis_show_partial_and_failed_commitments():
    answers = BEST | {"s54_areas": ["structure", "policies"], "pol_whistleblowing": "no",
                      "s54_is_rco": "yes", "s54_compliant": "yes"}
    kpis = {k.key: k for k in scored(answers).kpis}
    assert kpis["s54_areas_covered"].status == PARTLY_MET
    assert (kpis["s54_areas_covered"].earned, kpis["s54_areas_covered"].possible) == (4, 12)
    assert kpis["charter_whistleblowing"].status == NOT_MET
    assert kpis["s54_statement_compliant"].status == MET


def test_council_kpis_aggregate_suppliers():
    good = scored(BEST).kpis
    bad = scored(BEST | {"pol_whistleblowing": "no"}).kpis
    council = {k.key: k for k in aggregate_kpis([good, bad, good])}
    whistle = council["charter_whistleblowing"]
    assert (whistle.counts[MET], whistle.counts[NOT_MET], whistle.applicable) == (2, 1, 3)
    assert whistle.percent_met == 66.7
    assert council["s54_statement_compliant"].percent_met is None


# --- The model file -----------------------------------------------------------------------------


def test_model_version_and_fingerprint_are_recorded_in_the_breakdown():
    breakdown = scored(BEST).as_dict()
    assert breakdown["model"] == {"version": "v1", "fingerprint": MODEL.fingerprint}
    assert breakdown["residual"]["band"] == "Low"
    assert len(breakdown["inherent"]["factors"]) == 5


def test_a_broken_model_file_says_what_to_fix():
    text = (MODEL_TEXT := _model_text()).replace("max_points = 30", "max_points = 31", 1)
    with pytest.raises(RiskModelError, match="add up to 101, not 100"):
        parse_model(text)
    with pytest.raises(RiskModelError, match="not a band"):
        parse_model(MODEL_TEXT.replace('floor = "High"', 'floor = "Severe"', 1))
    with pytest.raises(RiskModelError, match="no risk model 'v99'"):
        load_model("v99")


def _model_text() -> str:
    from importlib import resources

    return resources.files("supplier_dd.data").joinpath("risk_model_v1.toml").read_text("utf-8")


# --- Property: more favourable answers never raise residual risk ------------------------------

# Questions whose answer decides whether other questions are shown change what is asked, not
# how well: they are left at their BEST value so the comparison is like for like.
PARENTS = {qid for q in QUESTIONNAIRE.questions if q.show_if for qid in q.show_if.question_ids()}
SCORED_CHOICES = [q for q in QUESTIONNAIRE.questions
                  if q.weight > 0 and q.id not in PARENTS and q.type != "multiple_choice"]


def _favour(option) -> tuple:
    """Points first; at equal points an answer without a red flag is the better one. A blank
    earns no points and raises no flag (submitting needs every required answer anyway)."""
    if option is None:
        return (0, True)
    return (option.points, option.red_flag is None)


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
    better = [o for o in question.options if _favour(o) >= _favour(current)]
    improved = dict(answers)
    improved[question.id] = draw(st.sampled_from(better)).value
    return answers, improved


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(declarations_and_improvement())
def test_more_favourable_answers_never_raise_residual_risk(pair):
    before, after = (scored(answers) for answers in pair)
    assert after.maturity.percent >= before.maturity.percent
    assert after.residual.rank <= before.residual.rank
    assert after.residual.score <= before.residual.score
    assert {f.key for f in after.red_flags} <= {f.key for f in before.red_flags}
