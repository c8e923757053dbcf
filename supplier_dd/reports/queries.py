"""Building the annual Cabinet evidence pack's data from the database.

Every figure is one SQL aggregate (COUNT, SUM, GROUP BY) over the filter its `source` names, so
a pack for 100,000 suppliers never loads them into Python. Only the rows listed as evidence in the
spreadsheet are fetched, capped at `row_limit` per list (the figures always count every row).

Point-in-time figures (risk bands, open actions) are taken at the year's last day, or at the cover
date when the pack is built before the year has ended, so a pack rebuilt later from the same
records gives the same figures.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from enum import Enum

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select, text
from sqlalchemy.orm import Session, aliased

from supplier_dd.domain import exclusions as exclusion_rules
from supplier_dd.domain.action_plans import Rag, is_overdue, parse_rag
from supplier_dd.domain.charter import COMMITMENTS, Evidence, commitment_status
from supplier_dd.domain.organisations import (
    RELEVANT_TURNOVER_BANDS,
    TURNOVER_BANDS,
    country_name,
)
from supplier_dd.domain.ppn import UNCLASSIFIED, industry_label
from supplier_dd.domain.programme import (
    REFERRAL_TYPE_LABELS,
    TRAINING_GROUP_LABELS,
    ReferralType,
)
from supplier_dd.domain.risk.evidence import check_facts
from supplier_dd.domain.risk.model import RESIDUAL_BANDS, load_model
from supplier_dd.domain.timeframes import PROGRESS_LABELS
from supplier_dd.models import (
    ActionPlan,
    ActionPlanPriority,
    AttestationSchedule,
    CharterEvidence,
    Contract,
    CorrectiveAction,
    Declaration,
    DeclarationRequest,
    PlanAction,
    Referral,
    RegistryStatement,
    RiskAssessment,
    Supplier,
    Tender,
    TrainingRecord,
    tender_invitations,
)
from supplier_dd.models.attestation import SCHEDULE_COMPLETED
from supplier_dd.models.declaration import STATUS_DRAFT, submitted_answers
from supplier_dd.models.tenancy import acting_council
from supplier_dd.reports import trends
from supplier_dd.reports.data import (
    ACTION_PLAN,
    CHARTER,
    CHARTER_COMMITMENTS,
    NOT_EVIDENCED,
    POUNDS,
    TRAINING,
    TRANSPARENCY,
    ActionPlanSection,
    CharterCommitment,
    Cover,
    EvidenceTable,
    Figure,
    FigureGroup,
    FinancialYear,
    PlannedAction,
    ReportData,
    ReportInputError,
    SummaryKpi,
    charter_status,
    not_recorded,
    percent_figure,
)
from supplier_dd.reports.editions import EDITION_1, EDITION_2, check_edition
from supplier_dd.reports.statement import PolicyRecord
from supplier_dd.reports.trends import YearValues
from supplier_dd.services import exclusions, pack_targets
from supplier_dd.services.action_plans import current_plan
from supplier_dd.services.programme import latest_training

ROW_LIMIT = 5_000

# The council's targets for the headline measures (percent). Cabinet reads RAG against these.
TARGETS = {
    "tenders.declaration_coverage": 100.0,
    "contracts.declaration_coverage": 90.0,
    "s54.compliant_share": 100.0,
    "reattestation.on_time_share": 90.0,
    "risk.high_critical_with_action_share": 100.0,
    "training.procurement_team.share": 100.0,
}
# A Charter commitment measured by a share is met at this level.
CHARTER_MEASURE_TARGET = 90.0
# These are the defaults: edition 2 reads the targets the council set (services/pack_targets).
CHARTER_TARGET_KEY = "charter.measure"
KNOCK_OUT_LABEL = "Excluded pending review"
# Commitments a count of activity in the year evidences when no item was recorded by hand
# (9: referrals through the National Referral Mechanism or Duty to Notify).
EVIDENCED_BY_ACTIVITY = frozenset({9})
_SIX_AREAS = ("includes_organisation_structure", "includes_policies",
              "includes_risk_assessment", "includes_due_diligence", "includes_training",
              "includes_monitoring")


@dataclass(frozen=True)
class _Window:
    """The year being reported and the day point-in-time figures are taken on."""

    year: FinancialYear
    as_of: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.year.first_day, time())

    @property
    def end(self) -> datetime:
        """Exclusive: midnight after the year's last day."""
        return datetime.combine(self.year.last_day + timedelta(days=1), time())

    @property
    def as_of_end(self) -> datetime:
        return datetime.combine(self.as_of + timedelta(days=1), time())

    @property
    def period(self) -> str:
        return self.year.period

    @property
    def last_counted_day(self) -> date:
        """Due dates are counted up to the as-of day: later ones cannot be late yet."""
        return min(self.year.last_day, self.as_of)


def _count(session: Session, statement: Select) -> int:
    return int(session.scalar(statement) or 0)


def _slug(text_value: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text_value.lower())[:40].strip("_")


# --- declarations ---------------------------------------------------------------------------------

def _submitted_in(window: _Window):
    """A declaration that was submitted (it may since have been superseded) in the year."""
    return and_(Declaration.status != STATUS_DRAFT, Declaration.submitted_at >= window.start,
                Declaration.submitted_at < window.end)


def _tender_declared():
    """The invited supplier submitted a declaration asked for that tender. Nested EXISTS so each
    step uses an index (requests by supplier, declarations by request), whatever the planner."""
    invitation = tender_invitations.c
    submitted = (select(literal(1)).select_from(Declaration)
                 .where(Declaration.request_id == DeclarationRequest.id,
                        Declaration.status != STATUS_DRAFT)
                 .exists())
    return (
        select(literal(1)).select_from(DeclarationRequest)
        .where(DeclarationRequest.supplier_id == invitation.supplier_id,
               DeclarationRequest.tender_id == invitation.tender_id,
               DeclarationRequest.kind == "tender", submitted)
        .exists()
    )


def _tender_closing_in(window: _Window):
    return Tender.closing_date.between(window.year.first_day, window.year.last_day)


def _contract_live_in(window: _Window):
    return and_(or_(Contract.start_date.is_(None), Contract.start_date <= window.year.last_day),
                or_(Contract.end_date.is_(None), Contract.end_date >= window.year.first_day))


def _supplier_declared_in(window: _Window, supplier_id_column):
    return (select(literal(1)).select_from(Declaration)
            .where(Declaration.supplier_id == supplier_id_column, _submitted_in(window))
            .exists())


def _declaration_figures(session: Session, window: _Window) -> dict[str, Figure]:
    period = window.period
    invitation = tender_invitations.c
    invitations = (select(func.count()).select_from(tender_invitations)
                   .join(Tender, Tender.id == invitation.tender_id)
                   .where(_tender_closing_in(window)))
    tenders = Figure(
        "tenders.in_year", "Tenders closing in the year",
        _count(session, select(func.count(Tender.id)).where(_tender_closing_in(window))),
        f"tenders where closing_date in {period}")
    bidders = Figure(
        "tenders.invited_bidders", "Invitations to bid on those tenders",
        _count(session, invitations),
        f"tender_invitations joined to tenders where closing_date in {period}")
    declared = Figure(
        "tenders.bidders_declared", "of which the bidder submitted a declaration for the tender",
        _count(session, invitations.where(_tender_declared())),
        "those invitations with a declaration_requests row (kind=tender, same tender and "
        "supplier) whose declaration status is submitted or superseded")
    tender_coverage = percent_figure(
        "tenders.declaration_coverage", "Declaration coverage of tenders (bidders declared)",
        declared, bidders, "No tenders with invited bidders closed in the year")

    live = select(func.count(Contract.id)).where(_contract_live_in(window))
    contracts = Figure(
        "contracts.live", "Contracts live during the year", _count(session, live),
        f"contracts where (start_date empty or <= {window.year.last_day}) and (end_date empty "
        f"or >= {window.year.first_day})")
    contracts_declared = Figure(
        "contracts.supplier_declared",
        "of which the supplier submitted a declaration in the year",
        _count(session, live.where(_supplier_declared_in(window, Contract.supplier_id))),
        f"those contracts whose supplier has a declaration with status submitted or superseded "
        f"and submitted_at in {period}")
    contract_coverage = percent_figure(
        "contracts.declaration_coverage", "Declaration coverage of contracts", contracts_declared,
        contracts, "No contracts were live in the year")
    submitted = Figure(
        "declarations.submitted", "Declarations submitted by suppliers in the year",
        _count(session, select(func.count(Declaration.id)).where(_submitted_in(window))),
        f"declarations where status in (submitted, superseded) and submitted_at in {period}")
    return {f.key: f for f in (tenders, bidders, declared, tender_coverage, contracts,
                                contracts_declared, contract_coverage, submitted)}


