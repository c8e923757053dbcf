"""Follow-up questions a page can reveal by itself: the rules the browser applies as answers are
chosen, so a "yes" shows its detail question at once when JavaScript runs.

The server stays the authority (visible_questions decides what is saved and asked); this only
says, for each question on a page whose `show_if` reads an answer given on that same page, the
condition with every answer from other pages already decided. A condition the browser gets is
JSON-ready: `true`/`false`, `{"question": id, "any_of": [values]}`, `{"any": [...]}` or
`{"all": [...]}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from supplier_dd.domain.questionnaire import (
    AllOf,
    AnyOf,
    Condition,
    Questionnaire,
    visible_questions,
)

BrowserCondition = bool | dict[str, Any]


def _on_page(condition, on_page: set[str], settled: Mapping[str, Any]) -> BrowserCondition:
    """The condition with answers from other pages decided (True or False) and the rest kept."""
    if isinstance(condition, Condition):
        if condition.question in on_page:
            return {"question": condition.question, "any_of": list(condition.values)}
        return condition.holds(settled)
    parts = [_on_page(part, on_page, settled) for part in condition.conditions]
    if isinstance(condition, AnyOf):
        if any(part is True for part in parts):
            return True
        left = [part for part in parts if part is not False]
        return {"any": left} if left else False
    if isinstance(condition, AllOf):
        if any(part is False for part in parts):
            return False
        left = [part for part in parts if part is not True]
        return {"all": left} if left else True
    raise TypeError(f"unknown condition {condition!r}")


def page_follow_ups(questionnaire: Questionnaire, answers: Mapping[str, Any], section_id: str,
                    page_id: str) -> dict[str, BrowserCondition]:
    """For each question on the page that an answer on the same page can show or hide: its
    condition for the browser (never a constant: those questions are simply shown or not)."""
    page = questionnaire.questions_on(section_id, page_id)
    on_page = {q.id for q in page}
    # Answers to questions on other pages as visible_questions counts them: a hidden question's
    # answer does not count. Conditions read only earlier questions, so this page cannot change
    # which of them are shown.
    settled = {q.id: answers[q.id] for q in visible_questions(questionnaire, answers)
               if q.id not in on_page and q.id in answers}
    rules = {}
    for question in page:
        if question.show_if is None:
            continue
        rule = _on_page(question.show_if, on_page, settled)
        if not isinstance(rule, bool):
            rules[question.id] = rule
    return rules
