"""The questionnaire as data: schema checks, the published lock, visibility, answers, hashing."""

from __future__ import annotations

import copy
import hashlib
import tomllib
from datetime import date

import pytest

from supplier_dd.domain import questionnaire as q
from supplier_dd.domain.questionnaire import (
    answers_sha256,
    canonical_json,
    check_all_definitions,
    check_definition_bytes,
    load_questionnaire,
    read_definition,
    read_lock,
    validate_answer,
    validate_definition,
    visible_questions,
)

V1 = "modern_slavery/v1.toml"


@pytest.fixture(scope="module")
def v1():
    return load_questionnaire("modern_slavery", 1)


@pytest.fixture
def raw_v1():
    return tomllib.loads(read_definition(V1).decode("utf-8"))


def test_v1_passes_every_check_and_is_big_enough(v1):
    assert check_all_definitions() == []
    assert len(v1.questions) >= 40
    assert [s.id for s in v1.sections] == [
        "organisation", "s54", "exclusion", "policies", "workforce", "supply_chain", "training",
        "remediation",
    ]
    assert {question.type for question in v1.questions} == set(q.QUESTION_TYPES)


def test_v1_is_locked_by_its_checksum():
    digest = hashlib.sha256(read_definition(V1)).hexdigest()
    assert read_lock()[V1] == digest, (
        "modern_slavery/v1.toml changed after it was published; restore it and write v2.toml"
    )


def test_editing_a_published_definition_fails_the_lock_check():
    edited = read_definition(V1).replace(b"Is your organisation part of a group",
                                         b"Is your organisation in a group")
    problems = check_definition_bytes(V1, edited, read_lock())
    assert any("changed after it was published" in p for p in problems)


def test_red_flags_the_scoring_model_relies_on_exist(v1):
    flags = {o.red_flag for question in v1.questions for o in question.options if o.red_flag}
    assert {"worker_paid_fees", "retained_id_documents", "no_whistleblowing",
            "rco_without_compliant_statement", "exclusion_ground"} <= flags
    assert v1.red_flags["exclusion_ground"]["knockout"] is True


def test_scored_questions_give_more_points_for_better_answers(v1):
    for question in v1.questions:
        if question.weight:
            assert question.max_points > 0, question.id
        for option in question.options:
            if option.red_flag:
                assert option.points == min(o.points for o in question.options), question.id


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda d: d["questions"].append(copy.deepcopy(d["questions"][0])), "duplicate question id"),
    (lambda d: d["questions"][0].pop("weight"), "missing weight"),
    (lambda d: d["questions"][3].update(show_if={"question": "nope", "any_of": ["yes"]}),
     "unknown question 'nope'"),
    (lambda d: d["questions"][2].update(show_if={"question": "org_parent_name",
                                                 "any_of": ["x"]}),
     "must be an id defined earlier"),
    (lambda d: d["questions"][3].update(show_if={"question": "org_in_group",
                                                 "any_of": ["maybe"]}),
     "values it cannot have: maybe"),
    (lambda d: d["questions"][0].update(type="essay"), "type 'essay' is not one of"),
    (lambda d: d["questions"][0].update(kpis=["made_up"]), "kpi 'made_up' is not declared"),
    (lambda d: d["questions"][2]["options"][0].update(red_flag="mystery"),
     "red_flag 'mystery' is not declared"),
    (lambda d: d["questions"][0].update(weight=2), "only yes_no and choice questions"),
    (lambda d: d["questions"][0].update(page="nowhere"), "unknown page 'nowhere'"),
])
def test_broken_definitions_get_clear_messages(raw_v1, mutate, message):
    mutate(raw_v1)
    problems = validate_definition(raw_v1)
    assert any(message in problem for problem in problems), problems


