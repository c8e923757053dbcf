"""Declaration requests in bulk, by rule (issue 15).

Which suppliers a rule matches is one SQL query (`matching`). An officer previews the list,
confirms it, and `start_campaign` freezes it in a campaign: the same confirmation sent again (a
double click, a second tab, a replayed form) finds the campaign the first one made, because
its key is unique. The scheduler's `queue_batch` then asks a few suppliers a minute: one
request each (keyed by the campaign) and its emails through the outbox, an invitation first
for a supplier with nobody signed up. A supplier that already has an open request for a
declaration is skipped, at confirmation and again when its turn comes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import case, exists, func, insert, literal, or_, select
from sqlalchemy.orm import Session, aliased

from supplier_dd.database import hold_until_commit, insert_ignoring_duplicates
from supplier_dd.domain import bulk_requests as rules
from supplier_dd.domain.ppn import industries
from supplier_dd.domain.risk.model import RESIDUAL_BANDS
from supplier_dd.models import (
    BulkCampaign,
    BulkCampaignSupplier,
    Contract,
    Declaration,
    DeclarationRequest,
    Invitation,
    Supplier,
    SupplierRiskSummary,
    User,
)
from supplier_dd.models.declaration import ANSWERED_STATUSES as ANSWERED
from supplier_dd.models.risk import AssessmentReview, RiskAssessment
from supplier_dd.models.tenancy import council_for_insert
from supplier_dd.services import ServiceError, audit, outbox
from supplier_dd.services.declarations import request_for_campaign
from supplier_dd.services.invitations import create_invitation
from supplier_dd.services.notifications import Mailer, declaration_requested, supplier_contacts

HIGH_RANK = RESIDUAL_BANDS.index("High")  # Critical and knock-outs rank above it


def high_risk_industries() -> dict[str, str]:
    return {key: item.label for key, item in industries().items() if item.high_risk}


# --- Which suppliers a rule matches --------------------------------------------------------------


def _answered(request_id):
    return exists().where(Declaration.request_id == request_id,
                          Declaration.status.in_(ANSWERED))


def _open_requests(supplier_id):
    """The supplier's annual requests not yet answered, oldest first: a campaign asks for an
    annual declaration, so one of these is the same request already made."""
    open_request = aliased(DeclarationRequest)
    return (select(open_request.id)
            .where(open_request.supplier_id == supplier_id, open_request.kind == "annual",
                   ~_answered(open_request.id))
            .order_by(open_request.id).limit(1))


def _rule_condition(rule: rules.Rule, today: date):
    if rule.key == rules.RULE_HIGH_RISK_CONTRACTS:
        live = [Contract.supplier_id == Supplier.id, Contract.ppn_high_risk.is_(True),
                Contract.value >= rule.min_value,
                or_(Contract.start_date.is_(None), Contract.start_date <= today),
                or_(Contract.end_date.is_(None), Contract.end_date >= today)]
        if rule.industry:
            live.append(Contract.ppn_industry == rule.industry)
        return exists().where(*live)
    if rule.key == rules.RULE_HIGH_RATING:
        return exists().where(SupplierRiskSummary.supplier_id == Supplier.id,
                              SupplierRiskSummary.residual_rank >= HIGH_RANK)
    if rule.key == rules.RULE_OVERDUE_OR_MISSING:
        late = aliased(DeclarationRequest)
        return or_(
            ~exists().where(Declaration.supplier_id == Supplier.id,
                            Declaration.status.in_(ANSWERED)),
            exists().where(SupplierRiskSummary.supplier_id == Supplier.id,
                           SupplierRiskSummary.next_due_on < today),
            exists().where(late.supplier_id == Supplier.id, late.due_date < today,
                           ~_answered(late.id)),
        )
    raise ServiceError("Select which suppliers to ask")


def matching(rule: rules.Rule, today: date):
    """Every supplier the rule matches, by name, with the open request that would skip it."""
    return (select(Supplier.id.label("supplier_id"), Supplier.name.label("name"),
                   _open_requests(Supplier.id).scalar_subquery().label("open_request_id"))
            .where(_rule_condition(rule, today)))


@dataclass(frozen=True)
class Preview:
    total: int
    skipped: int
    rows: list  # (supplier_id, name, open_request_id) for the page asked for
    fingerprint: str

    @property
    def to_ask(self) -> int:
        return self.total - self.skipped


def preview(session: Session, rule: rules.Rule, today: date, page: int,
            per_page: int) -> Preview:
    matches = matching(rule, today).subquery()
    total, skipped = session.execute(
        select(func.count(), func.count(matches.c.open_request_id)).select_from(matches)).one()
    rows = session.execute(
        select(matches).order_by(matches.c.name, matches.c.supplier_id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    ids = session.scalars(select(matches.c.supplier_id)).all()
    return Preview(total, skipped, list(rows), rules.list_fingerprint(ids))


def skipped_matches(session: Session, rule: rules.Rule, today: date) -> list:
    matches = matching(rule, today).subquery()
    return list(session.execute(
        select(matches).where(matches.c.open_request_id.is_not(None))
        .order_by(matches.c.name, matches.c.supplier_id)).all())


# --- Confirming: one campaign however often it is sent -------------------------------------------


class ListChanged(ServiceError):
    """The suppliers the rule matches are no longer the ones the officer confirmed."""


def _campaign_by_key(session: Session, key: str) -> BulkCampaign | None:
    return session.scalar(select(BulkCampaign).where(BulkCampaign.confirm_key == key)
                          .execution_options(populate_existing=True))


def start_campaign(session: Session, rule: rules.Rule, due_date: date, officer: User,
                   seen_fingerprint: str, now: datetime, *, actor: audit.Actor | None = None
                   ) -> tuple[BulkCampaign, bool]:
    """Freeze the list the officer confirmed into a campaign. Returns it and whether this call
    made it; a repeat of the same confirmation returns the first one's campaign."""
    rules.check_due_date(due_date, now.date())
    key = rules.Confirmation(officer.id, rule, due_date, seen_fingerprint).key()
    # One confirmation at a time per officer, then a fresh read: what a concurrent copy of this
    # form committed meanwhile is seen, not a stale "no campaign yet".
    hold_until_commit(session, User.name, User.id == officer.id)
    existing = _campaign_by_key(session, key)
    if existing is not None:
        return existing, False
    matches = session.execute(matching(rule, now.date())
                              .order_by(Supplier.name, Supplier.id)).all()
    if rules.list_fingerprint([m.supplier_id for m in matches]) != seen_fingerprint:
        raise ListChanged("The suppliers this rule matches have changed since you looked. "
                          "Check the new list before you send the requests.")
    if not matches:
        raise ServiceError("No suppliers match this rule, so there is nobody to ask")
    description = rules.describe(rule, high_risk_industries())
    council_id = council_for_insert(session)
    inserted = insert_ignoring_duplicates(session, BulkCampaign, [dict(
        council_id=council_id, confirm_key=key, rule=rule.key, parameters=rule.parameters(),
        description=description[:500], due_date=due_date, created_by_id=officer.id,
        created_by_name=officer.name or officer.email, created_at=now, finished_at=None,
    )], "confirm_key")
    campaign = _campaign_by_key(session, key)
    if not inserted:  # another copy of the form got there first
        return campaign, False
    session.execute(insert(BulkCampaignSupplier), [dict(
        council_id=council_id, campaign_id=campaign.id, supplier_id=m.supplier_id,
        supplier_name=m.name,
        outcome=rules.SKIPPED if m.open_request_id else rules.WAITING,
        open_request_id=m.open_request_id, request_id=None, emails_queued=0,
        processed_at=now if m.open_request_id else None,
    ) for m in matches])
    skipped = sum(1 for m in matches if m.open_request_id)
    audit.record(session, "bulk_campaign.created", audit.actor_or(actor, officer), now,
                 object_type="bulk_campaign", object_id=campaign.id,
                 after={"rule": rule.key, "parameters": rule.parameters(),
                        "description": description, "due_date": due_date,
                        "suppliers": len(matches), "skipped": skipped,
                        "supplier_ids": [m.supplier_id for m in matches]})
    if skipped == len(matches):
        campaign.finished_at = now
    session.flush()
    return campaign, True


