"""The council's Modern Slavery Transparency Statement (issue 19): drafted from the year's pack
figures, its narratives written by officers, submitted, approved (as the council decided it:
who, in what role, when, under which decision), then published at a public address.

draft -> submitted -> approved -> published. An approved version never changes (the model
refuses it, models/statement.py); changing it means a new version, drafted from it, which
supersedes it once approved. Every step is in the audit log.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from supplier_dd.domain.control_characters import control_character_problem
from supplier_dd.models import CabinetPackRun, Council, TransparencyStatement, User
from supplier_dd.models.cabinet_pack import RUN_DONE
from supplier_dd.models.statement import (
    STATEMENT_APPROVED,
    STATEMENT_DRAFT,
    STATEMENT_PUBLISHED,
    STATEMENT_SUBMITTED,
    STATEMENT_SUPERSEDED,
)
from supplier_dd.models.tenancy import across_councils, acting_council
from supplier_dd.reports import statement as content
from supplier_dd.reports.data import FinancialYear, ReportInputError
from supplier_dd.reports.editions import default_edition
from supplier_dd.reports.queries import (
    build_report_data,
    policy_records,
    report_trends,
    supply_chain_figures,
)
from supplier_dd.services import ServiceError, audit
from supplier_dd.services.councils import council_by_short_name

APPROVAL_FIELD_MAX = 200


def _council(session: Session) -> Council:
    council = session.get(Council, acting_council(session))
    if council is None:
        raise ServiceError("Statements belong to a council: sign in as its staff")
    return council


def year_of(statement: TransparencyStatement) -> FinancialYear:
    return FinancialYear(statement.start_year)


def statements(session: Session) -> list[TransparencyStatement]:
    """The council's statements, newest year and version first."""
    return list(session.scalars(select(TransparencyStatement).order_by(
        TransparencyStatement.start_year.desc(), TransparencyStatement.version.desc())))


def get(session: Session, statement_id: int) -> TransparencyStatement | None:
    return session.get(TransparencyStatement, statement_id)


def _figures_for(session: Session, council: Council, year: FinancialYear, today: date
                 ) -> tuple[dict, date]:
    as_of = min(today, year.last_day)
    edition = default_edition(year)
    # The statement quotes figures, not evidence rows: a short row limit keeps drafting quick.
    report = build_report_data(session, year, as_of, council.pack_author or council.name,
                               council=council.name, edition=edition, row_limit=1)
    trends = report_trends(session, year, as_of, edition, report.figure_refs())
    figures = content.statement_figures(
        report, trends, supply_chain=tuple(supply_chain_figures(session, year, as_of)),
        policy_records=tuple(policy_records(session, year, as_of)))
    return figures.as_json(), as_of


def _open_version(session: Session, start_year: int) -> TransparencyStatement | None:
    return session.scalar(select(TransparencyStatement).where(
        TransparencyStatement.start_year == start_year,
        TransparencyStatement.status.in_((STATEMENT_DRAFT, STATEMENT_SUBMITTED))))


def _latest_approved(session: Session, start_year: int) -> TransparencyStatement | None:
    return session.scalar(select(TransparencyStatement).where(
        TransparencyStatement.start_year == start_year,
        TransparencyStatement.status.in_((STATEMENT_APPROVED, STATEMENT_PUBLISHED)))
        .order_by(TransparencyStatement.version.desc()).limit(1))


def start_draft(session: Session, year_text: str, user: User | None, now: datetime,
                actor: audit.Actor) -> TransparencyStatement:
    """A new draft for the year: its figures from the pack's, its narratives the last approved
    version's (a new version of it) or the suggested ones."""
    try:
        year = FinancialYear.parse(year_text)
    except ReportInputError as error:
        raise ServiceError(str(error)) from error
    if year.first_day > now.date():
        raise ServiceError(f"The {year.label} financial year has not started yet")
    if _open_version(session, year.start_year) is not None:
        raise ServiceError(f"There is already a statement for {year.label} being drafted or "
                           "approved: carry on with it")
    council = _council(session)
    previous = _latest_approved(session, year.start_year)
    version = (session.scalar(select(func.max(TransparencyStatement.version)).where(
        TransparencyStatement.start_year == year.start_year)) or 0) + 1
    figures, as_of = _figures_for(session, council, year, now.date())
    statement = TransparencyStatement(
        start_year=year.start_year, version=version, status=STATEMENT_DRAFT,
        narratives=dict(previous.narratives) if previous is not None
        else content.default_narratives(council.name, year.label),
        figures=figures, figures_as_of=as_of, created_at=now,
        created_by_id=user.id if user is not None else None,
        supersedes_id=previous.id if previous is not None else None, note="")
    session.add(statement)
    session.flush()
    audit.record(session, "statement.drafted", actor, now, object_type="transparency_statement",
                 object_id=statement.id, after={"year": year.label, "version": version,
                                                "supersedes_id": statement.supersedes_id})
    return statement