# --- s.54 statements ----------------------------------------------------------------------------

def _relevant_supplier(window: _Window):
    """A relevant commercial organisation (turnover £36m or more) with a contract live in the
    year: the suppliers s.54 binds that the council actually used."""
    live_contract = (select(literal(1)).select_from(Contract)
                     .where(Contract.supplier_id == Supplier.id, _contract_live_in(window))
                     .exists())
    return and_(Supplier.turnover_band.in_(sorted(RELEVANT_TURNOVER_BANDS)), live_contract)


def _compliant_statement(window: _Window):
    """A registry statement for the year (registry year Y or Y+1) declaring all six areas,
    matched by company number, else by name when either side has no number and no other
    supplier shares the name (as services/statement_registry matches them)."""
    other = aliased(Supplier)
    shared_names = (select(other.normalised_name).group_by(other.normalised_name)
                    .having(func.count(other.id) > 1))
    statement = RegistryStatement
    year = window.year.start_year
    covers_all = (statement.statement_year.in_((year, year + 1)),
                  *(getattr(statement, area).is_(True) for area in _SIX_AREAS))
    # Two EXISTS rather than one with OR inside, so each can use its own index.
    by_number = (select(literal(1)).select_from(statement)
                 .where(statement.company_number == Supplier.companies_house_number, *covers_all)
                 .exists())
    by_name = (select(literal(1)).select_from(statement)
               .where(statement.normalised_name == Supplier.normalised_name,
                      or_(statement.company_number.is_(None),
                          Supplier.companies_house_number.is_(None)),
                      *covers_all)
               .exists())
    return or_(and_(Supplier.companies_house_number.is_not(None), by_number),
               and_(Supplier.normalised_name.not_in(shared_names), by_name))


def _s54_figures(session: Session, window: _Window) -> dict[str, Figure]:
    relevant_bands = ", ".join(code for code, _label in TURNOVER_BANDS
                               if code in RELEVANT_TURNOVER_BANDS)
    in_scope_query = select(func.count(Supplier.id)).where(_relevant_supplier(window))
    in_scope = Figure(
        "s54.in_scope", "Suppliers that are relevant commercial organisations (turnover £36m or "
        "more) with a contract live in the year", _count(session, in_scope_query),
        f"suppliers where turnover_band in ({relevant_bands}) and a contract is live in "
        f"{window.period}")
    compliant = Figure(
        "s54.compliant_six_areas",
        "of which have a registered s.54 statement covering all six areas",
        _count(session, in_scope_query.where(_compliant_statement(window))),
        f"those suppliers with a registry_statements row for statement_year "
        f"{window.year.start_year} or {window.year.start_year + 1} with all six includes_* "
        "areas, matched by company number (else by unshared name)")
    share = percent_figure(
        "s54.compliant_share",
        "Relevant commercial organisations with a compliant s.54 statement (six areas)",
        compliant, in_scope, "No relevant commercial organisations had a live contract")
    return {f.key: f for f in (in_scope, compliant, share)}


# --- re-attestation ----------------------------------------------------------------------------

def _reattestation_figures(session: Session, window: _Window) -> dict[str, Figure]:
    last = window.last_counted_day
    schedule = AttestationSchedule
    due_query = select(func.count(schedule.id)).where(
        schedule.due_on.between(window.year.first_day, last))
    due = Figure("reattestation.due", "Re-attestations due in the year",
                 _count(session, due_query),
                 f"attestation_schedules where due_on in {window.year.first_day}..{last}")
    on_time = Figure(
        "reattestation.on_time", "of which submitted on or before the due date",
        _count(session, due_query.where(schedule.status == SCHEDULE_COMPLETED,
                                        func.date(schedule.completed_at) <= schedule.due_on)),
        "those schedules with status completed and date(completed_at) <= due_on")
    share = percent_figure("reattestation.on_time_share", "Re-attestations on time", on_time, due,
                           "No re-attestations fell due in the year")
    return {f.key: f for f in (due, on_time, share)}


# --- risk and corrective actions ----------------------------------------------------------------

def _assessment_current_at(window: _Window, assessment=RiskAssessment):
    """The assessment in force at the end of the as-of day (history rows are kept)."""
    return and_(assessment.created_at < window.as_of_end,
                or_(assessment.superseded_at.is_(None),
                    assessment.superseded_at >= window.as_of_end))


def _band_key(band: str) -> str:
    return f"risk.band.{_slug(band)}"


AWAITING_KEY = "risk.awaiting_declaration"


def _serious(assessed_only: bool):
    """Rated High or Critical, or excluded pending review; edition 2 leaves out suppliers
    awaiting a declaration, whose band is inherent risk only."""
    serious = or_(RiskAssessment.residual_band.in_(("High", "Critical")),
                  RiskAssessment.excluded_pending_review.is_(True))
    return and_(serious, ~_awaiting_declaration()) if assessed_only else serious


def _awaiting_declaration(assessment=RiskAssessment):
    """Scored from what the council knows (inherent risk only): the supplier has not declared."""
    return and_(assessment.declaration_id.is_(None),
                assessment.excluded_pending_review.is_not(True))


