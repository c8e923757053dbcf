"""Tenders from creation to award: the tender's details, its bidders (existing suppliers or new
ones, who are invited), declaration requests to every bidder at once, the bidders' standing
against the closing date, the award (a contract and a re-attestation cycle) and closing.

Every change is audited in the caller's transaction. Functions flush, never commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from supplier_dd.domain import tenders as rules
from supplier_dd.domain.ppn import ppn_category_for
from supplier_dd.domain.schedule import DueReason
from supplier_dd.domain.tenders import TenderRuleError, TenderStatus, bidder_declaration
from supplier_dd.models import (
    AttestationSchedule,
    Contract,
    DeclarationRequest,
    Invitation,
    RemovedBidder,
    Supplier,
    Tender,
    User,
)
from supplier_dd.models.declaration import STATUS_DRAFT, STATUS_SUBMITTED
from supplier_dd.services import InvalidField, ServiceError, audit, outbox
from supplier_dd.services import declarations as declaration_service
from supplier_dd.services.invitations import create_invitation
from supplier_dd.services.reminders import local_date, record_contract_event
from supplier_dd.services.risk import REASON_CONTRACTS, rescore_suppliers
from supplier_dd.services.sharing import consent_answer
from supplier_dd.services.suppliers import SupplierDetails, create_supplier, supplier_snapshot


@dataclass(frozen=True)
class TenderDetails:
    reference: str
    title: str
    description: str
    category: str
    cpv_code: str
    value: Decimal | None
    procurement_route: str
    risk_tier: str
    closing_date: date | None
    lot: str


def tender_snapshot(tender: Tender) -> dict:
    """The fields an audit entry records before and after a change."""
    return {
        "reference": tender.reference, "title": tender.title, "description": tender.description,
        "category": tender.category, "cpv_code": tender.cpv_code, "value": tender.value,
        "procurement_route": tender.procurement_route, "risk_tier": tender.risk_tier,
        "closing_date": tender.closing_date, "lot": tender.lot, "status": tender.status,
    }


def _apply(session: Session, tender: Tender, details: TenderDetails) -> None:
    reference = " ".join((details.reference or "").split())
    title = " ".join((details.title or "").split())
    if not reference:
        raise InvalidField("reference", "Enter the tender's reference")
    if not title:
        raise InvalidField("title", "Enter the tender's title")
    if details.procurement_route not in dict(rules.PROCUREMENT_ROUTES):
        raise InvalidField("procurement_route", "Select the procurement route")
    if details.risk_tier not in dict(rules.RISK_TIERS):
        raise InvalidField("risk_tier", "Select the modern slavery risk tier")
    # References are unique in the council's records; compared case-blind, as people type them.
    clash = session.scalar(
        select(Tender).where(func.lower(Tender.reference) == reference.lower(),
                             Tender.id != (tender.id or -1))
    )
    if clash is not None:
        raise InvalidField("reference", f"Reference {clash.reference} is already used by the "
                                        f"tender ‘{clash.title}’; enter a different reference")
    tender.reference = reference
    tender.title = title
    tender.description = (details.description or "").strip() or None
    tender.category = " ".join((details.category or "").split()) or None
    tender.cpv_code = "".join((details.cpv_code or "").split()) or None
    tender.value = details.value
    tender.procurement_route = details.procurement_route
    tender.risk_tier = details.risk_tier
    tender.closing_date = details.closing_date
    tender.lot = " ".join((details.lot or "").split()) or None


def create_tender(session: Session, details: TenderDetails, now: datetime,
                  actor: audit.Actor) -> Tender:
    if details.closing_date is None:
        raise InvalidField("closing_date", "Enter the closing date")
    try:
        rules.check_closing_date(details.closing_date, local_date(now))
    except ValueError as error:
        raise InvalidField("closing_date", str(error)) from None
    tender = Tender(status=TenderStatus.OPEN.value)
    _apply(session, tender, details)
    session.add(tender)
    session.flush()
    audit.record(session, "tender.created", actor, now, object_type="tender",
                 object_id=tender.id, after=tender_snapshot(tender))
    return tender


def update_tender(session: Session, tender: Tender, details: TenderDetails, now: datetime,
                  actor: audit.Actor) -> Tender:
    """Change the details. A closing date already past may stay (the tender has closed to
    bids); it cannot be cleared."""
    _check(rules.check_can_change, tender.status)
    if details.closing_date is None:
        raise InvalidField("closing_date", "Enter the closing date")
    before = tender_snapshot(tender)
    _apply(session, tender, details)
    session.flush()
    after = tender_snapshot(tender)
    if after != before:
        audit.record(session, "tender.updated", actor, now, object_type="tender",
                     object_id=tender.id, before=before, after=after)
    return tender


def tender_by_reference(session: Session, reference: str) -> Tender | None:
    """The tender with this reference, compared case-blind as references are kept unique."""
    reference = " ".join((reference or "").split())
    return session.scalar(select(Tender).where(func.lower(Tender.reference) == reference.lower()))


def _check(rule: Callable, *args) -> None:
    try:
        rule(*args)
    except TenderRuleError as error:
        raise ServiceError(str(error)) from None


def locked(session: Session, tender_id: int) -> Tender | None:
    """The tender, locked for this transaction, so two officers cannot award or close it at the
    same moment."""
    return session.scalar(select(Tender).where(Tender.id == tender_id).with_for_update())


# --- bidders ----------------------------------------------------------------------------------

def _invite(session: Session, tender: Tender, supplier: Supplier, now: datetime,
            actor: audit.Actor) -> None:
    tender.invited_suppliers.append(supplier)
    session.flush()
    audit.record(session, "tender.bidder_added", actor, now, object_type="tender",
                 object_id=tender.id, after={"supplier_id": supplier.id,
                                             "supplier_name": supplier.name})


def add_existing_bidder(session: Session, tender: Tender, supplier_id: int, now: datetime,
                        actor: audit.Actor) -> tuple[Supplier, bool]:
    """Add a supplier already on record. Returns it and whether it was new to the tender."""
    _check(rules.check_can_invite, tender.status)
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        raise ServiceError("That supplier was not found; search again")
    if supplier in tender.invited_suppliers:
        return supplier, False
    _invite(session, tender, supplier, now, actor)
    return supplier, True


@dataclass(frozen=True)
class NewBidder:
    name: str
    companies_house_number: str
    contact_name: str
    contact_email: str


def add_new_bidder(session: Session, tender: Tender, bidder: NewBidder, invited_by: User | None,
                   now: datetime, valid_hours: int, actor: audit.Actor
                   ) -> tuple[Supplier, Invitation, str]:
    """Create the supplier (rated at once, as any new supplier), add it to the tender and invite
    its contact. Returns the supplier, the invitation and its token for the email link. Any
    refusal leaves nothing behind once the caller rolls back."""
    _check(rules.check_can_invite, tender.status)
    if not (bidder.name or "").strip():
        raise InvalidField("name", "Enter the bidder's legal name")
    if not (bidder.companies_house_number or "").strip():
        raise InvalidField("companies_house_number", "Enter the Companies House number")
    try:
        supplier = create_supplier(session, SupplierDetails(
            name=bidder.name, companies_house_number=bidder.companies_house_number,
            country="GB", sector=None, turnover_band=None), now=now)
    except ServiceError as error:  # the name is given, so it is about the number
        raise InvalidField("companies_house_number", str(error)) from None
    audit.record(session, "supplier.created", actor, now, object_type="supplier",
                 object_id=supplier.id, after=supplier_snapshot(supplier))
    try:
        invitation, token = create_invitation(session, supplier, bidder.contact_email,
                                              bidder.contact_name, invited_by, now, valid_hours)
    except ServiceError as error:
        raise InvalidField("contact_email", str(error)) from None
    audit.record(session, "invitation.created", actor, now, object_type="invitation",
                 object_id=invitation.id,
                 after={"email": invitation.email, "supplier_id": supplier.id,
                        "expires_at": invitation.expires_at})
    _invite(session, tender, supplier, now, actor)
    return supplier, invitation, token


# --- declaration requests ---------------------------------------------------------------------

@dataclass(frozen=True)
class RequestMail:
    """What the request email needs from outside: rendering and the portal's address."""

    council_name: str
    render: Callable[..., object]  # mail.render_email(name, **context) -> RenderedEmail
    portal_link: str
    # Where a supplier stops sharing its declaration with the council (issue 17).
    councils_link: str = ""