# --- The scheduler's batches ---------------------------------------------------------------------


def _invite_without_account(session: Session, row: BulkCampaignSupplier,
                            request: DeclarationRequest, mailer: Mailer, now: datetime,
                            valid_hours: int) -> int:
    """A supplier whose contact never set a password (their invitation may have expired): a
    fresh invitation, and the request, to each address invited before. Returns emails queued."""
    campaign = row.campaign
    invited = session.execute(
        select(Invitation.email, func.max(Invitation.name))
        .where(Invitation.supplier_id == row.supplier_id, Invitation.accepted_at.is_(None),
               ~exists().where(func.lower(User.email) == func.lower(Invitation.email)))
        .group_by(Invitation.email).order_by(Invitation.email)).all()
    messages = []
    for email, name in invited:
        invitation, token = create_invitation(session, row.supplier, email, name or "",
                                              campaign.created_by, now, valid_hours)
        audit.record(session, "invitation.created", audit.SYSTEM, now,
                     object_type="invitation", object_id=invitation.id,
                     after={"email": invitation.email, "supplier_id": row.supplier_id,
                            "expires_at": invitation.expires_at,
                            "bulk_campaign_id": campaign.id})
        welcome = mailer.render(
            "invitation", name=invitation.name, supplier_name=row.supplier.name,
            council_name=mailer.council_name, invited_by=campaign.created_by_name,
            link=mailer.link("auth.accept", token=token),
            expires=f"{invitation.expires_at:%d %B %Y at %H:%M} UTC")
        messages.append(outbox.NewMessage(f"invitation:{invitation.id}", "invitation", email,
                                          welcome.subject, welcome.text, welcome.html))
        asked = mailer.render(
            "declaration_request", name=invitation.name, council_name=mailer.council_name,
            supplier_name=row.supplier.name, title=f"Annual declaration {request.due_date.year}",
            due_date=f"{request.due_date.day} {request.due_date:%B %Y}", note="",
            link=mailer.link("supplier.home"))
        messages.append(outbox.NewMessage(
            f"declaration_request:request:{request.id}:email:{email.lower()}",
            "declaration_request", email, asked.subject, asked.text, asked.html))
    outbox.enqueue_many(session, messages, now)
    return len(invited)