def _risk_figures(session: Session, window: _Window, *,
                  assessed_only: bool = False) -> dict[str, Figure]:
    """Suppliers by band at the as-of day. Edition 1 bands every assessment in force; edition 2
    (`assessed_only`) bands only assessments of a declaration and counts the suppliers still
    awaiting one apart, so an inherent-only High is never reported as a rated High."""
    as_of = window.as_of
    grouping = [RiskAssessment.residual_band, RiskAssessment.excluded_pending_review]
    if assessed_only:
        grouping.append(case((_awaiting_declaration(), 1), else_=0))
    rows = session.execute(
        select(*grouping, func.count(RiskAssessment.id))
        .where(_assessment_current_at(window)).group_by(*grouping)
    ).all()
    by_band = {band: 0 for band in RESIDUAL_BANDS}
    excluded = awaiting = 0
    for band, is_excluded, *is_awaiting, count in rows:
        if is_excluded:
            excluded += count
        elif is_awaiting and is_awaiting[0]:
            awaiting += count
        else:
            by_band[band] = by_band.get(band, 0) + count
    current = (f"risk_assessments in force on {as_of} (created_at before the end of that day, "
               "not superseded by then)")
    assessed_filter = " and declaration_id is not empty" if assessed_only else ""
    figures = [
        Figure(_band_key(band), f"Suppliers rated {band}", count,
               f"{current} where residual_band = {band} and not excluded_pending_review"
               f"{assessed_filter}")
        for band, count in by_band.items()
    ]
    figures.append(Figure(_band_key(KNOCK_OUT_LABEL), f"Suppliers rated {KNOCK_OUT_LABEL}",
                          excluded, f"{current} where excluded_pending_review"))
    if assessed_only:
        figures.append(Figure(
            AWAITING_KEY, "Suppliers awaiting a declaration (inherent risk only)", awaiting,
            f"{current} where declaration_id is empty and not excluded_pending_review"))
    assessed = sum(by_band.values()) + excluded + awaiting
    suppliers = _count(session, select(func.count(Supplier.id))
                       .where(Supplier.created_at < window.as_of_end))
    figures.append(Figure("risk.not_assessed", "Suppliers rated Not assessed",
                          max(suppliers - assessed, 0),
                          f"suppliers created by {as_of} without a risk assessment in force"))
    high_keys = (_band_key("High"), _band_key("Critical"))
    high = Figure("risk.high_critical", "Suppliers rated High or Critical",
                  by_band.get("High", 0) + by_band.get("Critical", 0),
                  " + ".join(high_keys), inputs=high_keys)

    serious = (select(RiskAssessment.supplier_id)
               .where(_assessment_current_at(window), _serious(assessed_only)))
    with_action = _count(session, select(func.count()).select_from(serious.subquery("serious"))
                         .where(exists().where(
                             CorrectiveAction.supplier_id == text("serious.supplier_id"),
                             CorrectiveAction.created_at < window.as_of_end)))
    serious_total = high.value + excluded
    serious_figure = Figure(
        "risk.high_critical_or_excluded", "Suppliers rated High, Critical or excluded pending "
        "review", serious_total, f"{high.key} + {_band_key(KNOCK_OUT_LABEL)}",
        inputs=(high.key, _band_key(KNOCK_OUT_LABEL)))
    with_action_figure = Figure(
        "risk.high_critical_with_action", "of which have a corrective action raised",
        with_action, f"those suppliers with corrective_actions created by {as_of}")
    with_action_share = percent_figure(
        "risk.high_critical_with_action_share",
        "High and critical risk suppliers with a corrective action", with_action_figure,
        serious_figure, "No suppliers were rated High or Critical")

    actions = CorrectiveAction
    opened = Figure("corrective.opened", "Corrective actions opened in the year",
                    _count(session, select(func.count(actions.id)).where(
                        actions.created_at >= window.start, actions.created_at < window.end)),
                    f"corrective_actions where created_at in {window.period}")
    closed = Figure("corrective.closed", "Corrective actions signed off in the year",
                    _count(session, select(func.count(actions.id)).where(
                        actions.signed_off_at >= window.start,
                        actions.signed_off_at < window.end)),
                    f"corrective_actions where signed_off_at in {window.period}")
    still_open = Figure(
        "corrective.open_at_end", f"Corrective actions still open on {as_of:%d/%m/%Y}",
        _count(session, select(func.count(actions.id)).where(
            actions.created_at < window.as_of_end,
            or_(actions.signed_off_at.is_(None), actions.signed_off_at >= window.as_of_end))),
        f"corrective_actions created by {as_of} and not signed off by then")
    knockouts = Figure(
        "risk.knockouts_in_year", "Knock-outs in the year (suppliers whose answers triggered "
        "exclusion pending review)",
        _count(session, select(func.count(func.distinct(RiskAssessment.supplier_id))).where(
            RiskAssessment.excluded_pending_review.is_(True),
            RiskAssessment.created_at >= window.start, RiskAssessment.created_at < window.end)),
        f"distinct suppliers with risk_assessments where excluded_pending_review and "
        f"created_at in {window.period}")
    exclusions = not_recorded(
        "exclusions.decided", "Suppliers excluded under the Procurement Act 2023",
        "no table: exclusion decisions are not recorded in the service",
        "Not recorded in the service")
    all_figures = (*figures, high, serious_figure, with_action_figure, with_action_share, opened,
                   closed, still_open, knockouts, exclusions)
    return {f.key: f for f in all_figures}


# --- what suppliers' declarations evidence (KPIs stored with each assessment) ---------------

# Counted inside the database: each assessment's breakdown holds a list of KPI results, which
# SQLite reads with json_each and PostgreSQL with json_array_elements.
_KPI_COUNTS_SQL = {
    "sqlite": (
        "SELECT json_extract(k.value, '$.key') AS kpi, json_extract(k.value, '$.status') AS "
        "status, COUNT(*) FROM risk_assessments AS ra, json_each(ra.breakdown, '$.kpis') AS k "
        "WHERE ra.created_at < :as_of_end AND (ra.superseded_at IS NULL OR ra.superseded_at >= "
        ":as_of_end) GROUP BY kpi, status"
    ),
    "postgresql": (
        "SELECT k ->> 'key' AS kpi, k ->> 'status' AS status, COUNT(*) FROM risk_assessments AS "
        "ra, json_array_elements(ra.breakdown -> 'kpis') AS k WHERE ra.created_at < :as_of_end "
        "AND (ra.superseded_at IS NULL OR ra.superseded_at >= :as_of_end) GROUP BY kpi, status"
    ),
}
# Supplier KPIs that evidence a Charter commitment: (commitment, kpi key, the subject asked
# about, what meeting it means).
CHARTER_KPIS = (
    (2, "charter_msa_compliance", "Modern Slavery Act compliance",
     "declare they comply with the Modern Slavery Act and accept termination as a sanction"),
    (4, "charter_trade_union", "trade union membership",
     "declare their workers are free to join a trade union"),
    (6, "charter_whistleblowing", "whistle-blowing",
     "have a whistle-blowing policy for their staff"),
)


def _kpi_counts(session: Session, window: _Window) -> dict[str, dict[str, int]]:
    sql = _KPI_COUNTS_SQL.get(session.get_bind().dialect.name)
    if sql is None:
        return {}
    parameters: dict[str, object] = {"as_of_end": window.as_of_end}
    council_id = acting_council(session)
    if council_id is not None:
        # Raw SQL passes the ORM's council scoping (models.tenancy) by: say it here.
        sql = sql.replace(" GROUP BY ", " AND ra.council_id = :council_id GROUP BY ")
        parameters["council_id"] = council_id
    counts: dict[str, dict[str, int]] = {}
    for key, status, count in session.execute(text(sql), parameters):
        counts.setdefault(str(key), {})[str(status)] = int(count)
    return counts


def _kpi_figures(kpi_counts: dict[str, dict[str, int]], window: _Window,
                 ) -> dict[int, tuple[Figure, ...]]:
    source = (f"KPI results stored in risk_assessments.breakdown of assessments in force on "
              f"{window.as_of}")
    figures: dict[int, tuple[Figure, ...]] = {}
    for number, kpi, subject, meaning in CHARTER_KPIS:
        statuses = kpi_counts.get(kpi, {})
        applicable = sum(n for status, n in statuses.items() if status != "not_applicable")
        assessed = Figure(f"suppliers.kpi.{kpi}.assessed",
                          f"Assessed suppliers asked about {subject}",
                          applicable, f"{source}: kpi {kpi} with status other than "
                                      "not_applicable")
        met = Figure(f"suppliers.kpi.{kpi}.met", f"of which {meaning}", statuses.get("met", 0),
                     f"{source}: kpi {kpi} with status met")
        share = percent_figure(f"suppliers.kpi.{kpi}.share",
                               f"Assessed suppliers that {meaning}", met, assessed,
                               "No assessed supplier was asked")
        figures[number] = (assessed, met, share)
    return figures


# --- Charter commitments ----------------------------------------------------------------------

