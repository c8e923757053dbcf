"""The supplier's feedback as data: the locked recommendations file, its coverage of every answer
that falls short, matching answers to recommendations, and word bands per section."""

from __future__ import annotations

import hashlib

import pytest

from supplier_dd.domain import recommendations as recs
from supplier_dd.domain.questionnaire import load_questionnaire
from supplier_dd.domain.recommendations import (
    NOT_SELECTED,
    RecommendationsError,
    check_recommendation_bytes,
    check_recommendation_files,
    falling_short,
    matching_recommendations,
    parse_recommendations,
    read_recommendation_lock,
    recommendations_for,
    supplier_feedback,
)

PATH = "modern_slavery/recommendations_v1.toml"
QUESTIONNAIRE = load_questionnaire("modern_slavery", 1)
RECOMMENDATIONS = recommendations_for("modern_slavery", 1)


def _text() -> str:
    return recs._root().joinpath(PATH).read_text(encoding="utf-8")


def _keys(answers) -> list[str]:
    return [r.key for r in matching_recommendations(QUESTIONNAIRE, RECOMMENDATIONS, answers)]


def test_the_published_file_is_locked_and_sound():
    assert check_recommendation_files() == []
    digest = hashlib.sha256(recs._root().joinpath(PATH).read_bytes()).hexdigest()
    assert read_recommendation_lock()[PATH] == digest
    assert RECOMMENDATIONS.version == 1 and RECOMMENDATIONS.status == "published"


def test_an_edited_published_file_is_reported():
    edited = _text().replace("Write a short modern slavery policy", "Write a policy").encode()
    problems = check_recommendation_bytes(PATH, edited, read_recommendation_lock())
    assert any("changed after it was published" in p for p in problems)


def test_every_answer_that_falls_short_has_a_recommendation_and_no_best_answer_does():
    wanted = set(falling_short(QUESTIONNAIRE))
    written = {(r.question_id, r.answer, r.when) for r in RECOMMENDATIONS.recommendations}
    assert wanted - written == set(), "answers falling short with no recommendation"
    assert written - wanted == set(), "recommendations for answers that do not fall short"
    # Real text, not placeholders: every recommendation says what to do and why.
    for recommendation in RECOMMENDATIONS.recommendations:
        assert len(recommendation.title) > 15 and len(recommendation.text) > 80, recommendation.key


def test_a_chosen_answer_calls_for_its_recommendation():
    assert "pol_has_policy.no" in _keys({"pol_has_policy": "no"})
    assert "pol_has_policy.no" not in _keys({"pol_has_policy": "yes"})
    assert _keys({"wf_recruitment_fees": "yes"}) == ["wf_recruitment_fees.yes"]


def test_an_unticked_option_of_a_list_question_calls_for_its_recommendation():
    answers = {"pol_has_policy": "yes",
               "pol_provisions": [o.value for o in QUESTIONNAIRE.question("pol_provisions").options
                                  if o.value not in ("no_recruitment_fees", "other", "none")]}
    assert _keys(answers) == ["pol_provisions.not.no_recruitment_fees"]


def test_none_of_these_gives_one_recommendation_not_one_per_unticked_option():
    keys = _keys({"pol_has_policy": "yes", "pol_provisions": ["none"]})
    assert keys == ["pol_provisions.none"]


def test_answers_to_questions_the_supplier_was_not_shown_call_for_nothing():
    # Training frequency is only asked when the supplier trains people.
    keys = _keys({"trn_provided": "no", "trn_frequency": "once", "trn_audiences": ["other"]})
    assert keys == ["trn_provided.no"]
    assert _keys({}) == []


def test_each_section_gets_a_word_band_from_its_share_of_good_practice():
    strong = {"trn_provided": "yes", "trn_audiences": ["whole_organisation", "procurement",
                                                       "human_resources", "executive",
                                                       "suppliers"],
              "trn_methods": ["e_learning", "face_to_face", "accredited_course",
                              "workers_languages"],
              "trn_frequency": "induction_and_annual", "excl_conviction": "yes"}
    sections = {s.section_id: s for s in supplier_feedback(QUESTIONNAIRE, RECOMMENDATIONS,
                                                           strong)}
    assert sections["training"].band.name == "Advanced"
    assert sections["training"].recommendations == ()
    weak = {s.section_id: s for s in supplier_feedback(QUESTIONNAIRE, RECOMMENDATIONS,
                                                       {"trn_provided": "no"})}
    assert weak["training"].band.name == "Developing"
    assert [r.key for r in weak["training"].recommendations] == ["trn_provided.no"]
    # An exclusion ground is a legal question: recommendations, never a band.
    assert sections["exclusion"].band is None
    assert [r.key for r in sections["exclusion"].recommendations] == ["excl_conviction.yes"]


def test_a_middling_section_is_established():
    answers = {"trn_provided": "yes", "trn_audiences": ["procurement", "human_resources"],
               "trn_methods": ["e_learning", "face_to_face"], "trn_frequency": "annual"}
    band = {s.section_id: s.band for s in supplier_feedback(QUESTIONNAIRE, RECOMMENDATIONS,
                                                            answers)}["training"]
    assert band.name == "Established"


@pytest.mark.parametrize("change, message", [
    ('question = "pol_has_policy"\nanswer = "no"', "unknown question 'pol_has_a_policy'"),
    ('question = "pol_has_policy"\nanswer = "no"', "pol_has_policy has no answer 'maybe'"),
    ('question = "pol_has_policy"\nanswer = "no"',
     "not_selected only applies to a multiple_choice question"),
    ('question = "pol_has_policy"\nanswer = "no"', "more than one recommendation for "
                                                  "pol_board_owner.no"),
])
def test_a_broken_file_is_refused_with_a_message_a_person_can_act_on(change, message):
    replacement = {
        "unknown question 'pol_has_a_policy'": 'question = "pol_has_a_policy"\nanswer = "no"',
        "pol_has_policy has no answer 'maybe'": 'question = "pol_has_policy"\nanswer = "maybe"',
        "not_selected only applies to a multiple_choice question":
            f'question = "pol_has_policy"\nanswer = "no"\nwhen = "{NOT_SELECTED}"',
        "more than one recommendation for pol_board_owner.no":
            'question = "pol_board_owner"\nanswer = "no"',
    }[message]
    broken = _text().replace(change, replacement, 1)
    with pytest.raises(RecommendationsError) as raised:
        parse_recommendations(broken, QUESTIONNAIRE)
    assert message in str(raised.value)