def request_recipients(session: Session, supplier_id: int, now: datetime) -> list[str]:
    """Who hears of a request: the supplier's active contacts, and anyone invited who has not
    set a password yet (a new bidder's only contact)."""
    accounts = session.scalars(
        select(User.email).where(User.supplier_id == supplier_id, User.active.is_(True))
    ).all()
    invited = session.scalars(
        select(Invitation.email).where(Invitation.supplier_id == supplier_id,
                                       Invitation.accepted_at.is_(None),
                                       Invitation.expires_at > now)
    ).all()
    return sorted(set(accounts) | set(invited))


def request_declarations(session: Session, tender: Tender, due_date: date,
                         requested_by: User | None, now: datetime, note: str,
                         mail: RequestMail, actor: audit.Actor) -> tuple[int, list[str]]:
    """One request per bidder (the existing natural key: asking again adds only bidders not
    asked before) and an email to each new request's contacts, through the outbox. Returns how
    many requests were made and the outbox keys queued."""
    _check(rules.check_can_invite, tender.status)
    # A request withdrawn when its bidder was removed is asked again if the bidder is back.
    asked_before = set(session.scalars(
        select(DeclarationRequest.id).where(DeclarationRequest.tender_id == tender.id,
                                            DeclarationRequest.withdrawn_at.is_(None))))
    made, created = declaration_service.request_for_tender(
        session, tender, due_date, requested_by, now, note, actor=actor)
    new = [record for record in made if record.id not in asked_before]
    messages = []
    for record in new:
        shared = consent_answer(record)
        for recipient in request_recipients(session, record.supplier_id, now):
            if shared is not None:
                # Answered at once under the bidder's consent to share (services.sharing).
                email = mail.render(
                    "declaration_shared_by_consent", council_name=mail.council_name,
                    supplier_name=record.supplier.name,
                    title=f"Tender {tender.reference}: {tender.title}",
                    declared_on=f"{shared.declaration.submitted_at:%-d %B %Y}",
                    link=mail.councils_link or mail.portal_link)
            else:
                email = mail.render(
                    "tender_declaration_request", council_name=mail.council_name,
                    supplier_name=record.supplier.name, tender=tender, due_date=due_date,
                    note=record.note, link=mail.portal_link,
                )
            messages.append(outbox.NewMessage(
                f"declaration-request:{record.id}:{recipient}", "declaration_request",
                recipient, email.subject, email.text, email.html))
    queued = outbox.enqueue_many(session, messages, now)
    return created, sorted(queued)


