"""Questionnaire v2 (issue 16): what it asks, that risk model v2 and the exclusion rules read
questions and answers it really has, and the schema's `cap` and `level`."""

from __future__ import annotations

import hashlib
import tomllib
from importlib import resources

import pytest

from supplier_dd.domain import exclusions
from supplier_dd.domain.questionnaire import (
    current_version,
    load_questionnaire,
    parse_questionnaire,
    read_definition,
    read_lock,
    validate_definition,
    visible_questions,
)
from supplier_dd.domain.risk.evidence import question_cap
from supplier_dd.domain.risk.model import load_model
from supplier_dd.domain.risk.plan import questionnaire_plan

V1 = load_questionnaire("modern_slavery", 1)
V2 = load_questionnaire("modern_slavery", 2)
MODEL_V2 = tomllib.loads(
    resources.files("supplier_dd.data").joinpath("risk_model_v2.toml").read_text("utf-8"))


def options_of(question_id: str) -> set[str]:
    return {o.value for o in V2.question(question_id).options}


# --- The published file -------------------------------------------------------------------------


def test_new_declarations_use_v2_and_v1_is_still_the_published_v1():
    assert current_version("modern_slavery").version == 2
    lock = read_lock()
    for path in ("modern_slavery/v1.toml", "modern_slavery/v2.toml"):
        assert hashlib.sha256(read_definition(path)).hexdigest() == lock[path]
    assert lock["modern_slavery/v1.toml"] == (
        "05a400281f0792ded72d60e67c643e847f7b652b40bd7c8e9058cbab62d8182c")


def test_v2_keeps_v1_ids_for_the_same_questions_so_answers_prefill():
    kept = {q.id for q in V1.questions} & {q.id for q in V2.questions}
    replaced = {q.id for q in V1.questions} - kept
    # Only v1's exclusion questions are replaced, by v2's split by schedule and person.
    assert replaced == {"excl_conviction", "excl_prevention_order", "excl_lme_order",
                        "excl_connected_conviction", "excl_connected_order",
                        "excl_evidence_file"}
    for question_id in kept:
        assert V2.question(question_id).type == V1.question(question_id).type, question_id


def test_v2_asks_the_new_questions_with_the_values_the_brief_names():
    assert V2.question("org_uk_business").type == "yes_no"
    assert V2.question("org_vcse").type == "yes_no"
    for share in ("agency", "temporary_seasonal", "migrant", "low_skilled"):
        assert [o.value for o in V2.question(f"wf_share_{share}").options] == [
            "none", "under_10", "10_to_25", "25_to_50", "over_50"]
    assert "withheld" in options_of("ilo_wages_on_time")
    assert "third_party" in options_of("ilo_payment_method")
    assert "no" in options_of("ilo_free_to_leave")
    assert "yes" in options_of("ilo_debt")
    assert "under_school_age" in options_of("ilo_young_workers")
    assert V2.question("ilo_payslips").type == "yes_no"
    assert V2.question("wf_max_weekly_hours").type == "number"
    assert "no" in options_of("wf_price_covers_minimum_wage")
    assert V2.question("sc_key_subcontractors").type == "long_text"
    assert {"smeta", "sa8000", "stronger_together"} <= options_of("sc_certifications")
    assert V2.question("sc_certifications_details").type == "long_text"
    assert V2.question("sc_certifications_file").type == "file"
    assert V2.question("excl_self_cleaning_file").type == "file"
    assert "dont_know" in options_of("wf_recruitment_fees")


# --- The model, the exclusion rules and the questionnaire cannot drift apart --------------------


def _conditions(node, where=""):
    """Every {question, any_of} table in the model, with where it is."""
    if isinstance(node, dict):
        if "question" in node and "any_of" in node:
            yield where, node["question"], node["any_of"]
        for key, value in node.items():
            yield from _conditions(value, f"{where}.{key}".strip("."))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _conditions(value, f"{where}[{index}]")


