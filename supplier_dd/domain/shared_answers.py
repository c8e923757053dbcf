"""Which of a supplier's other requests one declaration can also answer.

A supplier asked for an annual declaration and for one for a tender answers once. Pure rules
over plain values; the service finds the requests and passes their facts in.
"""

from __future__ import annotations

from supplier_dd.domain.tenders import TenderStatus


def can_also_answer(*, same_questionnaire: bool, kind: str, tender_status: str | None,
                    asks_enough: bool = True) -> bool:
    """Whether a waiting request (not withdrawn, nothing declared or drafted for it: a draft is
    the supplier's own answer in progress, so it is left to that draft) can be answered by a
    declaration made for another request: to the same questionnaire, and a tender's request
    only while the tender is open (a closed tender's bidders were asked by its closing date).
    `asks_enough`: the declaration's proportionate form asked at least what the request's
    would (questionnaire v2: a short form does not answer a high-risk tender)."""
    if not same_questionnaire or not asks_enough:
        return False
    if kind == "tender":
        return tender_status == TenderStatus.OPEN
    return True
