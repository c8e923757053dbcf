"""Tell us once across councils (issue 17): a supplier shares its submitted declaration, with
its consent, with another council that asks, and may withdraw that consent for the future.

A declaration belongs to no council; each council sees those made for its own requests and
those shared with it (`SharedAnswer` rows carrying the council, models.tenancy). Sharing one:
- records the supplier's consent for that council (`SharingConsent`, one active at a time),
- answers the council's request with the declaration as it was signed (a `SharedAnswer` with
  the consent: the council relies on that version, byte for byte, never a later one),
- and scores it for that council from its own contracts, completing its re-attestation cycle,
  just as a submission for the council's own request would.
While the consent stands, each new request from the council is answered the same way at once
(`answer_under_standing_consent`, called wherever a request is made). Withdrawing stops that;
what was shared stays, as the council's evidence.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.database import hold_until_commit
from supplier_dd.models import Declaration, DeclarationRequest, SharedAnswer, User
from supplier_dd.models.council import SharingConsent
from supplier_dd.models.declaration import STATUS_SUBMITTED
from supplier_dd.models.tenancy import across_councils, acting_for
from supplier_dd.services import ServiceError, audit
from supplier_dd.services.reliance import assess_for_acting_council
from supplier_dd.services.shared_answers import answers_request, waiting_for_an_answer


def waiting_request(session: Session, request_id: int, supplier_id: int
                    ) -> DeclarationRequest | None:
    """The supplier's request if it is still waiting for an answer (read afresh)."""
    return session.scalar(across_councils(waiting_for_an_answer(
        DeclarationRequest.id == request_id, DeclarationRequest.supplier_id == supplier_id,
    )).execution_options(populate_existing=True))


def shareable_declaration(session: Session, request: DeclarationRequest) -> Declaration | None:
    """The supplier's current submitted declaration made for another council's request that
    can answer this one (the newest such), else None."""
    candidates = session.scalars(across_councils(
        select(Declaration)
        .join(DeclarationRequest, DeclarationRequest.id == Declaration.request_id)
        .where(Declaration.supplier_id == request.supplier_id,
               Declaration.status == STATUS_SUBMITTED,
               DeclarationRequest.council_id != request.council_id)
        .order_by(Declaration.submitted_at.desc(), Declaration.id.desc())
    ))
    return next((d for d in candidates if answers_request(d, request)), None)


def _declaration(session: Session, declaration_id: int) -> Declaration:
    """The declaration being shared, read while acting for a council that does not see it
    yet (it is made for another council's request)."""
    # A SELECT, not session.get: refreshing the loaded row in place would apply the council's
    # rules (models.tenancy), find nothing, and let go of the caller's object.
    statement = select(Declaration).where(Declaration.id == declaration_id)
    return session.scalar(across_councils(statement).execution_options(populate_existing=True))


def active_consent(session: Session, supplier_id: int, council_id: int
                   ) -> SharingConsent | None:
    return session.scalar(
        select(SharingConsent)
        .where(SharingConsent.supplier_id == supplier_id,
               SharingConsent.council_id == council_id,
               SharingConsent.withdrawn_at.is_(None))
        .order_by(SharingConsent.id.desc()).limit(1))


def _hold_request(session: Session, request: DeclarationRequest) -> None:
    """Two shares of one request at once (a double click, two contacts): the second waits,
    then finds the request answered."""
    hold_until_commit(session, DeclarationRequest.note, DeclarationRequest.id == request.id)


def _answer(session: Session, request: DeclarationRequest, declaration: Declaration,
            consent: SharingConsent, now: datetime, actor: audit.Actor) -> SharedAnswer:
    """Answer the request with the shared declaration and score it for the request's council.
    Called acting for that council."""
    answer = SharedAnswer(request_id=request.id, declaration_id=declaration.id,
                          answered_at=now, council_id=request.council_id,
                          consent_id=consent.id)
    session.add(answer)
    session.flush()
    audit.record(session, "declaration_request.answered", actor, now,
                 object_type="declaration_request", object_id=request.id,
                 after={"declaration_id": declaration.id, "answered_at": now.isoformat(),
                        "declaration_request_id": declaration.request_id,
                        "consent_id": consent.id, "council_id": request.council_id},
                 council_id=request.council_id)
    assess_for_acting_council(session, declaration, now)
    return answer


