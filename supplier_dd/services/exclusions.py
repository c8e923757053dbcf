"""Exclusion decisions (Procurement Act 2023) and debarment checks (issue 16).

A decision is recorded, never edited: a new one supersedes it, and the latest for a supplier
(by when it was recorded) is its standing decision. A standing decision covers the supplier's
latest submitted declaration if it was made about that declaration or after it came in; a
newer declaration that reports a ground waits for a decision again.

The Cabinet pack reads `decision_counts` and `debarment_check_counts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supplier_dd.domain import exclusions as rules
from supplier_dd.models import Declaration
from supplier_dd.models.declaration import STATUS_SUBMITTED, STATUS_SUPERSEDED, submitted_answers
from supplier_dd.models.exclusion import DebarmentCheck, ExclusionDecision
from supplier_dd.services import audit
from supplier_dd.services.risk import latest_submitted_declaration, refresh_summary


class DecisionRejected(ValueError):
    def __init__(self, errors: list[rules.DecisionError]):
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class ExclusionState:
    """What the supplier page and the status column show about exclusion."""

    screening: rules.ExclusionScreening
    declaration: Declaration | None
    decision: ExclusionDecision | None  # the standing decision, if any
    decision_covers_declaration: bool

    @property
    def awaiting_decision(self) -> bool:
        return self.screening.any_ground and not self.decision_covers_declaration

    @property
    def status_label(self) -> str | None:
        """The status once decided; None when no decision covers the latest declaration."""
        if self.decision is None or not self.decision_covers_declaration:
            return None
        return rules.STATUS_LABELS[self.decision.outcome]


def _screening(declaration: Declaration | None) -> rules.ExclusionScreening:
    return rules.screen(submitted_answers(declaration) if declaration is not None else {})


def latest_decision(session: Session, supplier_id: int) -> ExclusionDecision | None:
    return session.scalar(
        select(ExclusionDecision).where(ExclusionDecision.supplier_id == supplier_id)
        .order_by(ExclusionDecision.created_at.desc(), ExclusionDecision.id.desc()).limit(1)
    )


def decisions_for(session: Session, supplier_id: int) -> list[ExclusionDecision]:
    """Every decision for the supplier, the standing one first."""
    return list(session.scalars(
        select(ExclusionDecision).where(ExclusionDecision.supplier_id == supplier_id)
        .order_by(ExclusionDecision.created_at.desc(), ExclusionDecision.id.desc())
    ))


def _covers(decision: ExclusionDecision | None, declaration: Declaration | None) -> bool:
    if decision is None:
        return False
    return rules.decision_covers(
        decision.declaration_id, decision.created_at,
        declaration.id if declaration is not None else None,
        declaration.submitted_at if declaration is not None else None)


def state(session: Session, supplier_id: int) -> ExclusionState:
    declaration = latest_submitted_declaration(session, supplier_id)
    decision = latest_decision(session, supplier_id)
    return ExclusionState(_screening(declaration), declaration, decision,
                          _covers(decision, declaration))


def status_labels(session: Session, supplier_ids: list[int]) -> dict[int, str]:
    """The decided status of each supplier whose standing decision covers its latest
    declaration (suppliers with none are left out: their status is what scoring says)."""
    if not supplier_ids:
        return {}
    latest: dict[int, ExclusionDecision] = {}
    for decision in session.scalars(
        select(ExclusionDecision).where(ExclusionDecision.supplier_id.in_(supplier_ids))
        .order_by(ExclusionDecision.supplier_id, ExclusionDecision.created_at.desc(),
                  ExclusionDecision.id.desc())
    ):
        latest.setdefault(decision.supplier_id, decision)
    if not latest:
        return {}
    declarations = _latest_declarations(session, list(latest), None)
    return {sid: rules.STATUS_LABELS[d.outcome] for sid, d in latest.items()
            if _covers(d, declarations.get(sid))}


def dashboard_tags(session: Session, rows) -> dict[int, str]:
    """For one page of dashboard rows (risk summaries): each supplier's standing outcome when a
    decision covers its latest declaration, else AWAITING_DECISION while a knock-out or a
    reported ground waits for one. Two queries for the page, whatever its size."""
    supplier_ids = [row.supplier_id for row in rows]
    if not supplier_ids:
        return {}
    latest: dict[int, ExclusionDecision] = {}
    for decision in session.scalars(
        select(ExclusionDecision).where(ExclusionDecision.supplier_id.in_(supplier_ids))
        .order_by(ExclusionDecision.supplier_id, ExclusionDecision.created_at.desc(),
                  ExclusionDecision.id.desc())
    ):
        latest.setdefault(decision.supplier_id, decision)
    pending = {row.supplier_id for row in rows if row.excluded_pending_review}
    declarations = _latest_declarations(session, list(latest), None) if latest else {}
    tags: dict[int, str] = {}
    for supplier_id in supplier_ids:
        decision = latest.get(supplier_id)
        if decision is not None and _covers(decision, declarations.get(supplier_id)):
            tags[supplier_id] = decision.outcome
        elif supplier_id in pending or (
                decision is not None
                and _screening(declarations.get(supplier_id)).any_ground):
            tags[supplier_id] = rules.AWAITING_DECISION
    return tags


def record_decision(
    session: Session,
    supplier_id: int,
    *,
    outcome: str | None,
    likely_to_recur: bool | None,
    reasons: str | None,
    decided_on: date | None,
    user,
    now: datetime,
    actor: audit.Actor | None = None,
) -> ExclusionDecision:
    """Record a decision about the supplier's latest submitted declaration (audited
    `exclusion.decided`). Raises DecisionRejected with the field errors when the rules in
    domain.exclusions.check_decision refuse it; nothing is written then."""
    declaration = latest_submitted_declaration(session, supplier_id)
    screening = _screening(declaration)
    errors = rules.check_decision(screening, outcome=outcome, likely_to_recur=likely_to_recur,
                                  reasons=reasons, decided_on=decided_on, today=now.date())
    if errors:
        raise DecisionRejected(errors)
    previous = latest_decision(session, supplier_id)
    decision = ExclusionDecision(
        supplier_id=supplier_id,
        declaration_id=declaration.id if declaration is not None else None,
        outcome=outcome,
        grounds=list(screening.ground_keys),
        likely_to_recur=bool(likely_to_recur),
        reasons=reasons.strip(),
        decided_on=decided_on,
        decided_by_id=getattr(user, "id", None),
        created_at=now,
    )
    session.add(decision)
    session.flush()
    audit.record(
        session, "exclusion.decided", audit.actor_or(actor, user), now,
        object_type="supplier", object_id=supplier_id,
        before=({"decision_id": previous.id, "outcome": previous.outcome}
                if previous is not None else None),
        after={"decision_id": decision.id, "outcome": decision.outcome,
               "likely_to_recur": decision.likely_to_recur,
               "decided_on": decided_on.isoformat(), "grounds": decision.grounds,
               "declaration_id": decision.declaration_id},
    )
    # The dashboard ranks and labels the supplier by the decision from now on.
    refresh_summary(session, supplier_id, now)
    return decision


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min)


def _latest_declarations(session: Session, supplier_ids: list[int] | None,
                         end: date | None) -> dict[int, Declaration]:
    """Each supplier's latest declaration submitted by the end of `end` (or now)."""
    statement = (select(Declaration)
                 .where(Declaration.status.in_((STATUS_SUBMITTED, STATUS_SUPERSEDED)),
                        Declaration.submitted_at.is_not(None))
                 .order_by(Declaration.supplier_id, Declaration.submitted_at.desc(),
                           Declaration.id.desc()))
    if supplier_ids is not None:
        statement = statement.where(Declaration.supplier_id.in_(supplier_ids))
    if end is not None:
        statement = statement.where(Declaration.submitted_at < _end_of(end))
    latest: dict[int, Declaration] = {}
    for declaration in session.scalars(statement):
        latest.setdefault(declaration.supplier_id, declaration)
    return latest