def _charter(session: Session, window: _Window, measured: dict[int, tuple[Figure, ...]],
             headline_measure: dict[int, Figure], *, target: float = CHARTER_MEASURE_TARGET,
             target_note: str = "",
             activity_note: str = "Status from the referrals recorded in the year.",
             ) -> tuple[CharterCommitment, ...]:
    """Each commitment's status: from its headline measure when the service can measure it
    (training, declarations), otherwise from the evidence officers recorded (domain.charter)."""
    recorded = {
        number: (in_year, latest)
        for number, in_year, latest in session.execute(
            select(CharterEvidence.commitment,
                   func.sum(case((CharterEvidence.evidenced_on.between(
                       window.year.first_day, window.year.last_day), 1), else_=0)),
                   func.max(CharterEvidence.evidenced_on))
            .where(CharterEvidence.evidenced_on <= window.as_of)
            .group_by(CharterEvidence.commitment))
    }
    commitments = []
    for (number, text_value), item in zip(CHARTER_COMMITMENTS, COMMITMENTS, strict=True):
        in_year, latest = recorded.get(number, (0, None))
        items = Figure(f"charter.{number}.evidence_items",
                       f"Evidence items recorded for commitment {number} in the year",
                       int(in_year or 0),
                       f"charter_evidence where commitment = {number} and evidenced_on in "
                       f"{window.period}")
        evidence = (items, *measured.get(number, ()))
        measure = headline_measure.get(number)
        notes = []
        if measure is not None and measure.value is not None:
            status, rag = charter_status(measure, target)
            notes.append(f"Status from {measure.label.lower()} against {target:.0f}%.")
            if target_note:
                notes.append(f"{target_note}.")
        elif latest is None and number in EVIDENCED_BY_ACTIVITY and any(
                f.value for f in measured.get(number, ())):
            # Referrals made in the year show the referral route is in use.
            status, rag = "Evidenced", parse_rag("green")
            notes.append(activity_note)
        else:
            found = commitment_status(item, [Evidence(number, latest)] if latest else [],
                                      window.as_of)
            status, rag = found.status.label, parse_rag(found.status.rag)
            if latest is None:
                status = NOT_EVIDENCED
                notes.append("No evidence of this commitment is recorded in the service.")
        if latest is not None:
            notes.append(f"Latest evidence recorded {latest:%d/%m/%Y}.")
        commitments.append(CharterCommitment(number, text_value, status, rag, evidence,
                                             " ".join(notes)))
    return tuple(commitments)


# --- training and referrals -------------------------------------------------------------------

def _training(session: Session, window: _Window) -> tuple[tuple[Figure, ...], list[tuple]]:
    """The newest count for each staff group and course recorded in the year.

    Training records are already counts (one row per group, course and date, entered by hand),
    so the year's few rows are read and reduced with the rule the programme pages use."""
    records = list(session.scalars(
        select(TrainingRecord)
        .where(TrainingRecord.recorded_on.between(window.year.first_day, window.as_of))
        .order_by(TrainingRecord.staff_group, TrainingRecord.recorded_on, TrainingRecord.id)
    ))
    figures: list[Figure] = []
    rows = []
    for record in latest_training(records):
        group = TRAINING_GROUP_LABELS.get(record.staff_group, record.staff_group)
        stem = f"training.{record.staff_group}.{_slug(record.course)}"
        source = (f"training_records id {record.id}: the latest for staff_group = "
                  f"{record.staff_group} and course '{record.course}' recorded in "
                  f"{window.year.first_day}..{window.as_of}")
        completed = Figure(f"{stem}.completed", f"{group}: completed {record.course}",
                           record.completed, f"{source} (completed)")
        total = Figure(f"{stem}.total", f"{group}: staff in the group", record.total,
                       f"{source} (total)")
        figures += [completed, total,
                    percent_figure(f"{stem}.share", f"{group}: {record.course} completion",
                                   completed, total, "Nobody in the group")]
        rows.append((group, record.course, record.completed, record.total,
                     record.recorded_on.isoformat()))
    return tuple(figures), rows


def _procurement_training(figures: tuple[Figure, ...]) -> Figure | None:
    """Commitment 1 is about the CIPS course for the procurement team; any procurement-team
    training stands in when CIPS is not recorded."""
    shares = [f for f in figures if f.key.startswith("training.procurement_team.")
              and f.key.endswith(".share")]
    cips = [f for f in shares if "cips" in f.key]
    chosen = (cips or shares or [None])[0]
    if chosen is None:
        return None
    # A stable key for the headline, so the year-on-year comparison finds it.
    return Figure("training.procurement_team.share", "Procurement team trained (CIPS)",
                  chosen.value, f"= {chosen.key}", chosen.unit, chosen.missing_reason,
                  (chosen.key,))


def _referral_figures(session: Session, window: _Window) -> dict[str, Figure]:
    counts = dict(session.execute(
        select(Referral.referral_type, func.count(Referral.id))
        .where(Referral.referred_on.between(window.year.first_day, window.year.last_day))
        .group_by(Referral.referral_type)
    ).all())
    return {
        f"referrals.{kind.value}": Figure(
            f"referrals.{kind.value}", REFERRAL_TYPE_LABELS[kind], int(counts.get(kind.value, 0)),
            f"referrals where referral_type = {kind.value} and referred_on in {window.period} "
            "(counted; no personal data)")
        for kind in ReferralType
    }


# --- the council's action plan ------------------------------------------------------------------

class PlanChoice(Enum):
    """Which action plan the pack reports when no plan id is given."""

    CURRENT = "current"


def _action_plan(session: Session, window: _Window, plan_id: int | None | PlanChoice, *,
                 edition_2: bool = False) -> tuple[ActionPlanSection, list[tuple]]:
    """The plan's actions and RAG counts. Edition 1 reports each action's RAG as recorded and
    the plan's title as stored; edition 2 rates overdue unfinished actions Red unless an officer
    rated them, and names the plan rather than its file."""
    if plan_id is PlanChoice.CURRENT:
        plan = current_plan(session)
    else:
        plan = session.get(ActionPlan, plan_id) if plan_id is not None else None
    if plan is None:
        return ActionPlanSection(
            "", (), FigureGroup("Action plan", ()),
            f"No action plan is recorded for {window.year.label}: import or enter the council's "
            "modern slavery action plan under Programme to report it here."), []
    rows = session.execute(
        select(PlanAction).join(ActionPlanPriority)
        .where(ActionPlanPriority.plan_id == plan.id)
        .order_by(ActionPlanPriority.position, PlanAction.position)
    ).scalars().all()
    def rag_of(action: PlanAction) -> Rag | None:
        return (_plan_rag_edition_2(action, window.as_of) if edition_2
                else parse_rag(action.rag))

    actions = tuple(
        PlannedAction(action.ref or "", action.description,
                      action.lead_officer or action.area_lead, action.start_date,
                      action.end_date, rag_of(action),
                      PROGRESS_LABELS.get(action.progress, action.timeframe or ""))
        for action in rows
    )
    title = _plan_name(plan) if edition_2 else plan.title
    source = f"plan_actions of action plan {plan.id} ('{plan.title}')"
    if edition_2:
        rag_counts = Counter(a.rag.value if a.rag else None for a in actions)
        source += (", an overdue unfinished action counted Red unless an officer changed its "
                   "RAG (action_rag_changes)")
    else:
        rag_counts = dict(session.execute(
            select(PlanAction.rag, func.count(PlanAction.id)).join(ActionPlanPriority)
            .where(ActionPlanPriority.plan_id == plan.id).group_by(PlanAction.rag)).all())
    figures = [Figure("action_plan.actions", "Actions in the plan", sum(rag_counts.values()),
                      source)]
    for rag in ("green", "amber", "red", None):
        label = rag.capitalize() if rag else "Not rated"
        figures.append(Figure(f"action_plan.rag.{rag or 'not_rated'}", f"Actions rated {label}",
                              int(rag_counts.get(rag, 0)),
                              f"{source} where rag {'= ' + rag if rag else 'is empty'}"))
    overdue = sum(1 for a in rows if is_overdue(a.end_date, a.progress, window.as_of))
    figures.append(Figure("action_plan.overdue", f"Actions overdue on {window.as_of:%d/%m/%Y}",
                          overdue, f"{source} where end_date before {window.as_of} and progress "
                                   "is not completed"))
    evidence = [(a.ref, a.description, a.lead, a.start, a.end, a.progress,
                 a.rag.label if a.rag else "Not rated") for a in actions]
    return ActionPlanSection(title, actions, FigureGroup("Action plan RAG", tuple(figures)),
                             "", plan.created_at.date()), evidence