def _named_questions(node, where=""):
    """Every setting of the model whose name ends in `question`, with its id."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.endswith("question") and isinstance(value, str):
                yield f"{where}.{key}".strip("."), value
            else:
                yield from _named_questions(value, f"{where}.{key}".strip("."))


def test_every_condition_in_risk_model_v2_names_a_v2_question_and_its_options():
    problems = []
    found = list(_conditions(MODEL_V2))
    assert len(found) >= 15  # the red-flag `when`s, the workforce shares and v1's inference
    for where, question_id, values in found:
        if question_id.startswith("derived:"):
            continue
        try:
            question = V2.question(question_id)
        except KeyError:
            problems.append(f"{where}: no v2 question {question_id}")
            continue
        unknown = set(values) - {o.value for o in question.options}
        if unknown:
            problems.append(f"{where}: {question_id} has no option {sorted(unknown)}")
    assert problems == []


def test_every_question_the_model_names_is_a_v2_question():
    named = dict(_named_questions(MODEL_V2))
    assert {"checks.hours_question", "checks.rco.turnover_question",
            "checks.rco.uk_business_question", "inherent.goods.question"} <= set(named)
    missing = [f"{where} = {qid}" for where, qid in named.items()
               if qid not in {q.id for q in V2.questions} and not qid.startswith("derived:")]
    assert missing == []
    assert V2.question(MODEL_V2["checks"]["hours_question"]).type == "number"
    for question_id in MODEL_V2["declaration_inputs"]["countries"]:
        assert V2.question(question_id).type == "country_list"


def test_the_models_answer_values_are_options_of_their_v2_questions():
    rco = MODEL_V2["checks"]["rco"]
    assert set(rco["turnover_values"]) <= options_of(rco["turnover_question"])
    subcontracting = MODEL_V2["declaration_inputs"]["subcontracting"]
    assert subcontracting["uses_value"] in options_of(subcontracting["uses_question"])
    assert set(subcontracting["depth_by_answer"]) <= options_of(subcontracting["depth_question"])
    goods = MODEL_V2["inherent"]["goods"]
    assert set(goods["items"]) == options_of(goods["question"]) - {"none"}


def test_every_red_flag_v2_raises_is_scored_by_model_v2():
    model = load_model("v2")
    raised = {o.red_flag for q in V2.questions for o in q.options if o.red_flag}
    assert raised - set(model.red_flags) == set()
    assert set(V2.red_flags) - set(model.red_flags) == set()


def test_a_v2_knock_out_is_a_knock_out_under_either_risk_model():
    knockouts = {key for key, flag in V2.red_flags.items() if flag["knockout"]}
    assert knockouts == {"exclusion_ground"}
    for version in ("v1", "v2"):
        rule = load_model(version).red_flags["exclusion_ground"]
        assert (rule.floor, rule.excludes) == ("Critical", True), version
    for question in V2.questions_in("exclusion"):
        if question.type == "yes_no":
            assert question.option("yes").red_flag == "exclusion_ground", question.id


def test_the_exclusion_rules_read_v2_yes_no_questions_and_its_self_cleaning_steps():
    v2_ids = {q.id for q in V2.questions}
    for question_id in exclusions.QUESTION_GROUNDS:
        if question_id in v2_ids:
            assert V2.question(question_id).type == "yes_no"
    assert {qid for qid in exclusions.QUESTION_GROUNDS if qid.startswith("excl_s")} <= v2_ids
    assert set(exclusions.SELF_CLEANING_STEPS) == options_of("excl_self_cleaning_steps") - {"none"}
    for question_id in ("excl_details", "excl_self_cleaning_details"):
        assert V2.question(question_id).type == "long_text"


def test_a_v2_declaration_reporting_a_schedule_6_conviction_is_screened_as_mandatory():
    screening = exclusions.screen({"excl_s6_associated": "yes",
                                   "excl_self_cleaning_steps": ["changed_systems"]})
    assert screening.mandatory and not screening.discretionary
    assert screening.self_cleaning_labels == ("Changed systems, policies or processes",)


# --- Schema: cap and level ----------------------------------------------------------------------


def _definition(**question_overrides) -> dict:
    question = {
        "id": "pol_provisions", "section": "policies", "page": "policy",
        "type": "multiple_choice", "text": "Which provisions?", "short": "Provisions",
        "help": "Select all.", "required": True, "weight": 1,
        "options": [{"value": "a", "label": "A", "points": 1},
                    {"value": "b", "label": "B", "points": 2}],
        **question_overrides,
    }
    return {
        "id": "modern_slavery", "version": 9, "title": "T", "status": "draft",
        "sections": [{"id": "policies", "title": "P", "pages": [{"id": "policy", "title": "P"}]}],
        "questions": [question],
    }


def test_a_cap_is_kept_and_read_by_model_v2_in_place_of_its_own_cap():
    questionnaire = parse_questionnaire(_definition(cap=2))
    assert questionnaire.question("pol_provisions").cap == 2
    planned = questionnaire_plan(questionnaire).questions[0]
    assert question_cap(load_model("v2"), planned) == 2
    certifications = next(q for q in questionnaire_plan(V2).questions
                          if q.id == "sc_certifications")
    assert question_cap(load_model("v2"), certifications) == 2


@pytest.mark.parametrize(("overrides", "message"), [
    ({"cap": 4}, "question pol_provisions: cap 4 is more than the 3 points its options add up to"),
    ({"cap": -1}, "question pol_provisions: cap must be a whole number 0 or more"),
    ({"cap": True}, "question pol_provisions: cap must be a whole number 0 or more"),
    ({"cap": 1, "type": "single_choice"},
     "question pol_provisions: only a multiple_choice question can have a cap"),
    ({"level": "extra"},
     "question pol_provisions: level 'extra' is not one of core, medium, high"),
])
def test_a_wrong_cap_or_level_is_a_clear_problem(overrides, message):
    assert message in validate_definition(_definition(**overrides))


def test_a_question_without_a_level_is_core_and_v1_has_no_levels():
    assert parse_questionnaire(_definition()).question("pol_provisions").level == "core"
    assert not V1.has_levels
    assert V1.at_level("core") is V1
    assert V2.has_levels


def test_each_form_level_asks_its_questions_and_the_shorter_levels_questions():
    core, medium, high = (V2.at_level(level) for level in ("core", "medium", "high"))
    core_ids, medium_ids, high_ids = ({q.id for q in f.questions} for f in (core, medium, high))
    assert core_ids < medium_ids < high_ids == {q.id for q in V2.questions}
    # Everyone is asked about exclusion grounds, pay and the workforce shares.
    assert {"excl_s6_supplier", "excl_s7_under_investigation", "wf_pay",
            "wf_share_migrant", "org_vcse"} <= core_ids
    assert "ilo_free_to_leave" in medium_ids - core_ids
    assert "sc_audits" in high_ids - medium_ids
    # Every section keeps at least one question on the short form, so the task list has no
    # empty section.
    assert all(core.questions_in(section.id) for section in core.sections)


def test_visible_questions_narrowed_by_level_match_the_questionnaire_at_that_level():
    answers = {"sc_subcontracts": "yes", "trn_provided": "yes"}
    for level in ("core", "medium", "high"):
        assert visible_questions(V2, answers, level) == visible_questions(
            V2.at_level(level), answers)
    assert visible_questions(V2, answers) == visible_questions(V2.at_level("high"), answers)