def decision_counts(session: Session, start: date, end: date) -> dict[str, int]:
    """Suppliers by standing exclusion decision at the end of the period, for the pack.

    `excluded`, `excludable_not_excluded`, `not_excluded`: suppliers whose standing decision
    (the latest recorded by the end of `end`, dated within start..end) has that outcome.
    `awaiting_decision`: suppliers whose latest declaration submitted by then reports an
    exclusion ground and which no decision recorded by then covers.
    """
    counts = {outcome: 0 for outcome in rules.OUTCOMES} | {rules.AWAITING_DECISION: 0}
    standing: dict[int, ExclusionDecision] = {}
    for decision in session.scalars(
        select(ExclusionDecision).where(ExclusionDecision.created_at < _end_of(end))
        .order_by(ExclusionDecision.supplier_id, ExclusionDecision.created_at.desc(),
                  ExclusionDecision.id.desc())
    ):
        standing.setdefault(decision.supplier_id, decision)
    for decision in standing.values():
        if start <= decision.decided_on <= end:
            counts[decision.outcome] += 1
    for supplier_id, declaration in _latest_declarations(session, None, end).items():
        if (_screening(declaration).any_ground
                and not _covers(standing.get(supplier_id), declaration)):
            counts[rules.AWAITING_DECISION] += 1
    return counts


def debarment_check_counts(session: Session, start: date, end: date) -> dict[str, int]:
    """Debarment list checks made in the period (on import and at each request): how many
    checks, and how many found the supplier on the list."""
    checked, matched = session.execute(
        select(func.count(DebarmentCheck.id),
               func.count(DebarmentCheck.id).filter(DebarmentCheck.matched.is_(True)))
        .where(DebarmentCheck.checked_at >= datetime.combine(start, time.min),
               DebarmentCheck.checked_at < _end_of(end))
    ).one()
    return {"checked": checked or 0, "matched": matched or 0}