# --- rows behind the figures, for the spreadsheet ------------------------------------------------

def _yes_no(condition):
    return case((condition, "Yes"), else_="No")


def _evidence_tables(session: Session, window: _Window, figures: dict[str, Figure],
                     training: tuple[Figure, ...], training_rows: list[tuple],
                     plan_rows: list[tuple], row_limit: int, *,
                     assessed_only: bool = False) -> tuple[EvidenceTable, ...]:
    def listed(section: str, title: str, keys: Sequence[str], columns: Sequence[str],
               statement: Select, total: int, convert: Callable = tuple) -> EvidenceTable:
        rows = tuple(convert(row) for row in session.execute(statement.limit(row_limit)))
        return EvidenceTable(section, title, tuple(keys), tuple(columns), rows, total)

    def iso(row):
        return tuple(value.isoformat() if isinstance(value, date) else value for value in row)

    invitation = tender_invitations.c
    tables = [listed(
        TRANSPARENCY, "Tenders closing in the year",
        ("tenders.in_year", "tenders.invited_bidders", "tenders.bidders_declared"),
        ("Reference", "Title", "Closing date", "Invited bidders", "Bidders declared"),
        select(Tender.reference, Tender.title, Tender.closing_date,
               func.count(invitation.supplier_id),
               func.coalesce(func.sum(case((_tender_declared(), 1), else_=0)), 0))
        .select_from(Tender).outerjoin(tender_invitations, invitation.tender_id == Tender.id)
        .where(_tender_closing_in(window))
        .group_by(Tender.id, Tender.reference, Tender.title, Tender.closing_date)
        .order_by(Tender.closing_date, Tender.reference),
        figures["tenders.in_year"].value, iso,
    ), listed(
        TRANSPARENCY, "Contracts live during the year",
        ("contracts.live", "contracts.supplier_declared"),
        ("Reference", "Title", "Supplier", "Start", "End", "Supplier declared in the year"),
        select(Contract.reference, Contract.title, Supplier.name, Contract.start_date,
               Contract.end_date, _yes_no(_supplier_declared_in(window, Contract.supplier_id)))
        .select_from(Contract).outerjoin(Supplier, Supplier.id == Contract.supplier_id)
        .where(_contract_live_in(window)).order_by(Contract.reference),
        figures["contracts.live"].value, iso,
    ), listed(
        TRANSPARENCY, "Relevant commercial organisations and their s.54 statements",
        ("s54.in_scope", "s54.compliant_six_areas"),
        ("Supplier", "Companies House number", "Turnover band", "Compliant statement, six areas"),
        select(Supplier.name, Supplier.companies_house_number, Supplier.turnover_band,
               _yes_no(_compliant_statement(window)))
        .where(_relevant_supplier(window)).order_by(Supplier.name, Supplier.id),
        figures["s54.in_scope"].value,
    ), listed(
        TRANSPARENCY, "Re-attestations due in the year",
        ("reattestation.due", "reattestation.on_time"),
        ("Supplier", "Due on", "Status", "Completed at", "On time"),
        select(Supplier.name, AttestationSchedule.due_on, AttestationSchedule.status,
               AttestationSchedule.completed_at,
               _yes_no(and_(AttestationSchedule.status == SCHEDULE_COMPLETED,
                            func.date(AttestationSchedule.completed_at)
                            <= AttestationSchedule.due_on)))
        .join(Supplier, Supplier.id == AttestationSchedule.supplier_id)
        .where(AttestationSchedule.due_on.between(window.year.first_day,
                                                  window.last_counted_day))
        .order_by(AttestationSchedule.due_on, Supplier.name, AttestationSchedule.id),
        figures["reattestation.due"].value, iso,
    )]
    serious = _serious(assessed_only)
    actions_raised = (select(func.count(CorrectiveAction.id))
                      .where(CorrectiveAction.supplier_id == RiskAssessment.supplier_id,
                             CorrectiveAction.created_at < window.as_of_end)
                      .scalar_subquery())
    tables.append(listed(
        TRANSPARENCY, f"Suppliers rated High, Critical or excluded on {window.as_of:%d/%m/%Y}",
        ("risk.high_critical_or_excluded", "risk.high_critical_with_action"),
        ("Supplier", "Rating", "Residual score", "Corrective actions raised"),
        select(Supplier.name,
               case((RiskAssessment.excluded_pending_review.is_(True), KNOCK_OUT_LABEL),
                    else_=RiskAssessment.residual_band),
               RiskAssessment.residual_score, actions_raised)
        .join(Supplier, Supplier.id == RiskAssessment.supplier_id)
        .where(_assessment_current_at(window), serious)
        .order_by(RiskAssessment.residual_rank.desc(), RiskAssessment.residual_score.desc(),
                  Supplier.name),
        figures["risk.high_critical_or_excluded"].value,
    ))
    in_year = or_(and_(CorrectiveAction.created_at >= window.start,
                       CorrectiveAction.created_at < window.end),
                  and_(CorrectiveAction.signed_off_at >= window.start,
                       CorrectiveAction.signed_off_at < window.end))
    tables.append(listed(
        TRANSPARENCY, "Corrective actions opened or signed off in the year",
        ("corrective.opened", "corrective.closed"),
        ("Supplier", "Action", "Status", "Opened", "Signed off"),
        select(Supplier.name, CorrectiveAction.title, CorrectiveAction.status,
               CorrectiveAction.created_at, CorrectiveAction.signed_off_at)
        .join(Supplier, Supplier.id == CorrectiveAction.supplier_id)
        .where(in_year).order_by(CorrectiveAction.created_at, CorrectiveAction.id),
        _count(session, select(func.count(CorrectiveAction.id)).where(in_year)), iso,
    ))
    charter_items = and_(CharterEvidence.evidenced_on.between(window.year.first_day,
                                                              window.year.last_day),
                         CharterEvidence.evidenced_on <= window.as_of)
    tables.append(listed(
        CHARTER, "Charter evidence recorded in the year",
        tuple(f"charter.{number}.evidence_items" for number, _text in CHARTER_COMMITMENTS),
        ("Commitment", "Evidenced on", "Description"),
        select(CharterEvidence.commitment, CharterEvidence.evidenced_on,
               CharterEvidence.description)
        .where(charter_items).order_by(CharterEvidence.commitment, CharterEvidence.evidenced_on,
                                       CharterEvidence.id),
        _count(session, select(func.count(CharterEvidence.id)).where(charter_items)), iso,
    ))
    training_keys = tuple(f.key for f in training if not f.key.endswith(".share"))
    if training_rows:
        tables.append(EvidenceTable(
            TRAINING, "Training counts reported", training_keys,
            ("Staff group", "Course", "Completed", "In the group", "Recorded on"),
            tuple(training_rows), len(training_rows)))
    if plan_rows:
        tables.append(EvidenceTable(
            ACTION_PLAN, "Action plan actions", ("action_plan.actions",),
            ("Ref", "Action", "Lead", "Start", "End", "Progress", "RAG"), tuple(plan_rows),
            len(plan_rows)))
    return tuple(tables)


# --- edition 2: figures that say exactly what they count ----------------------------------------

S54_SIX_AREAS_LABEL = "Registered statement covering all six areas"
RCO_CURRENT_KEY = "s54.rco_current_statement_share"
# Edition 2's new headline measure's default target (percent).
EDITION_2_TARGETS = {RCO_CURRENT_KEY: 100.0}