def share_declaration(session: Session, request_id: int, declaration_id: int,
                      supplier_id: int, user: User | None, now: datetime,
                      actor: audit.Actor) -> SharedAnswer:
    """The supplier shares its declaration with the council that made the request: consent
    given (or the active one reused), the request answered, the council's assessment made."""
    request = waiting_request(session, request_id, supplier_id)
    if request is None:
        raise ServiceError("This request has already been answered or is no longer asked")
    _hold_request(session, request)
    request = waiting_request(session, request_id, supplier_id)
    if request is None:
        raise ServiceError("This request has already been answered or is no longer asked")
    declaration = shareable_declaration(session, request)
    if declaration is None or declaration.id != declaration_id:
        raise ServiceError("That declaration can no longer answer this request: "
                           "start a new declaration instead")
    council_id, declaration_id = request.council_id, declaration.id
    with acting_for(session, council_id):
        consent = active_consent(session, supplier_id, council_id)
        if consent is None:
            consent = SharingConsent(supplier_id=supplier_id, council_id=council_id,
                                     declaration_id=declaration_id, granted_at=now,
                                     granted_by_id=user.id if user is not None else None)
            session.add(consent)
            session.flush()
            audit.record(session, "sharing_consent.granted", actor, now,
                         object_type="sharing_consent", object_id=consent.id,
                         after={"supplier_id": supplier_id, "council_id": council_id,
                                "declaration_id": declaration_id,
                                "granted_at": now.isoformat()},
                         council_id=council_id)
        request = session.get(DeclarationRequest, request_id)
        answer = _answer(session, request, _declaration(session, declaration_id), consent,
                         now, actor)
    return answer


def answer_under_standing_consent(session: Session, request: DeclarationRequest,
                                  now: datetime, actor: audit.Actor) -> SharedAnswer | None:
    """A new request from a council the supplier shares with is answered at once by the
    supplier's current declaration, if it can answer it; None when there is no active consent
    or no such declaration (the request is asked as usual)."""
    if request.withdrawn_at is not None:
        return None
    consent = active_consent(session, request.supplier_id, request.council_id)
    if consent is None:
        return None
    declaration = shareable_declaration(session, request)
    if declaration is None:
        return None
    with acting_for(session, request.council_id):
        request = session.get(DeclarationRequest, request.id)
        waiting = session.scalar(waiting_for_an_answer(DeclarationRequest.id == request.id))
        if waiting is None:
            return None
        return _answer(session, request, _declaration(session, declaration.id),
                       session.get(SharingConsent, consent.id), now, actor)


def consent_answer(request: DeclarationRequest) -> SharedAnswer | None:
    """The answer a request got under the supplier's consent to share, if that is how it was
    answered."""
    answer = request.shared_answer
    return answer if answer is not None and answer.consent_id is not None else None


def withdraw_consent(session: Session, supplier_id: int, council_id: int, user: User | None,
                     now: datetime, actor: audit.Actor) -> SharingConsent:
    """Stop sharing with the council from now on. What was shared stays with the council."""
    hold_until_commit(session, SharingConsent.withdrawn_at,
                      SharingConsent.supplier_id == supplier_id,
                      SharingConsent.council_id == council_id)
    consent = active_consent(session, supplier_id, council_id)
    if consent is None:
        raise ServiceError("You are not sharing your declaration with this council")
    consent.withdrawn_at = now
    consent.withdrawn_by_id = user.id if user is not None else None
    session.flush()
    audit.record(session, "sharing_consent.withdrawn", actor, now,
                 object_type="sharing_consent", object_id=consent.id,
                 before={"withdrawn_at": None},
                 after={"supplier_id": supplier_id, "council_id": council_id,
                        "withdrawn_at": now.isoformat()},
                 council_id=council_id)
    return consent
