"""Which proportionate form a declaration asks (questionnaire v2, issue 16): the tier of what
the council asks about, and the level that follows from it and the supplier's answers
(domain.form_level)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import object_session

from supplier_dd.domain.form_level import form_level
from supplier_dd.domain.questionnaire import load_questionnaire
from supplier_dd.models import Declaration, DeclarationRequest, Tender


def request_tier(request: DeclarationRequest | None) -> str | None:
    """The risk tier of what the council asks about: the tender's; for a contract, the tier of
    the tender that awarded it, else "high" for a PPN 02/23 high-risk industry; else none."""
    if request is None:
        return None
    if request.tender is not None:
        return request.tender.risk_tier
    contract = request.contract
    if contract is None:
        return None
    session = object_session(request)
    awarded_by = session.scalar(
        select(Tender.risk_tier).where(Tender.contract_id == contract.id)
    ) if session is not None else None
    if awarded_by:
        return awarded_by
    return "high" if contract.ppn_high_risk else None


def form_level_of(declaration: Declaration) -> str | None:
    """A draft's level follows its request's tier and its answers (domain.form_level); a
    submitted declaration keeps the level it was submitted at. None: the whole questionnaire
    (a version without levels, such as v1)."""
    questionnaire = load_questionnaire(declaration.questionnaire_id,
                                       declaration.questionnaire_version)
    if not questionnaire.has_levels:
        return None
    if not declaration.is_draft:
        return declaration.form_level
    return form_level(request_tier(declaration.request), declaration.answers or {})