def _s54_figures_edition_2(session: Session, window: _Window) -> dict[str, Figure]:
    """Edition 1's counts, named for what they check: a statement on the registry that covers
    the six areas, not compliance with s.54."""
    figures = _s54_figures(session, window)
    figures["s54.compliant_six_areas"] = replace(
        figures["s54.compliant_six_areas"],
        label=f"of which have a {S54_SIX_AREAS_LABEL.lower()}")
    figures["s54.compliant_share"] = replace(
        figures["s54.compliant_share"],
        label=f"{S54_SIX_AREAS_LABEL} (share of relevant commercial organisations)")
    figures.update(_rco_statement_figures(session, window))
    return figures


def _rco_statement_figures(session: Session, window: _Window) -> dict[str, Figure]:
    """The defensible s.54 measure: suppliers with a live contract that are relevant commercial
    organisations by their latest declaration (turnover band and UK business, derived as the v2
    risk model's checks.rco does, never from the supplier's own yes/no), and of those, how many
    declared a current statement on the as-of date (period ended within the model's 18 months,
    approval date and signatory given: domain.risk.evidence.check_facts). Only the latest
    declaration's answers of each such supplier are read, one at a time."""
    model = load_model("v2")
    months = model.checks.statement_currency_months
    live_contract = (select(literal(1)).select_from(Contract)
                     .where(Contract.supplier_id == Declaration.supplier_id,
                            _contract_live_in(window)).exists())
    latest: set[int] = set()
    relevant = current = 0
    for declaration in session.scalars(
            select(Declaration)
            .where(Declaration.status != STATUS_DRAFT,
                   Declaration.submitted_at < window.as_of_end, live_contract)
            .order_by(Declaration.supplier_id, Declaration.submitted_at.desc(),
                      Declaration.id.desc())
            .execution_options(yield_per=500)):
        if declaration.supplier_id in latest:
            continue
        latest.add(declaration.supplier_id)
        facts = check_facts(model, submitted_answers(declaration), window.as_of)
        if facts.relevant_commercial_organisation:
            relevant += 1
            current += facts.statement_current is True
        session.expunge(declaration)
    source = (f"the latest declaration submitted by {window.as_of} of each supplier with a "
              f"contract live in {window.period}")
    in_scope = Figure(
        "s54.rco_declared", "Suppliers that are relevant commercial organisations by their "
        "latest declaration (turnover £36m or more, carrying on business in the UK)", relevant,
        f"{source}, relevant commercial organisation as derived by risk model v2 checks.rco")
    with_current = Figure(
        "s54.rco_current_statement",
        f"of which declared a current s.54 statement (period ended within {months} months of "
        f"{window.as_of:%d/%m/%Y}, approval date and signatory given)", current,
        f"those declarations whose statement is current on {window.as_of} "
        "(domain.risk.evidence.check_facts)")
    share = percent_figure(
        RCO_CURRENT_KEY, "Relevant commercial organisations with a current s.54 statement",
        with_current, in_scope, "No relevant commercial organisation had a live contract")
    return {f.key: f for f in (in_scope, with_current, share)}


def _linked_referrals(session: Session, window: _Window) -> Figure:
    """Commitment 9 is about concerns over contractors: only a referral that names the supplier
    or contract it concerns evidences it."""
    linked = and_(Referral.referred_on.between(window.year.first_day, window.year.last_day),
                  or_(Referral.supplier_id.is_not(None), Referral.contract_id.is_not(None)))
    return Figure(
        "referrals.linked_to_supplier", "Referrals or concerns linked to a supplier or contract",
        _count(session, select(func.count(Referral.id)).where(linked)),
        f"referrals where referred_on in {window.period} and supplier_id or contract_id is set "
        "(counted; no personal data)")


def _procurement_training_edition_2(figures: tuple[Figure, ...]) -> Figure:
    """One procurement-team figure the summary, the Charter and the training section all read,
    named for the course it counts, and saying so when nothing is recorded."""
    chosen = _procurement_training(figures)
    if chosen is None:
        return not_recorded("training.procurement_team.share", "Procurement team trained",
                            "training_records where staff_group = procurement_team",
                            "None recorded",
                            unit="percent")
    course_share = next(f for f in figures if f.key == chosen.inputs[0])
    course = course_share.label.split(": ", 1)[-1].removesuffix(" completion")
    return replace(chosen, label=f"Procurement team trained ({course})")


def _ppn_figures(session: Session, window: _Window) -> dict[str, Figure]:
    high_risk = and_(_contract_live_in(window), Contract.ppn_high_risk.is_(True))
    count, total = session.execute(
        select(func.count(Contract.id), func.coalesce(func.sum(Contract.value), 0))
        .where(high_risk)).one()
    source = (f"contracts live in {window.period} where ppn_high_risk (PPN 02/23 industry "
              "from category and CPV, domain.ppn)")
    return {f.key: f for f in (
        Figure("ppn.high_risk_contracts",
               "Contracts live in the year in PPN 02/23 high-risk categories", int(count or 0),
               source),
        Figure("ppn.high_risk_value", "Value of those contracts (£, whole pounds)",
               int(round(total or 0)), f"sum of contracts.value of {source}"),
    )}


# --- the statement's own figures (issue 19) -------------------------------------------------------

COUNTRIES_LISTED = 10


def supply_chain_figures(session: Session, year: FinancialYear, as_of: date) -> list[Figure]:
    """What the statement says about the council's supply chains and the pack does not count:
    the suppliers with a live contract, the countries they are based in, and the contracts and
    their value by PPN 02/23 category. Counted the pack's way (contracts live in the year)."""
    window = _Window(year, min(year.last_day, as_of))
    live = _contract_live_in(window)
    period = window.period
    supplier_ids = select(Contract.supplier_id).where(live, Contract.supplier_id.isnot(None))
    suppliers = Figure(
        "statement.suppliers", "Suppliers with a contract live in the year",
        _count(session, select(func.count(func.distinct(Contract.supplier_id))).where(
            live, Contract.supplier_id.isnot(None))),
        f"distinct suppliers of the contracts live in {period}")
    by_country = session.execute(
        select(Supplier.country, func.count(Supplier.id))
        .where(Supplier.id.in_(supplier_ids))
        .group_by(Supplier.country).order_by(func.count(Supplier.id).desc(), Supplier.country)
    ).all()
    figures = [suppliers, Figure(
        "statement.countries", "Countries those suppliers are based in",
        sum(1 for country, _n in by_country if country),
        "distinct countries of those suppliers")]
    listed, rest = by_country[:COUNTRIES_LISTED], by_country[COUNTRIES_LISTED:]
    for country, count in listed:
        code = country or "unknown"
        figures.append(Figure(
            f"statement.country.{_slug(code)}",
            f"Suppliers based in {country_name(country) if country else 'a country not recorded'}",
            int(count), f"those suppliers whose country is {country or 'empty'}"))
    if rest:
        figures.append(Figure(
            "statement.country.other", "Suppliers based in other countries",
            sum(int(count) for _country, count in rest),
            f"those suppliers in the countries after the {COUNTRIES_LISTED} with most"))
    rows = session.execute(
        select(Contract.ppn_industry, func.count(Contract.id),
               func.coalesce(func.sum(Contract.value), 0))
        .where(live).group_by(Contract.ppn_industry).order_by(Contract.ppn_industry)
    ).all()
    total_value = 0
    for industry, count, value in sorted(rows, key=lambda row: industry_label(row[0])):
        key = _slug(industry or UNCLASSIFIED)
        label = industry_label(industry)
        # The industry is worked out from each contract's category and CPV code (domain.ppn).
        source = f"contracts live in the year whose PPN 02/23 industry is {industry or 'empty'}"
        figures += [
            Figure(f"statement.ppn.{key}.contracts", f"Contracts: {label}", int(count), source),
            Figure(f"statement.ppn.{key}.value", f"Value of contracts: {label}",
                   int(round(value or 0)), "sum of the value of those contracts", POUNDS),
        ]
        total_value += int(round(value or 0))
    figures.append(Figure("statement.contracts_value",
                          "Value of all contracts live in the year", total_value,
                          f"sum of the value of the contracts live in {period}", POUNDS))
    return figures


