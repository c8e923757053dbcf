"""The follow-up rules a declaration page gives the browser (domain/follow_ups.py)."""

from __future__ import annotations

from supplier_dd.domain.follow_ups import page_follow_ups
from supplier_dd.domain.questionnaire import current_version

QUESTIONNAIRE = current_version("modern_slavery")


def test_a_page_gives_the_browser_the_rules_of_its_own_follow_ups():
    assert page_follow_ups(QUESTIONNAIRE, {}, "organisation", "identity") == {
        "org_parent_name": {"question": "org_in_group", "any_of": ["yes"]}}
    # A follow-up of a follow-up keeps its own rule: the browser applies them in page order.
    assert page_follow_ups(QUESTIONNAIRE, {}, "s54", "relevance") == {
        "s54_compliant": {"question": "s54_is_rco", "any_of": ["yes"]},
        "s54_non_compliance_reason": {"question": "s54_compliant", "any_of": ["no"]},
    }


def test_answers_from_other_pages_are_decided_on_the_server():
    # The exclusion details depend only on the previous page's answers: nothing for the browser.
    for answers in ({}, {"excl_conviction": "yes"}):
        assert page_follow_ups(QUESTIONNAIRE, answers, "exclusion", "details") == {}
    assert page_follow_ups(QUESTIONNAIRE, {}, "organisation", "operations") == {}