def _ask(session: Session, row: BulkCampaignSupplier, mailer: Mailer, now: datetime,
         valid_hours: int) -> None:
    row.processed_at = now
    open_request = session.scalar(_open_requests(literal(row.supplier_id)))
    if open_request is not None:
        row.outcome, row.open_request_id = rules.SKIPPED, open_request
        return
    campaign = row.campaign
    request, _created = request_for_campaign(
        session, row.supplier, campaign.due_date, campaign.created_by, now, campaign.id,
        actor=audit.SYSTEM)
    row.request = request
    if supplier_contacts(session, row.supplier_id):
        row.emails_queued = declaration_requested(session, request, mailer, now)
    else:
        row.emails_queued = _invite_without_account(session, row, request, mailer, now,
                                                    valid_hours)
    row.outcome = rules.QUEUED if row.emails_queued else rules.NO_CONTACT


def queue_batch(session: Session, mailer: Mailer, now: datetime, batch_size: int,
                invitation_valid_hours: int) -> int:
    """Ask the next `batch_size` waiting suppliers, oldest campaign first; returns how many.
    Campaigns in progress are held until commit, so a second scheduler running at the same
    moment waits and then finds these suppliers already asked."""
    hold_until_commit(session, BulkCampaign.finished_at, BulkCampaign.finished_at.is_(None))
    waiting = session.scalars(
        select(BulkCampaignSupplier).where(BulkCampaignSupplier.outcome == rules.WAITING)
        .order_by(BulkCampaignSupplier.campaign_id, BulkCampaignSupplier.id)
        .limit(batch_size).execution_options(populate_existing=True)).all()
    for row in waiting:
        _ask(session, row, mailer, now, invitation_valid_hours)
    session.flush()
    for campaign_id in {row.campaign_id for row in waiting}:
        if not session.scalar(select(exists().where(
                BulkCampaignSupplier.campaign_id == campaign_id,
                BulkCampaignSupplier.outcome == rules.WAITING))):
            session.get(BulkCampaign, campaign_id).finished_at = now
    session.flush()
    return len(waiting)


