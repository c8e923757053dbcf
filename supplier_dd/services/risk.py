"""Scoring suppliers and storing the results: assessments, their history and the dashboard row.

`assess_declaration` is called by the declarations service when a declaration is submitted, in
the same transaction, so a submitted declaration is never without its assessment.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, defer

from supplier_dd.domain import exclusions as exclusion_rules
from supplier_dd.domain.ppn import UNCLASSIFIED, ppn_category_for
from supplier_dd.domain.questionnaire import load_questionnaire
from supplier_dd.domain.risk.assess import assess, assess_declaration_answers
from supplier_dd.domain.risk.inherent import InherentProfile
from supplier_dd.domain.risk.model import RiskModel
from supplier_dd.domain.risk.plan import ScoringPlan, questionnaire_plan
from supplier_dd.domain.risk.residual import Assessment
from supplier_dd.models import Contract, Declaration, Supplier
from supplier_dd.models.declaration import STATUS_DRAFT, STATUS_SUBMITTED, submitted_answers
from supplier_dd.models.exclusion import ExclusionDecision
from supplier_dd.models.risk import (
    AWAITING_DECLARATION_RANK,
    REVIEW_TO_REVIEW,
    RiskAssessment,
    SupplierRiskSummary,
)
from supplier_dd.services import audit
from supplier_dd.services.next_due import next_due_on
from supplier_dd.services.reminders import shorten_for_band
from supplier_dd.services.risk_dashboard import forget_headline
from supplier_dd.services.risk_models import active_model

REASON_SUBMITTED = "declaration_submitted"
REASON_RECOMPUTE = "recompute"
REASON_CONTRACTS = "contracts_changed"
REASON_SUPPLIER_DETAILS = "supplier_details_changed"
REASON_EVIDENCE = "evidence_changed"
# Re-scores that keep the officer's review when the rating stays where it was.
RESCORE_REASONS = (REASON_RECOMPUTE, REASON_CONTRACTS, REASON_SUPPLIER_DETAILS, REASON_EVIDENCE)


def supplier_profile(session: Session, supplier: Supplier, model: RiskModel) -> InherentProfile:
    """What the council knows about a supplier: its sector, country and contracts."""
    return profile_from_contracts(supplier, contract_facts(session, [supplier.id])
                                  .get(supplier.id, []), model)


def contract_facts(session: Session, supplier_ids: list[int]) -> dict[int, list[tuple]]:
    """{supplier id: [(ppn industry, category, CPV code, value), ...]} for these suppliers."""
    facts: dict[int, list[tuple]] = {}
    for supplier_id, *row in session.execute(
        select(Contract.supplier_id, Contract.ppn_industry, Contract.category, Contract.cpv_code,
               Contract.value).where(Contract.supplier_id.in_(supplier_ids))
    ):
        facts.setdefault(supplier_id, []).append(tuple(row))
    return facts


def profile_from_contracts(supplier: Supplier, rows: list[tuple],
                           model: RiskModel) -> InherentProfile:
    """The supplier is as exposed as its riskiest contract's industry, and its spend is the
    total value of its contracts."""
    industries = []
    for ppn_industry, category, cpv, _value in rows:
        key = ppn_industry or ppn_category_for(category, cpv)[0]
        if key in model.industries:
            industries.append(key)
        elif key == UNCLASSIFIED and category and category.strip().lower() in model.categories:
            industries.append(model.categories[category.strip().lower()])
    industry = max(industries, key=lambda k: (model.industries[k].points, k), default=None)
    values = [value for *_rest, value in rows if value is not None]
    return InherentProfile(
        registry_sector=supplier.sector,
        industry=industry,
        countries=(supplier.country,) if supplier.country else (),
        contract_value=sum(values) if values else None,
    )


def latest_submitted_declaration(session: Session, supplier_id: int) -> Declaration | None:
    return session.scalar(
        select(Declaration)
        .where(Declaration.supplier_id == supplier_id, Declaration.status == STATUS_SUBMITTED)
        .order_by(Declaration.submitted_at.desc(), Declaration.id.desc())
        .limit(1)
    )


def _answers(declaration: Declaration) -> dict:
    return submitted_answers(declaration)


@cache
def scoring_plan_for(questionnaire_id: str, version: int,
                     form_level: str | None = None) -> ScoringPlan:
    """Built once per published questionnaire version and form level (the definitions never
    change: a lock file pins them), so scoring a declaration does not redo it."""
    return questionnaire_plan(load_questionnaire(questionnaire_id, version).at_level(form_level))


def score_answers(model: RiskModel, profile: InherentProfile, questionnaire_id: str,
                  version: int, answers: dict, *, verified: frozenset[str] = frozenset(),
                  registry_areas: frozenset[str] | None = None,
                  today: date | None = None, form_level: str | None = None) -> Assessment:
    """`verified` and `today` matter to an evidence-weighted model (v2) only. `form_level` is
    the proportionate form the declaration was asked at: only its questions count."""
    questionnaire = load_questionnaire(questionnaire_id, version).at_level(form_level)
    return assess_declaration_answers(model, profile, questionnaire, answers,
                                      scoring_plan_for(questionnaire_id, version, form_level),
                                      verified_question_ids=verified, today=today,
                                      registry_areas=registry_areas)


def evidence_for(session: Session, model: RiskModel, declaration_id: int,
                 now: datetime | None) -> dict:
    """What an evidence-weighted model (v2) needs beside the answers: the questions whose answers
    have standing verified evidence, the assessment date and the areas of the supplier's
    registered statement. Nothing for v1 (no query)."""
    if not model.evidence_weighted:
        return {}
    if now is None:
        raise ValueError(f"Risk model {model.version} needs the assessment time")
    from supplier_dd.services.registry_lookup import registry_facts_for
    from supplier_dd.services.verified_answers import verified_question_ids

    # The registered statement's s.54 areas, checked against the areas declared.
    declaration = session.get(Declaration, declaration_id)
    registry = registry_facts_for(session, declaration.supplier, now.date())
    return {"verified": verified_question_ids(session, declaration_id, now.date()),
            "today": now.date(),
            "registry_areas": registry.areas if registry.registered else None}


def score_supplier(
    session: Session, supplier: Supplier, model: RiskModel, declaration: Declaration | None,
    now: datetime | None = None,
) -> Assessment:
    profile = supplier_profile(session, supplier, model)
    if declaration is None:
        return assess(model, profile)
    return score_answers(model, profile, declaration.questionnaire_id,
                         declaration.questionnaire_version, _answers(declaration),
                         form_level=declaration.form_level,
                         **evidence_for(session, model, declaration.id, now))


def current_assessment(session: Session, supplier_id: int, *,
                       breakdown: bool = True) -> RiskAssessment | None:
    """The supplier's current assessment; `breakdown=False` leaves its (12 kB) breakdown to
    be read only if it is used."""
    statement = select(RiskAssessment).where(
        RiskAssessment.supplier_id == supplier_id, RiskAssessment.is_current.is_(True)
    )
    if not breakdown:
        statement = statement.options(defer(RiskAssessment.breakdown))
    return session.scalar(statement)


def _same(stored: RiskAssessment | None, result: Assessment, declaration_id: int | None) -> bool:
    return (
        stored is not None
        and stored.declaration_id == declaration_id
        and stored.model_version == result.model_version
        and stored.model_fingerprint == result.model_fingerprint
        and stored.breakdown == result.as_dict()
    )


_NOT_LOADED = object()


def store_assessment(
    session: Session, supplier: Supplier, declaration_id: int | None, result: Assessment,
    now: datetime, reason: str, *, previous: RiskAssessment | None | object = _NOT_LOADED,
) -> tuple[RiskAssessment, bool]:
    """Keep the result as the supplier's current assessment; (row, whether anything changed).

    An identical result leaves the current row alone, so re-scoring is safe to repeat. A
    different one becomes current and the old row is kept, marked superseded. A caller that
    has just read the current assessment passes it as `previous`, saving a second read of
    the row and its breakdown (a third of a recompute's time, docs/performance.md).
    """
    if previous is _NOT_LOADED:
        # A new declaration's result differs from the stored one without comparing breakdowns.
        previous = current_assessment(session, supplier.id, breakdown=False)
    if _same(previous, result, declaration_id):
        return previous, False
    review_status = REVIEW_TO_REVIEW
    if previous is not None:
        # A new model that leaves the band where it was does not need another review.
        if (reason in RESCORE_REASONS and previous.declaration_id == declaration_id
                and previous.residual_rank == result.residual.rank):
            review_status = previous.review_status
        previous.is_current = False
        previous.superseded_at = now
        session.flush()  # the one-current-per-supplier index must see the old row go first
    row = RiskAssessment(
        supplier_id=supplier.id,
        declaration_id=declaration_id,
        model_version=result.model_version,
        model_fingerprint=result.model_fingerprint,
        inherent_score=result.inherent.score,
        inherent_band=result.inherent.band,
        maturity_percent=result.maturity_percent,
        residual_score=result.residual.score,
        residual_band=result.residual.band,
        residual_rank=result.residual.rank,
        excluded_pending_review=result.residual.excluded_pending_review,
        red_flags=[flag.key for flag in result.red_flags],
        breakdown=result.as_dict(),
        reason=reason,
        review_status=review_status,
        is_current=True,
        created_at=now,
    )
    session.add(row)
    session.flush()
    refresh_summary(session, supplier.id, now, current=row)
    return row, True


def refresh_summary(session: Session, supplier_id: int, now: datetime, *,
                    current: RiskAssessment | None | object = _NOT_LOADED) -> None:
    """Copy the current assessment, latest declaration and next due date to the dashboard row.
    A caller that has just stored the current assessment passes it as `current`."""
    if current is _NOT_LOADED:
        current = current_assessment(session, supplier_id, breakdown=False)
    latest = session.execute(
        select(Declaration.status, func.coalesce(Declaration.submitted_at, Declaration.updated_at))
        .where(Declaration.supplier_id == supplier_id)
        .order_by(Declaration.id.desc())
        .limit(1)
    ).first()
    due_on = next_due_on(session, supplier_id)
    values = {
        "latest_declaration_status": latest[0] if latest else None,
        "latest_declaration_at": latest[1] if latest else None,
        "next_due_on": due_on,
        "updated_at": now,
    }
    if current is not None:
        # Scored on inherent risk alone: "Awaiting declaration", ranked and counted apart from
        # the assessed bands, with no residual figure (the assessment row keeps what was scored).
        awaiting = current.awaiting_declaration
        decided = exclusion_rules.rating_after_decision(
            _covering_decision_outcome(session, supplier_id),
            pending_review=current.excluded_pending_review, band=current.residual_band,
            rank=current.residual_rank)
        values.update(
            inherent_score=current.inherent_score,
            inherent_band=current.inherent_band,
            maturity_percent=current.maturity_percent,
            residual_score=0 if awaiting else current.residual_score,
            residual_band=None if awaiting else current.residual_band,
            residual_rank=AWAITING_DECLARATION_RANK if awaiting else decided.rank,
            excluded_pending_review=decided.pending_review,
            red_flag_count=len(current.red_flags or []),
            # Nothing to review until a declaration is in.
            review_status=None if awaiting else current.review_status,
            assessment_id=current.id,
            assessed_at=current.created_at,
        )
    session.execute(
        update(SupplierRiskSummary)
        .where(SupplierRiskSummary.supplier_id == supplier_id)
        .values(**values)
    )
    forget_headline()


def _covering_decision_outcome(session: Session, supplier_id: int) -> str | None:
    """The outcome of the standing exclusion decision if it covers the latest submitted
    declaration (services.exclusions records decisions; the rule is domain.exclusions')."""
    decision = session.execute(
        select(ExclusionDecision.outcome, ExclusionDecision.declaration_id,
               ExclusionDecision.created_at)
        .where(ExclusionDecision.supplier_id == supplier_id)
        .order_by(ExclusionDecision.created_at.desc(), ExclusionDecision.id.desc()).limit(1)
    ).first()
    if decision is None:
        return None
    declaration = latest_submitted_declaration(session, supplier_id)
    covers = exclusion_rules.decision_covers(
        decision.declaration_id, decision.created_at,
        declaration.id if declaration is not None else None,
        declaration.submitted_at if declaration is not None else None)
    return decision.outcome if covers else None


def assess_declaration(session: Session, declaration: Declaration, now: datetime,
                       model: RiskModel | None = None) -> RiskAssessment:
    """Score a just-submitted declaration and make it the supplier's current assessment."""
    if declaration.status == STATUS_DRAFT:
        raise ValueError("Only a submitted declaration can be scored")
    model = model or active_model(session)
    supplier = declaration.supplier or session.get(Supplier, declaration.supplier_id)
    result = score_supplier(session, supplier, model, declaration, now)
    row, _changed = store_assessment(session, supplier, declaration.id, result, now,
                                     REASON_SUBMITTED)
    return row


@dataclass
class RecomputeProgress:
    done: int = 0
    total: int = 0
    changed: int = 0
    unchanged: int = 0


def recompute_assessments(
    session: Session, model: RiskModel, now: datetime, batch_size: int = 500, *,
    actor=None,
) -> Iterator[RecomputeProgress]:
    """Re-score every supplier with `model`, a batch at a time, yielding progress after each.

    The caller commits between batches. Unchanged results change nothing; changed ones add a
    new current assessment and keep the old one, and are audited with the band before and after
    (the caller audits the run as a whole). Each batch reads its suppliers' declarations,
    contracts and current assessments in one query each, not one per supplier.
    """
    actor = actor or audit.SYSTEM
    progress = RecomputeProgress(total=session.scalar(select(func.count(Supplier.id))) or 0)
    last_id = 0
    while True:
        suppliers = session.scalars(
            select(Supplier).where(Supplier.id > last_id).order_by(Supplier.id).limit(batch_size)
        ).all()
        if not suppliers:
            break
        with _collector_paused():
            _recompute_batch(session, model, now, actor, suppliers, progress, REASON_RECOMPUTE)
        last_id = suppliers[-1].id
        session.flush()
        yield progress


def rescore_suppliers(session: Session, supplier_ids, now: datetime, *,
                      reason: str = REASON_CONTRACTS, model: RiskModel | None = None,
                      batch_size: int = 500) -> RecomputeProgress:
    """Score these suppliers again after what the score reads about them changed (their
    contracts' industry and total value, their sector or country), in batches as
    `recompute_assessments` does. An unchanged result changes nothing; a changed one becomes
    current and is audited. Without `model`, the active model (services.risk_models)."""
    model = model or active_model(session)
    ids = sorted(set(supplier_ids))
    progress = RecomputeProgress(total=len(ids))
    for start in range(0, len(ids), batch_size):
        suppliers = session.scalars(
            select(Supplier).where(Supplier.id.in_(ids[start:start + batch_size]))
            .order_by(Supplier.id)
        ).all()
        with _collector_paused():
            _recompute_batch(session, model, now, audit.SYSTEM, suppliers, progress, reason)
        session.flush()
    return progress


def rescore_supplier(session: Session, supplier_id: int, now: datetime,
                     actor: audit.Actor | None = None,
                     reason: str = REASON_EVIDENCE) -> RiskAssessment | None:
    """Score one supplier again with the active model, for instance when an officer adds or
    withdraws a verification of an answer (model v2 counts verified answers; v1 ignores them, so
    under v1 nothing changes). A changed result becomes current, the old one is kept as history
    and the change is audited; returns the current assessment."""
    supplier = session.get(Supplier, supplier_id)
    if supplier is None:
        return None
    with _collector_paused():
        _recompute_batch(session, active_model(session), now, actor or audit.SYSTEM, [supplier],
                         RecomputeProgress(total=1), reason)
    session.flush()
    return current_assessment(session, supplier_id)


def _shorten_cycle(session: Session, supplier_id: int, declaration_id: int,
                   residual_band: str, now: datetime, actor) -> None:
    """A re-score that raised the band shortens the open re-attestation cycle (issue 16)."""
    shorten_for_band(session, supplier_id=supplier_id, declaration_id=declaration_id,
                     residual_band=residual_band, now=now, actor=actor)


@contextmanager
def _collector_paused():
    """Cyclic garbage collection off for one batch: the batch's rows and parsed breakdowns are
    all still in use, so collections during it found nothing to free and cost a quarter of
    the scoring time (docs/performance.md). Memory is bounded by the batch size; whatever the
    batch left behind is collected when it ends."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _recompute_batch(session: Session, model: RiskModel, now: datetime, actor,
                     suppliers: list[Supplier], progress: RecomputeProgress,
                     reason: str) -> None:
    ids = [supplier.id for supplier in suppliers]
    declarations = latest_submitted_answers(session, ids)
    contracts = contract_facts(session, ids)
    currents = {row.supplier_id: row for row in session.scalars(
        select(RiskAssessment).where(RiskAssessment.supplier_id.in_(ids),
                                     RiskAssessment.is_current.is_(True)))}
    for supplier in suppliers:
        profile = profile_from_contracts(supplier, contracts.get(supplier.id, []), model)
        declared = declarations.get(supplier.id)
        if declared is None:
            result, declaration_id = assess(model, profile), None
        else:
            result = score_answers(model, profile, declared.questionnaire_id,
                                   declared.questionnaire_version, declared.answers,
                                   form_level=declared.form_level,
                                   **evidence_for(session, model, declared.id, now))
            declaration_id = declared.id
        previous = currents.get(supplier.id)
        before = _audit_view(previous)
        row, changed = store_assessment(session, supplier, declaration_id, result, now,
                                        reason, previous=previous)
        if changed:
            audit.record(session, "assessment.recomputed", actor, now,
                         object_type="risk_assessment", object_id=row.id, before=before,
                         after=_audit_view(row),
                         details={"supplier_id": supplier.id, "reason": reason,
                                  "model_version": model.version})
            if declaration_id is not None:
                _shorten_cycle(session, supplier.id, declaration_id, row.residual_band, now,
                               actor)
            progress.changed += 1
        else:
            progress.unchanged += 1
        progress.done += 1


@dataclass(frozen=True)
class SubmittedAnswers:
    id: int
    questionnaire_id: str
    questionnaire_version: int
    answers: dict
    form_level: str | None = None


def latest_submitted_answers(session: Session,
                              supplier_ids: list[int]) -> dict[int, SubmittedAnswers]:
    """Each supplier's latest submitted declaration (as `latest_submitted_declaration` orders
    them), with its signed answers, reading only the columns scoring needs."""
    latest: dict[int, SubmittedAnswers] = {}
    rows = session.execute(
        select(Declaration.supplier_id, Declaration.id, Declaration.questionnaire_id,
               Declaration.questionnaire_version, Declaration.canonical_answers,
               Declaration.form_level)
        .where(Declaration.supplier_id.in_(supplier_ids), Declaration.status == STATUS_SUBMITTED)
        .order_by(Declaration.supplier_id, Declaration.submitted_at.desc(),
                  Declaration.id.desc())
    )
    for supplier_id, declaration_id, questionnaire_id, version, canonical, level in rows:
        if supplier_id in latest:
            continue
        if canonical:
            answers = json.loads(canonical)["answers"]
        else:  # not signed in the canonical form (none are today): the stored answers
            answers = _answers(session.get(Declaration, declaration_id))
        latest[supplier_id] = SubmittedAnswers(declaration_id, questionnaire_id, version,
                                               answers, level)
    return latest


def _audit_view(row: RiskAssessment | None) -> dict | None:
    if row is None:
        return None
    return {"assessment_id": row.id, "model_version": row.model_version,
            "residual_band": row.residual_band, "residual_score": row.residual_score,
            "inherent_band": row.inherent_band, "review_status": row.review_status}


def assessment_history(session: Session, supplier_id: int) -> list[RiskAssessment]:
    return list(session.scalars(
        select(RiskAssessment)
        .where(RiskAssessment.supplier_id == supplier_id)
        .order_by(RiskAssessment.created_at.desc(), RiskAssessment.id.desc())
    ))
