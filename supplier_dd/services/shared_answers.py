"""One declaration answering several of a supplier's open requests to the council.

When a supplier submits, each of its other requests from the same council that the declaration
can satisfy (`domain.shared_answers.can_also_answer`) gets a `SharedAnswer` row, audited, in the
same transaction. Another council's requests are answered only with the supplier's consent
(services.sharing, issue 17), never here. The declaration itself, its request and its seal are
unchanged, so declarations submitted before this existed, and their audit chain, read and verify
as they always did.
Called by `services.declarations.submit`; calls no service but audit.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, selectinload

from supplier_dd.database import hold_until_commit
from supplier_dd.domain.form_level import asks_enough, form_level
from supplier_dd.domain.shared_answers import can_also_answer
from supplier_dd.models import Declaration, DeclarationRequest, SharedAnswer
from supplier_dd.models.declaration import STATUS_SUBMITTED
from supplier_dd.services import audit
from supplier_dd.services.form_levels import form_level_of, request_tier


def answers_request(declaration: Declaration, request: DeclarationRequest) -> bool:
    """Whether `declaration` can answer `request` (the rules of `can_also_answer`, with the
    request's facts and whether the declaration's form asked enough for it)."""
    return can_also_answer(
        same_questionnaire=request.questionnaire_id == declaration.questionnaire_id,
        kind=request.kind,
        tender_status=request.tender.status if request.tender is not None else None,
        asks_enough=asks_enough(form_level_of(declaration),
                                form_level(request_tier(request), declaration.answers or {})))


def waiting_for_an_answer(*criteria):
    """A statement for requests still waiting: not withdrawn, with no declaration or draft of
    their own and not already answered by another declaration."""
    has_declaration = exists().where(Declaration.request_id == DeclarationRequest.id)
    answered = exists().where(SharedAnswer.request_id == DeclarationRequest.id)
    return (
        select(DeclarationRequest)
        .where(DeclarationRequest.withdrawn_at.is_(None), ~has_declaration, ~answered,
               *criteria)
        .options(selectinload(DeclarationRequest.tender),
                 selectinload(DeclarationRequest.contract))
        .order_by(DeclarationRequest.due_date, DeclarationRequest.id)
    )


def requests_also_answered(session: Session, declaration: Declaration,
                           fresh: bool = False) -> list[DeclarationRequest]:
    """The supplier's other requests from the same council this declaration would answer if
    submitted now, by due date: those still waiting (not withdrawn, no declaration or draft of
    their own, not already answered) that `can_also_answer`. Another council's requests are
    never among them: answering those needs the supplier's consent (services.sharing), even
    on the supplier's own pages, which act for no council. `fresh` re-reads the rows (after a
    lock)."""
    if declaration.request_id is None or declaration.request is None:
        return []
    statement = waiting_for_an_answer(
        DeclarationRequest.supplier_id == declaration.supplier_id,
        DeclarationRequest.id != declaration.request_id,
        DeclarationRequest.council_id == declaration.request.council_id)
    if fresh:
        statement = statement.execution_options(populate_existing=True)
    return [request for request in session.scalars(statement)
            if answers_request(declaration, request)]


def answer_other_requests(session: Session, declaration: Declaration, now: datetime,
                          actor: audit.Actor) -> list[DeclarationRequest]:
    """Mark every request the just-submitted declaration can also answer as answered by it.
    The supplier's requests are held until commit first, so two declarations submitted at once
    cannot both claim one request: the second finds it answered."""
    hold_until_commit(session, DeclarationRequest.note,
                      DeclarationRequest.supplier_id == declaration.supplier_id)
    answered = requests_also_answered(session, declaration, fresh=True)
    for request in answered:
        # Stamped with the request's council: the supplier's own session acts for none.
        session.add(SharedAnswer(request=request, declaration_id=declaration.id,
                                 answered_at=now, council_id=request.council_id))
    session.flush()
    for request in answered:
        audit.record(session, "declaration_request.answered", actor, now,
                     object_type="declaration_request", object_id=request.id,
                     after={"declaration_id": declaration.id, "answered_at": now.isoformat(),
                            "declaration_request_id": declaration.request_id},
                     council_id=request.council_id)
    return answered


def answering_declaration(request: DeclarationRequest) -> Declaration | None:
    """The declaration that answers a request through another one, as it stands now: the
    latest submitted version made for that other request (a new version replaces the one that
    first answered), else the one that answered. A declaration shared with another council
    under consent stays the one shared: the council relied on what it was given, and a later
    version is shared only if the supplier shares it."""
    answer = request.shared_answer
    if answer is None:
        return None
    declaration = answer.declaration
    if answer.consent_id is not None:
        return declaration
    own_request = declaration.request
    if own_request is not None:
        submitted = [d for d in own_request.declarations if d.status == STATUS_SUBMITTED]
        if submitted:
            return submitted[-1]
    return declaration


def requests_answered_by(session: Session, declaration: Declaration
                         ) -> list[DeclarationRequest]:
    """The other requests a submitted declaration (or the earlier version it replaced) answers."""
    ids = [declaration.id]
    earlier = declaration.supersedes
    while earlier is not None:
        ids.append(earlier.id)
        earlier = earlier.supersedes
    return list(session.scalars(
        select(DeclarationRequest)
        .join(SharedAnswer, SharedAnswer.request_id == DeclarationRequest.id)
        .where(SharedAnswer.declaration_id.in_(ids))
        .options(selectinload(DeclarationRequest.tender),
                 selectinload(DeclarationRequest.contract))
        .order_by(DeclarationRequest.due_date, DeclarationRequest.id)
    ))
