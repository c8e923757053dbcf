"""Which form a supplier gets: the proportionate questionnaire of PPN 02/23 (issue 16).

PPN 02/23 asks for due diligence proportionate to the risk of the procurement, and the
Procurement Act 2023 (s.12(4)) asks authorities to remove barriers for SMEs and VCSEs. So:

- a HIGH-risk tender or contract gets the full form ("high"), whoever the supplier is;
- a MEDIUM-risk one gets the longer form ("medium"), unless the supplier is an SME or a VCSE,
  which gets the short form ("core");
- a LOW-risk one gets the short form ("core").
- No tier (an annual request, or a tender without one) is treated as medium: the council has not
  said the risk is low, so silence is not rewarded, but SMEs and VCSEs still get the short form.

SME: fewer than 250 workers (org_headcount) AND total turnover under £36 million
(org_turnover_band "under-36m"). The Procurement Act 2023 s.123 threshold is £44 million; the
questionnaire's bands cannot tell £36m-£44m apart, so that band counts as not small (it is also
the s.54 reporting threshold, which is the line the questionnaire already draws). VCSE: the
supplier's own answer to org_vcse.

Both answers are on the first section, so the level is a pure function of the request's tier and
the answers, re-evaluated as the supplier answers; at submission it is kept with the declaration.

Plain Python: no Flask, no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

CORE, MEDIUM, HIGH = "core", "medium", "high"
LEVELS = (CORE, MEDIUM, HIGH)  # shortest first, as domain.questionnaire.FORM_LEVELS
SME_MAX_HEADCOUNT = 249
SME_TURNOVER_BANDS = frozenset({"under-36m"})


def is_sme(answers: Mapping[str, Any]) -> bool:
    headcount = answers.get("org_headcount")
    return (
        isinstance(headcount, int) and not isinstance(headcount, bool)
        and 0 <= headcount <= SME_MAX_HEADCOUNT
        and answers.get("org_turnover_band") in SME_TURNOVER_BANDS
    )


def is_vcse(answers: Mapping[str, Any]) -> bool:
    return answers.get("org_vcse") == "yes"


def form_level(tier: str | None, answers: Mapping[str, Any]) -> str:
    """The form level for a request of risk `tier` ("high" | "medium" | "low" | None)."""
    if tier == "high":
        return HIGH
    if tier == "low":
        return CORE
    if is_sme(answers) or is_vcse(answers):
        return CORE
    return MEDIUM


def asks_enough(asked: str | None, needed: str | None) -> bool:
    """Whether a declaration asked at level `asked` answers a request that needs `needed`: a
    short-form declaration does not answer a high-risk tender's request. None asked is the
    whole questionnaire (a version without levels); None needed asks nothing more."""
    if asked is None or needed is None:
        return True
    return LEVELS.index(asked) >= LEVELS.index(needed)


def form_level_reason(tier: str | None, answers: Mapping[str, Any]) -> str:
    """One sentence telling the supplier why they get the form they get."""
    if tier == "high":
        return ("This is the full form because the council rates this work as high risk of "
                "modern slavery.")
    if tier == "low":
        return "This is the short form because the council rates this work as low risk."
    if is_vcse(answers):
        return ("This is the short form because you told us you are a voluntary, community or "
                "social enterprise.")
    if is_sme(answers):
        return ("This is the short form because you told us you have fewer than 250 workers "
                "and a turnover under £36 million.")
    rated = ("the council rates this work as medium risk" if tier == "medium"
             else "the council has not rated this work as low risk")
    return (f"This is the longer form because {rated}, and you have not told us you are a small "
            "business or a voluntary, community or social enterprise.")