# --- the bidders' standing ---------------------------------------------------------------------

@dataclass(frozen=True)
class BidderRow:
    supplier: Supplier
    request: DeclarationRequest | None
    declaration_id: int | None
    standing: rules.BidderDeclaration
    # The request the bidder's declaration was made for, when it answers this one too.
    answered_with: str | None = None


def bidder_rows(session: Session, tender: Tender) -> list[BidderRow]:
    requests = {
        row.supplier_id: row for row in session.scalars(
            select(DeclarationRequest)
            .where(DeclarationRequest.tender_id == tender.id,
                   DeclarationRequest.kind == "tender")
            .options(selectinload(DeclarationRequest.declarations),
                     selectinload(DeclarationRequest.shared_answer))
        )
    }
    rows = []
    for supplier in tender.invited_suppliers:
        request = requests.get(supplier.id)
        declarations = request.declarations if request is not None else []
        submitted = [d for d in declarations if d.submitted_at is not None
                     and d.status != STATUS_DRAFT]
        first = min(submitted, key=lambda d: d.submitted_at) if submitted else None
        declared_at = first.submitted_at if first is not None else None
        shared = request.shared_answer if request is not None else None
        if declared_at is None and shared is not None:
            declared_at = shared.answered_at
        latest = declaration_service.current_declaration(request) if request else None
        standing = bidder_declaration(
            requested=request is not None,
            draft_started=any(d.status == STATUS_DRAFT for d in declarations),
            declared_on=local_date(declared_at) if declared_at is not None else None,
            closing_date=tender.closing_date,
        )
        rows.append(BidderRow(supplier, request,
                              latest.id if latest is not None
                              and latest.status == STATUS_SUBMITTED else None, standing,
                              declaration_service.answered_with(request, latest)
                              if request is not None else None))
    return rows


# --- removing a bidder ---------------------------------------------------------------------------

def _open_request(session: Session, tender: Tender, supplier_id: int
                  ) -> DeclarationRequest | None:
    """The bidder's tender request if it still waits for an answer (nothing submitted for it,
    not answered by another declaration, not withdrawn already)."""
    request = session.scalar(
        select(DeclarationRequest).where(DeclarationRequest.tender_id == tender.id,
                                         DeclarationRequest.supplier_id == supplier_id,
                                         DeclarationRequest.kind == "tender"))
    if request is None or request.withdrawn_at is not None or request.shared_answer is not None:
        return None
    if any(d.status != STATUS_DRAFT for d in request.declarations):
        return None
    return request


