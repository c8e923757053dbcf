"""Answers that cannot all be true at once, refused where the supplier gives them.

A published questionnaire never changes (its checksum is locked), so these rules live in code,
keyed to its question ids. A rule applies only while every question it names is shown, so a
questionnaire or version without those questions is untouched. The rules guard saving a page
and submitting; scoring and verification never read them, so a declaration submitted before a
rule existed keeps its score and still verifies.

Each contradiction is reported against each question it names, so the message appears on
whichever page the supplier is saving (the one answered first may be the one that is wrong).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from supplier_dd.domain.organisations import RELEVANT_TURNOVER_BANDS


@dataclass(frozen=True)
class Contradiction:
    """`holds(answers)` is true when the answers contradict each other; `messages` gives, per
    question id, what to tell the supplier on that question's page."""

    holds: Callable[[Mapping[str, Any]], bool]
    messages: Mapping[str, str]


RULES: tuple[Contradiction, ...] = (
    Contradiction(
        holds=lambda a: a.get("s54_is_rco") == "yes" and bool(a.get("org_turnover_band"))
        and a.get("org_turnover_band") not in RELEVANT_TURNOVER_BANDS,
        messages={
            "s54_is_rco": "A relevant commercial organisation has a turnover of £36 million "
                          "or more: select no, or change your annual turnover (you said under "
                          "£36 million)",
            "org_turnover_band": "You said your organisation is a relevant commercial "
                                 "organisation, which needs a turnover of £36 million or more: "
                                 "select its turnover, or change your answer about section 54",
        },
    ),
    Contradiction(
        holds=lambda a: a.get("s54_compliant") == "yes" and a.get("s54_has_statement") == "no",
        messages={
            "s54_compliant": "Being compliant with section 54 needs a published modern slavery "
                             "statement: select no, or say you have a statement",
            "s54_has_statement": "You said you are compliant with section 54, which needs a "
                                 "published modern slavery statement: select yes, or change "
                                 "your answer about being compliant",
        },
    ),
)


def contradictions(answers: Mapping[str, Any], page_of: Mapping[str, Any]
                   ) -> dict[str, str]:
    """{question id: message} for every rule the answers break. `page_of` maps each shown
    question to its page; where two questions of a rule share a page, only the first named
    carries the message, so one mistake is not reported twice."""
    errors: dict[str, str] = {}
    for rule in RULES:
        if not set(rule.messages) <= set(page_of) or not rule.holds(answers):
            continue
        pages_told = set()
        for question_id, message in rule.messages.items():
            if page_of[question_id] not in pages_told:
                pages_told.add(page_of[question_id])
                errors.setdefault(question_id, message)
    return errors