# --- Progress and engagement ---------------------------------------------------------------------


def campaigns(session: Session) -> list[BulkCampaign]:
    return list(session.scalars(select(BulkCampaign).order_by(BulkCampaign.id.desc())))


def outcome_counts(session: Session, campaign_id: int) -> dict[str, int]:
    counts = dict.fromkeys(rules.OUTCOMES, 0)
    counts.update(session.execute(
        select(BulkCampaignSupplier.outcome, func.count())
        .where(BulkCampaignSupplier.campaign_id == campaign_id)
        .group_by(BulkCampaignSupplier.outcome)).all())
    return counts


def skipped_suppliers(session: Session, campaign_id: int) -> list[BulkCampaignSupplier]:
    return list(session.scalars(
        select(BulkCampaignSupplier)
        .where(BulkCampaignSupplier.campaign_id == campaign_id,
               BulkCampaignSupplier.outcome == rules.SKIPPED)
        .order_by(BulkCampaignSupplier.supplier_name, BulkCampaignSupplier.id)))


def _engagement_state():
    """Where a supplier stands, furthest first: a review decided on a declaration for the
    campaign's request, a declaration submitted, a draft started, the request emailed."""
    row = BulkCampaignSupplier
    reviewed = (exists().where(Declaration.request_id == row.request_id,
                               RiskAssessment.declaration_id == Declaration.id,
                               AssessmentReview.assessment_id == RiskAssessment.id))
    submitted = _answered(row.request_id)
    started = exists().where(Declaration.request_id == row.request_id)
    return case(
        (row.request_id.is_(None), rules.NOT_INVITED),
        (reviewed, rules.REVIEWED),
        (submitted, rules.SUBMITTED),
        (started, rules.STARTED),
        (row.outcome == rules.QUEUED, rules.INVITED),
        else_=rules.NOT_INVITED,
    )


def _engagement(campaign_id: int):
    row = BulkCampaignSupplier
    return (select(row.id, row.supplier_id, row.supplier_name, row.outcome, row.request_id,
                   row.emails_queued, _engagement_state().label("state"))
            .where(row.campaign_id == campaign_id, row.outcome != rules.SKIPPED)
            .subquery())


@dataclass(frozen=True)
class Engagement:
    counts: dict[str, int]
    rows: list
    total: int  # rows matching the filter


def engagement(session: Session, campaign_id: int, state: str, page: int,
               per_page: int) -> Engagement:
    states = _engagement(campaign_id)
    counts = dict.fromkeys(rules.ENGAGEMENT_LABELS, 0)
    counts.update(session.execute(
        select(states.c.state, func.count()).group_by(states.c.state)).all())
    where = [states.c.state == state] if state else []
    total = session.scalar(select(func.count()).select_from(states).where(*where))
    rows = session.execute(
        select(states).where(*where).order_by(states.c.supplier_name, states.c.id)
        .limit(per_page).offset((page - 1) * per_page)).all()
    return Engagement(counts, list(rows), total)