def remove_bidder(session: Session, tender: Tender, supplier_id: int, reason: str,
                  officer: User | None, now: datetime, actor: audit.Actor
                  ) -> tuple[RemovedBidder, DeclarationRequest | None]:
    """Take a bidder off a tender before award. Its tender request, if still open, is withdrawn
    (a draft for it can no longer be submitted); a declaration already made is kept. Returns
    the removal and the withdrawn request (the caller tells the supplier)."""
    _check(rules.check_can_remove_bidder, tender.status)
    supplier = next((s for s in tender.invited_suppliers if s.id == supplier_id), None)
    if supplier is None:
        raise ServiceError("That supplier is not a bidder on this tender")
    reason = (reason or "").strip()
    request = _open_request(session, tender, supplier.id)
    tender.invited_suppliers.remove(supplier)
    removal = RemovedBidder(tender=tender, supplier=supplier, removed_at=now, removed_by=officer,
                            reason=reason, request_withdrawn=request is not None)
    session.add(removal)
    if request is not None:
        request.withdrawn_at = now
    session.flush()
    audit.record(session, "tender.bidder_removed", actor, now, object_type="tender",
                 object_id=tender.id, before={"supplier_id": supplier.id,
                                              "supplier_name": supplier.name},
                 details={"reason": reason,
                          "withdrawn_request_id": request.id if request is not None else None})
    if request is not None:
        audit.record(session, "declaration_request.withdrawn", actor, now,
                     object_type="declaration_request", object_id=request.id,
                     before={"withdrawn_at": None}, after={"withdrawn_at": now.isoformat()},
                     details={"tender_id": tender.id, "reason": reason})
    return removal, request


def removed_bidders(session: Session, tender: Tender) -> list[RemovedBidder]:
    return list(session.scalars(
        select(RemovedBidder).where(RemovedBidder.tender_id == tender.id)
        .options(selectinload(RemovedBidder.supplier), selectinload(RemovedBidder.removed_by))
        .order_by(RemovedBidder.removed_at.desc(), RemovedBidder.id.desc())))


# --- award and close ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Award:
    supplier_id: int | None
    contract_reference: str
    value: Decimal
    start_date: date
    end_date: date


def award(session: Session, tender: Tender, details: Award, officer: User | None, now: datetime,
          actor: audit.Actor) -> tuple[Contract, AttestationSchedule]:
    """Award to one bidder: the contract (the same record a contracts register import updates
    by its reference), the supplier's re-attestation for a new contract, and its score again
    (inherent risk reads its contracts). The tender is closed by the award."""
    bidder_ids = {supplier.id for supplier in tender.invited_suppliers}
    try:
        rules.check_can_award(tender.status, bidder_ids, details.supplier_id)
    except TenderRuleError as error:
        raise InvalidField("supplier", str(error)) from None
    reference = " ".join((details.contract_reference or "").split())
    if not reference:
        raise InvalidField("contract_reference", "Enter the contract's reference")
    if session.scalar(select(Contract.id).where(Contract.reference == reference)) is not None:
        raise InvalidField("contract_reference",
                           f"A contract with the reference {reference} already exists; "
                           "enter a different reference")
    try:
        rules.check_contract_dates(details.start_date, details.end_date)
    except ValueError as error:
        raise InvalidField("end_date", str(error)) from None
    industry, high_risk = ppn_category_for(tender.category, tender.cpv_code)
    contract = Contract(
        reference=reference, title=tender.title, category=tender.category,
        cpv_code=tender.cpv_code, value=details.value, start_date=details.start_date,
        end_date=details.end_date, supplier_id=details.supplier_id, ppn_industry=industry,
        ppn_high_risk=high_risk,
    )
    session.add(contract)
    session.flush()
    before = tender_snapshot(tender)
    tender.contract = contract
    tender.status = TenderStatus.AWARDED.value
    tender.awarded_at = now
    tender.closed_at = tender.closed_at or now
    session.flush()
    schedule = record_contract_event(
        session, supplier_id=details.supplier_id, event=DueReason.CONTRACT_AWARD,
        event_on=local_date(now), now=now, note=f"Tender {tender.reference} awarded",
        responsible_officer_id=officer.id if officer is not None else None,
    )
    rescore_suppliers(session, [details.supplier_id], now, reason=REASON_CONTRACTS)
    audit.record(session, "tender.awarded", actor, now, object_type="tender",
                 object_id=tender.id, before=before, after=tender_snapshot(tender),
                 details={"supplier_id": details.supplier_id, "contract_id": contract.id,
                          "contract_reference": contract.reference, "value": contract.value,
                          "start_date": contract.start_date, "end_date": contract.end_date,
                          "reattestation_due_on": schedule.due_on})
    return contract, schedule


def close(session: Session, tender: Tender, now: datetime, actor: audit.Actor) -> Tender:
    """No more bidders or requests. Bidders already asked can still declare; the tender can
    still be awarded."""
    _check(rules.check_can_close, tender.status)
    before = tender_snapshot(tender)
    tender.status = TenderStatus.CLOSED.value
    tender.closed_at = now
    session.flush()
    audit.record(session, "tender.closed", actor, now, object_type="tender",
                 object_id=tender.id, before=before, after=tender_snapshot(tender))
    return tender


def list_tenders(session: Session) -> list[Tender]:
    return list(session.scalars(
        select(Tender).order_by(Tender.closing_date.desc().nulls_last(), Tender.id.desc())
    ))