def _must_be(statement: TransparencyStatement, status: str, doing: str) -> None:
    if statement.status != status:
        raise ServiceError(f"This statement is {statement.status}: it cannot be {doing}"
                           + (". Make a new version to change it" if statement.is_approved
                              else ""))


def narrative_problems(narratives: dict[str, str]) -> dict[str, str]:
    """Area -> what is wrong with its paragraph."""
    problems = {}
    for area in content.AREAS:
        text = narratives.get(area, "")
        if not text.strip():
            problems[area] = f"Enter the paragraph for {content.AREA_TITLES[area].lower()}"
        elif len(text) > content.NARRATIVE_MAX:
            problems[area] = (f"{content.AREA_TITLES[area]} must be "
                              f"{content.NARRATIVE_MAX:,} characters or fewer")
        elif (problem := control_character_problem(content.AREA_TITLES[area], text,
                                                   multiline=True)) is not None:
            problems[area] = problem
    return problems


def save_narratives(session: Session, statement: TransparencyStatement,
                    narratives: dict[str, str], now: datetime, actor: audit.Actor) -> bool:
    """Store the officers' paragraphs (already checked); False when nothing changed."""
    _must_be(statement, STATEMENT_DRAFT, "edited")
    new = {area: narratives.get(area, "").strip() for area in content.AREAS}
    if new == statement.narratives:
        return False
    changed = sorted(area for area in content.AREAS
                     if statement.narratives.get(area) != new[area])
    statement.narratives = new
    session.flush()
    audit.record(session, "statement.narratives_saved", actor, now,
                 object_type="transparency_statement", object_id=statement.id,
                 details={"areas": changed})
    return True


def refresh_figures(session: Session, statement: TransparencyStatement, now: datetime,
                    actor: audit.Actor) -> None:
    _must_be(statement, STATEMENT_DRAFT, "refreshed")
    statement.figures, statement.figures_as_of = _figures_for(
        session, _council(session), year_of(statement), now.date())
    session.flush()
    audit.record(session, "statement.figures_refreshed", actor, now,
                 object_type="transparency_statement", object_id=statement.id,
                 after={"figures_as_of": statement.figures_as_of.isoformat()})


def submit(session: Session, statement: TransparencyStatement, user: User | None,
           now: datetime, actor: audit.Actor) -> None:
    _must_be(statement, STATEMENT_DRAFT, "submitted")
    problems = narrative_problems(statement.narratives)
    if problems:
        raise ServiceError("Write every area's paragraph before submitting: "
                           + "; ".join(problems.values()))
    statement.submitted_at = now
    statement.submitted_by_id = user.id if user is not None else None
    _move(session, statement, STATEMENT_SUBMITTED, "statement.submitted", now, actor)


def _move(session: Session, statement: TransparencyStatement, status: str, action: str,
          now: datetime, actor: audit.Actor, *, after: dict | None = None,
          details: dict | None = None) -> None:
    """One step of the workflow, in the audit log with the status it left and reached."""
    before = statement.status
    statement.status = status
    session.flush()
    audit.record(session, action, actor, now, object_type="transparency_statement",
                 object_id=statement.id, before={"status": before},
                 after={"status": status, **(after or {})}, details=details)


def return_to_draft(session: Session, statement: TransparencyStatement, reason: str,
                    now: datetime, actor: audit.Actor) -> None:
    _must_be(statement, STATEMENT_SUBMITTED, "sent back")
    statement.note = reason.strip()[:2000]
    _move(session, statement, STATEMENT_DRAFT, "statement.returned", now, actor,
          details={"reason": statement.note})


@dataclass(frozen=True)
class Approval:
    approved_on: date
    approver_name: str
    approver_role: str
    decision_reference: str
    # The evidence pack run approved with the statement; None: no pack from this service.
    pack_run_id: int | None = None


def approved_with(session: Session, run_id: int) -> list[TransparencyStatement]:
    """The statement versions the council approved with this pack run, newest first."""
    return list(session.scalars(select(TransparencyStatement).where(
        TransparencyStatement.pack_run_id == run_id)
        .order_by(TransparencyStatement.version.desc())))


def packs_to_approve_with(session: Session, statement: TransparencyStatement
                          ) -> list[CabinetPackRun]:
    """The year's finished Cabinet pack runs, newest first: the ones the statement can be
    approved with."""
    return list(session.scalars(select(CabinetPackRun).where(
        CabinetPackRun.financial_year == year_of(statement).label,
        CabinetPackRun.status == RUN_DONE)
        .order_by(CabinetPackRun.requested_at.desc(), CabinetPackRun.id.desc())))