def policy_records(session: Session, year: FinancialYear, as_of: date) -> list[PolicyRecord]:
    """The Charter evidence the council recorded in the year: what it did and adopted."""
    last = min(year.last_day, as_of)
    return [PolicyRecord(row.commitment, row.evidenced_on, row.description)
            for row in session.scalars(
                select(CharterEvidence)
                .where(CharterEvidence.evidenced_on.between(year.first_day, last))
                .order_by(CharterEvidence.evidenced_on, CharterEvidence.id))]


def _exclusion_figures(session: Session, window: _Window) -> dict[str, Figure]:
    first, last = window.year.first_day, window.last_counted_day
    decisions = exclusions.decision_counts(session, first, last)
    checks = exclusions.debarment_check_counts(session, first, last)
    decided = f"exclusion_decisions standing on {last}, decided_on in {first}..{last}"
    figures = [
        Figure(f"exclusions.{outcome}", f"Suppliers decided: {label.lower()}",
               decisions.get(outcome, 0), f"{decided} with outcome {outcome}")
        for outcome, label in exclusion_rules.OUTCOMES.items()
    ]
    figures += [
        Figure("exclusions.awaiting_decision",
               f"Suppliers reporting an exclusion ground with no decision on {last:%d/%m/%Y}",
               decisions.get(exclusion_rules.AWAITING_DECISION, 0),
               f"suppliers whose latest declaration submitted by {last} reports a ground and "
               "no decision covers it"),
        Figure("debarment.checks", "Debarment list checks made in the year",
               checks["checked"], f"debarment_checks where checked_at in {first}..{last}"),
        Figure("debarment.matches", "of which found the supplier on the list",
               checks["matched"], "those debarment_checks where matched"),
    ]
    return {f.key: f for f in figures}


def _stored_targets(session: Session, as_of: date) -> dict[str, tuple[float, str]]:
    """Each target as the council had set it by the end of the as-of day, with what the pack
    says about it; a measure the council never set keeps its default."""
    set_by_then = pack_targets.targets_at(session, datetime.combine(as_of + timedelta(days=1),
                                                                    time()))
    targets = {}
    for key, default in (*TARGETS.items(), *EDITION_2_TARGETS.items(),
                         (CHARTER_TARGET_KEY, CHARTER_MEASURE_TARGET)):
        stored = set_by_then.get(key)
        targets[key] = ((stored.target, f"Target set by the council on {stored.set_at:%d/%m/%Y}")
                        if stored else (default, "Default target (not set by the council)"))
    return targets


def _plan_rag_edition_2(action: PlanAction, as_of: date) -> Rag | None:
    """An overdue, unfinished action is Red whatever its imported RAG, unless an officer rated it
    (a recorded RAG change): the officer's judgement stands."""
    if not action.rag_changes and is_overdue(action.end_date, action.progress, as_of):
        return Rag.RED
    return parse_rag(action.rag)


def _plan_name(plan: ActionPlan) -> str:
    """The plan's own name: a plan whose document had no title was named after its file on
    import, and a file name means nothing to Cabinet."""
    if plan.source_filename and plan.source_filename.rsplit("/", 1)[-1] in plan.title:
        return "The council's modern slavery action plan"
    return plan.title


# --- putting the pack together ------------------------------------------------------------------

def _measured(session: Session, window: _Window, edition: int = EDITION_1
              ) -> dict[str, Figure]:
    """The figures that are compared year on year, as the edition counts them."""
    edition_2 = edition == EDITION_2
    figures: dict[str, Figure] = {}
    figures.update(_declaration_figures(session, window))
    figures.update((_s54_figures_edition_2 if edition_2 else _s54_figures)(session, window))
    figures.update(_reattestation_figures(session, window))
    figures.update(_risk_figures(session, window, assessed_only=edition_2))
    return figures


def _previous_values(session: Session, year: FinancialYear, edition: int = EDITION_1
                     ) -> dict[str, int | float | None]:
    """Last year's figures counted the same way as this year's, so a change is a real one."""
    window = _Window(year, year.last_day)
    figures = _measured(session, window, edition)
    training, _rows = _training(session, window)
    procurement = _procurement_training(training)
    if procurement is not None:
        figures[procurement.key] = procurement
    return {key: figure.value for key, figure in figures.items()}


def trend_history(session: Session, year: FinancialYear, as_of: date, edition: int = EDITION_1
                  ) -> tuple[list[YearValues], tuple[str, ...], dict[str, str]]:
    """The measures the trend charts show (reports/trends.py) for `year` and the
    trends.YEARS_SHOWN - 1 years before it, oldest first, each counted the way this year's pack
    counts (so last year's point is the pack's "last year" column); `year` at `as_of`.

    Also the risk band keys in the pack's order, and the pack keys the charts' own keys stand
    for (the all-staff training measure is the all-staff course the year recorded).
    """
    band_keys = [_band_key(b) for b in (*RESIDUAL_BANDS, KNOCK_OUT_LABEL)]
    if check_edition(edition) == EDITION_2:
        band_keys.append(AWAITING_KEY)
    band_keys.append("risk.not_assessed")
    history: list[YearValues] = []
    aliases: dict[str, str] = {}
    first = FinancialYear(year.start_year - trends.YEARS_SHOWN + 1)
    for start in range(first.start_year, year.start_year + 1):
        each = FinancialYear(start)
        window = _Window(each, min(each.last_day, as_of))
        figures = _measured(session, window, edition)
        training, _rows = _training(session, window)
        procurement = _procurement_training(training)
        if procurement is not None:
            figures[procurement.key] = procurement
        all_staff = next((f for f in training if f.key.startswith("training.all_staff.")
                          and f.key.endswith(".share")), None)
        if all_staff is not None:
            figures[trends.ALL_STAFF_TRAINING_KEY] = all_staff
            if each == year:
                aliases[trends.ALL_STAFF_TRAINING_KEY] = all_staff.key
        history.append(trends.YearValues(
            each.label, {key: figure.value for key, figure in figures.items()},
            {key: figure.label for key, figure in figures.items()}))
    return history, tuple(band_keys), aliases


def report_trends(session: Session, year: FinancialYear, as_of: date, edition: int,
                  refs: dict[str, str]) -> tuple[trends.Trend, ...]:
    """The four trend charts for the year's pack or statement, each series carrying this
    year's pack reference for its measure."""
    history, band_keys, aliases = trend_history(session, year, as_of, edition)
    refs = {**refs, **{alias: refs[key] for alias, key in aliases.items() if key in refs}}
    return trends.build_trends(history, refs, band_keys)