def test_visible_questions_follow_answers_and_hide_dependants(v1):
    base = {q.id for q in visible_questions(v1, {})}
    assert "org_parent_name" not in base and "s54_compliant" not in base
    shown = {q.id for q in visible_questions(v1, {"s54_is_rco": "yes", "s54_compliant": "no"})}
    assert {"s54_compliant", "s54_non_compliance_reason"} <= shown
    # The reason's trigger is hidden once s54_is_rco is no, so the reason hides too.
    hidden = {q.id for q in visible_questions(v1, {"s54_is_rco": "no", "s54_compliant": "no"})}
    assert "s54_non_compliance_reason" not in hidden
    any_yes = {q.id for q in visible_questions(v1, {"excl_connected_order": "yes"})}
    assert "excl_details" in any_yes
    audits = {q.id for q in visible_questions(v1, {"sc_audits": "own_audits"})}
    assert "sc_audit_count" in audits


@pytest.mark.parametrize(("question_id", "raw", "expected"), [
    ("org_in_group", "yes", "yes"),
    ("org_turnover_band", "60m-100m", "60m-100m"),
    ("pol_provisions", ["no_child_labour", "freedom_of_movement"],
     ["freedom_of_movement", "no_child_labour"]),
    ("org_legal_name", "  Acme\r\nLtd ", "Acme Ltd"),
    ("org_company_number", "sc 123456", "SC123456"),
    ("rem_other_information", "line one\r\nline two", "line one\nline two"),
    ("org_headcount", "1,250", 1250),
    ("s54_period_start", {"day": "1", "month": "4", "year": "2024"}, "2024-04-01"),
    ("s54_statement_url", "www.example.co.uk/msa", "https://www.example.co.uk/msa"),
    ("org_countries", ["gb", "FR", "GB"], ["FR", "GB"]),
    ("org_legal_name", "", None),
])
def test_valid_answers_are_normalised(v1, question_id, raw, expected):
    value, error = validate_answer(v1.question(question_id), raw, today=date(2026, 1, 1))
    assert error is None
    assert value == expected


@pytest.mark.parametrize(("question_id", "raw", "message"), [
    ("org_in_group", "perhaps", "Select yes or no"),
    ("org_turnover_band", "billions", "Select an answer"),
    ("pol_provisions", ["no_child_labour", "bogus"], "Select only the options shown"),
    ("pol_provisions", ["none", "no_child_labour"], "on its own"),
    ("org_legal_name", "x" * 301, "300 characters or fewer"),
    ("org_company_number", "ABC", "Companies House number in the correct format"),
    ("org_headcount", "lots", "must be a whole number"),
    ("org_headcount", "-3", "must be 0 or more"),
    ("trn_percent_trained", "101", "must be 100 or less"),
    ("s54_period_start", {"day": "31", "month": "2", "year": "2024"}, "must be a real date"),
    ("s54_period_start", {"day": "1", "month": "", "year": "2024"}, "must include a month"),
    ("s54_approval_date", {"day": "1", "month": "1", "year": "2027"}, "today or in the past"),
    ("s54_statement_url", "not a url", "correct format"),
    ("org_countries", ["GB", "XX"], "Select countries from the list"),
])
def test_bad_answers_get_a_message_per_field_type(v1, question_id, raw, message):
    value, error = validate_answer(v1.question(question_id), raw, today=date(2026, 1, 1))
    assert value is None
    assert message in error


def test_canonical_answers_and_hash_ignore_order_and_hidden_answers(v1):
    first = {"org_legal_name": "Acme Ltd", "org_in_group": "no", "org_parent_name": "Hidden"}
    second = {"org_parent_name": "Hidden", "org_in_group": "no", "org_legal_name": "Acme Ltd"}
    assert canonical_json(v1, first) == canonical_json(v1, second)
    assert "Hidden" not in canonical_json(v1, first)
    text = canonical_json(v1, first)
    assert answers_sha256(text) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert text.startswith('{"answers":{')


def test_section_status_and_red_flags(v1):
    assert q.section_status(v1, {}, "training") == "not_started"
    assert q.section_status(v1, {"trn_provided": "yes"}, "training") == "in_progress"
    assert q.section_status(v1, {"trn_provided": "no"}, "training") == "completed"
    flags = q.triggered_red_flags(v1, {"wf_recruitment_fees": "yes", "excl_lme_order": "yes"})
    assert [option.red_flag for _, option in flags] == ["exclusion_ground", "worker_paid_fees"]