def approval_problems(approval: Approval, statement: TransparencyStatement, today: date
                      ) -> dict[str, str]:
    problems = {}
    for name, label in (("approver_name", "the approver's name"),
                        ("approver_role", "the approver's role, like Leader of the Council"),
                        ("decision_reference", "the decision's reference, like the Cabinet "
                                               "minute number")):
        value = getattr(approval, name).strip()
        if not value:
            problems[name] = f"Enter {label}"
        elif len(value) > APPROVAL_FIELD_MAX:
            problems[name] = f"{label.capitalize()} must be {APPROVAL_FIELD_MAX} characters " \
                             "or fewer"
    if approval.pack_run_id is not None and approval.pack_run_id not in {
            run.id for run in packs_to_approve_with(object_session(statement), statement)}:
        problems["pack_run"] = ("Choose one of this year's finished evidence packs, or no "
                                "pack")
    if approval.approved_on > today:
        problems["approved_on"] = "The date of approval must be today or in the past"
    elif approval.approved_on < year_of(statement).first_day:
        problems["approved_on"] = "The date of approval must be in or after the year it covers"
    return problems


def header(council: Council, statement: TransparencyStatement) -> dict:
    """What the checksum covers besides the narratives and figures."""
    return {"council": council.name, "year": year_of(statement).label,
            "version": statement.version, "figures_as_of": statement.figures_as_of.isoformat()}


def approve(session: Session, statement: TransparencyStatement, approval: Approval,
            user: User | None, now: datetime, actor: audit.Actor) -> None:
    """Record the council's approval: the statement is frozen from here, and the version it
    supersedes stops being the year's statement."""
    _must_be(statement, STATEMENT_SUBMITTED, "approved")
    problems = approval_problems(approval, statement, now.date())
    if problems:
        raise ServiceError("; ".join(problems.values()))
    council = _council(session)
    statement.approved_on = approval.approved_on
    statement.approver_name = approval.approver_name.strip()
    statement.approver_role = approval.approver_role.strip()
    statement.decision_reference = approval.decision_reference.strip()
    statement.pack_run_id = approval.pack_run_id
    statement.approval_recorded_at = now
    statement.approval_recorded_by_id = user.id if user is not None else None
    statement.checksum = content.checksum(statement.narratives, statement.figures,
                                          header(council, statement))
    if statement.supersedes_id is not None:
        replaced = session.get(TransparencyStatement, statement.supersedes_id)
        replaced.status = STATEMENT_SUPERSEDED
    _move(session, statement, STATEMENT_APPROVED, "statement.approved", now, actor,
          after={"approved_on": approval.approved_on,
                 "approver_name": statement.approver_name,
                 "approver_role": statement.approver_role,
                 "decision_reference": statement.decision_reference,
                 "pack_run_id": statement.pack_run_id,
                 "checksum": statement.checksum})


def publish(session: Session, statement: TransparencyStatement, user: User | None,
            now: datetime, actor: audit.Actor) -> None:
    _must_be(statement, STATEMENT_APPROVED, "published")
    statement.published_at = now
    statement.published_by_id = user.id if user is not None else None
    _move(session, statement, STATEMENT_PUBLISHED, "statement.published", now, actor)


# --- The public editions ---------------------------------------------------------------------


def published_statement(session: Session, short_name: str, year_text: str,
                        version: int | None = None
                        ) -> tuple[Council, TransparencyStatement] | None:
    """A council's published statement for the year (the newest published version, or the
    version asked for if it was published), read without signing in."""
    council = council_by_short_name(session, short_name)
    try:
        year = FinancialYear.parse(year_text)
    except ReportInputError:
        return None
    if council is None:
        return None
    query = select(TransparencyStatement).where(
        TransparencyStatement.council_id == council.id,
        TransparencyStatement.start_year == year.start_year,
        TransparencyStatement.published_at.is_not(None))
    if version is not None:
        query = query.where(TransparencyStatement.version == version)
    statement = session.scalar(across_councils(
        query.order_by(TransparencyStatement.version.desc()).limit(1)))
    return (council, statement) if statement is not None else None


def public_year(statement: TransparencyStatement) -> str:
    """The year as the public address writes it: 2026-27."""
    return year_of(statement).label.replace("/", "-")


def registry_fields(council: Council, statement: TransparencyStatement, url: str
                    ) -> list[tuple[str, str]]:
    """What the Home Office statement registry's form asks for, in its order, to copy."""
    year = year_of(statement)
    return [("Organisation", council.name),
            ("Statement period", f"{year.first_day:%-d %B %Y} to {year.last_day:%-d %B %Y}"),
            ("Date approved", f"{statement.approved_on:%-d %B %Y}"),
            ("Approved by", f"{statement.approver_name}, {statement.approver_role}"),
            ("Statement URL", url),
            *((content.AREA_TITLES[area], statement.narratives.get(area, ""))
              for area in content.AREAS)]