def build_report_data(
    session: Session, year: FinancialYear | str, cover_date: date, author: str, *,
    council: str = "", version: str = "1.0", row_limit: int = ROW_LIMIT,
    progress: Callable[[str], None] | None = None,
    action_plan_id: int | None | PlanChoice = PlanChoice.CURRENT, edition: int = EDITION_1,
) -> ReportData:
    """The pack's data for `year`, figures taken at its end (or at `cover_date` if earlier),
    reporting the action plan `action_plan_id` (None: no plan), by default the current one.

    `edition` (reports/editions.py) is the one switch between edition 1, whose figures never
    change, and edition 2; every difference is in the *_edition_2 functions and the branches
    marked "edition 2" below.

    Raises ReportInputError for a year written wrongly or a cover date before the year began.
    """
    edition_2 = check_edition(edition) == EDITION_2
    if isinstance(year, str):
        year = FinancialYear.parse(year)
    if cover_date < year.first_day:
        raise ReportInputError(
            f"The cover date {cover_date:%d/%m/%Y} is before the {year.label} financial year "
            f"starts on {year.first_day:%d/%m/%Y}.")
    if not author.strip():
        raise ReportInputError("Enter the author's name for the cover.")
    report = progress or (lambda _step: None)
    window = _Window(year, min(year.last_day, cover_date))

    report("Counting declarations, statements and re-attestations")
    figures = _measured(session, window, edition)
    report("Counting risk, Charter evidence, training and referrals")
    kpi_figures = _kpi_figures(_kpi_counts(session, window), window)
    for group in kpi_figures.values():
        figures.update({f.key: f for f in group})
    training, training_rows = _training(session, window)
    figures.update({f.key: f for f in training})
    referrals = _referral_figures(session, window)
    if edition_2:
        # One procurement-training figure read everywhere; commitment 9 from linked referrals.
        procurement = _procurement_training_edition_2(training)
        figures[procurement.key] = procurement
        linked_referrals = _linked_referrals(session, window)
        referrals[linked_referrals.key] = linked_referrals
        figures.update(_ppn_figures(session, window))
        figures.update(_exclusion_figures(session, window))
        targets = _stored_targets(session, window.as_of)
    else:
        procurement = _procurement_training(training)
        targets = {key: (value, "") for key, value in TARGETS.items()}
    figures.update(referrals)
    report("Reading the action plan and the previous year")
    plan, plan_rows = _action_plan(session, window, action_plan_id, edition_2=edition_2)
    previous = _previous_values(session, year.previous, edition)

    measured = dict(kpi_figures)
    measured[1] = (procurement,) if procurement is not None else ()
    measured[2] = (figures["contracts.declaration_coverage"], figures["s54.compliant_share"],
                   *kpi_figures[2])
    measured[9] = ((referrals["referrals.linked_to_supplier"],) if edition_2 else
                   (referrals["referrals.nrm"], referrals["referrals.duty_to_notify"]))
    headline = {6: kpi_figures[6][2]}
    if procurement is not None:
        headline[1] = procurement
    if figures["contracts.declaration_coverage"].value is not None:
        headline[2] = figures["contracts.declaration_coverage"]
    if edition_2:
        charter_target, charter_note = targets[CHARTER_TARGET_KEY]
        charter = _charter(
            session, window, measured, headline, target=charter_target,
            target_note=charter_note,
            activity_note="Status from referrals or concerns linked to a supplier or contract "
                          "in the year.")
    else:
        charter = _charter(session, window, measured, headline)

    def kpi(key: str, figure: Figure | None = None) -> SummaryKpi:
        figure = figure or figures[key]
        target, note = targets.get(key, (None, ""))
        return SummaryKpi(figure, target, previous.get(key), target_note=note)

    summary = [kpi("tenders.declaration_coverage"), kpi("contracts.declaration_coverage"),
               kpi("s54.compliant_share"), kpi("reattestation.on_time_share"),
               kpi("risk.high_critical_with_action_share")]
    summary.append(kpi("training.procurement_team.share", procurement) if procurement else
                   SummaryKpi(not_recorded("training.procurement_team.share",
                                           "Procurement team trained (CIPS)",
                                           "training_records where staff_group = "
                                           "procurement_team", "No training recorded",
                                           unit="percent"),
                              TARGETS["training.procurement_team.share"],
                              previous.get("training.procurement_team.share")))

    if edition_2:
        summary.insert(3, kpi(RCO_CURRENT_KEY))
    summary.append(SummaryKpi(figures["risk.high_critical"], None,
                              previous.get("risk.high_critical"), higher_is_better=False))

    def group(title: str, keys: Sequence[str], note: str = "") -> FigureGroup:
        return FigureGroup(title, tuple(figures[key] for key in keys), note)

    band_keys = [_band_key(b) for b in (*RESIDUAL_BANDS, KNOCK_OUT_LABEL)] + ["risk.not_assessed"]
    if edition_2:
        band_keys.insert(-1, AWAITING_KEY)
    assessed_any = any(figures[k].value for k in band_keys[:-1])
    transparency = (
        group("Declarations", ("tenders.in_year", "tenders.invited_bidders",
                               "tenders.bidders_declared", "tenders.declaration_coverage",
                               "contracts.live", "contracts.supplier_declared",
                               "contracts.declaration_coverage", "declarations.submitted")),
        group("s.54 statements of relevant commercial organisations",
              ("s54.in_scope", "s54.compliant_six_areas", "s54.compliant_share"),
              "Checked against the Home Office modern slavery statement registry as imported "
              "into the service."),
        group("Re-attestation", ("reattestation.due", "reattestation.on_time",
                                 "reattestation.on_time_share")),
        group("High and critical risk and the action taken",
              ("risk.high_critical", "risk.high_critical_or_excluded",
               "risk.high_critical_with_action", "risk.high_critical_with_action_share",
               "corrective.opened", "corrective.closed", "corrective.open_at_end")),
        group("Knock-outs and exclusions", ("risk.knockouts_in_year", "exclusions.decided"),
              "Knock-outs are answers that exclude a supplier pending an officer's review. "
              "Exclusion decisions under the Procurement Act 2023 are not recorded in the "
              "service."),
    )
    if edition_2:
        transparency = (
            transparency[0],
            group("s.54 statements of relevant commercial organisations",
                  ("s54.in_scope", "s54.compliant_six_areas", "s54.compliant_share",
                   "s54.rco_declared", "s54.rco_current_statement", RCO_CURRENT_KEY),
                  "The registry measure checks the Home Office modern slavery statement "
                  "registry as imported into the service: a statement covering the six areas, "
                  "not compliance with s.54. The current-statement measure reads each "
                  "supplier's latest declaration."),
            transparency[2],
            group("High and critical risk and the action taken",
                  ("risk.high_critical", "risk.high_critical_or_excluded",
                   "risk.high_critical_with_action", "risk.high_critical_with_action_share",
                   AWAITING_KEY, "corrective.opened", "corrective.closed",
                   "corrective.open_at_end"),
                  "Counts suppliers assessed on a declaration. Suppliers awaiting a "
                  "declaration are scored on inherent risk only and counted apart."),
            group("Knock-outs, exclusion decisions and debarment checks",
                  ("risk.knockouts_in_year", *(f"exclusions.{outcome}" for outcome
                                               in exclusion_rules.OUTCOMES),
                   "exclusions.awaiting_decision", "debarment.checks", "debarment.matches"),
                  "Knock-outs are answers that exclude a supplier pending an officer's review. "
                  "Decisions are those under the Procurement Act 2023 recorded in the service, "
                  "each supplier counted once by its standing decision."),
            group("Contracts in PPN 02/23 high-risk categories",
                  ("ppn.high_risk_contracts", "ppn.high_risk_value"),
                  "Industries PPN 02/23 names as at high risk of modern slavery, from each "
                  "contract's category and CPV code."),
        )
    risk_bands = group(
        "Risk band distribution", band_keys,
        "" if assessed_any else "No risk assessments were in force at the end of the year.")
    training_group = FigureGroup(
        "Training completion by staff group", training,
        "" if training else f"No training completion is recorded for {year.label}.")
    referral_group = FigureGroup(
        "Referrals made by the council", tuple(referrals.values()),
        "Counts only: the pack holds no details of any person referred.")

    report("Listing the rows behind each figure")
    evidence = _evidence_tables(session, window, figures, training, training_rows, plan_rows,
                                row_limit, assessed_only=edition_2)
    return ReportData(
        cover=Cover(council or "The council", year, cover_date, author.strip(), version),
        summary=tuple(summary), charter=charter, transparency=transparency,
        risk_bands=risk_bands, action_plan=plan, training=(training_group, referral_group),
        evidence_tables=evidence, edition=edition,
    )
