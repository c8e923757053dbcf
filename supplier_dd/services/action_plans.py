"""Storing imported action plans and editing their actions, with a history of RAG changes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, selectinload

from supplier_dd.database import hold_until_commit
from supplier_dd.domain.action_plans import (
    ActionPlanError,
    ParsedActionPlan,
    check_dates,
    is_overdue,
    parse_action_plan,
    parse_rag,
)
from supplier_dd.domain.timeframes import Progress
from supplier_dd.models import ActionPlan, ActionPlanPriority, ActionRagChange, PlanAction, User
from supplier_dd.services import ServiceError, audit

MAX_FILE_BYTES = 2 * 1024 * 1024


def decode_action_plan(data: bytes) -> str:
    """Text from an uploaded or named file: UTF-8 (with or without BOM), else Windows-1252.

    Extractions made on council Windows desktops are often Windows-1252; a file that is neither
    is not a text extraction of a table.
    """
    if len(data) > MAX_FILE_BYTES:
        raise ServiceError("The file is larger than 2 MB; an action plan extraction is far smaller")
    if b"\x00" in data:
        raise ServiceError("This file is not an action plan: it is not a text file. Save the "
                           "table as tab-separated text and import that.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ServiceError(
            "This file is not an action plan: its text encoding is not recognised. Save the "
            "table as tab-separated text (UTF-8) and import that."
        ) from None


def parse_file(data: bytes, filename: str) -> ParsedActionPlan:
    text = decode_action_plan(data)
    stem = filename.rsplit("/", 1)[-1]
    try:
        return parse_action_plan(text, default_title=f"Action plan imported from {stem}")
    except ActionPlanError as error:
        raise ServiceError("Nothing was imported. " + " ".join(
            problem if problem.endswith(".") else problem + "." for problem in error.problems
        )) from None


def store_action_plan(
    session: Session, parsed: ParsedActionPlan, *, source_filename: str | None,
    imported_by: User | None, now: datetime, title: str | None = None,
) -> ActionPlan:
    title = (title or parsed.title).strip()[:300]
    existing = session.scalar(select(ActionPlan.id).where(ActionPlan.title == title))
    if existing is not None:
        raise ServiceError(
            f"An action plan called {title!r} already exists; nothing was imported. "
            "Give this one a different title."
        )
    plan = ActionPlan(
        title=title, source_filename=source_filename, details=dict(parsed.details),
        import_notes=[
            {"line": note.line, "subject": note.subject, "kind": note.kind.value,
             "message": note.message}
            for note in parsed.report.notes
        ],
        imported_by=imported_by, created_at=now,
    )
    for position, parsed_priority in enumerate(parsed.priorities, start=1):
        priority = ActionPlanPriority(
            position=position, number=parsed_priority.number, title=parsed_priority.title[:300],
            aim=parsed_priority.aim,
        )
        for index, item in enumerate(parsed_priority.actions, start=1):
            priority.actions.append(PlanAction(
                position=index, ref=item.ref, description=item.description,
                specific_aim=item.specific_aim, measure=item.measure,
                lead_officer=item.lead_officer[:500], area_lead=item.area_lead[:500],
                start_date=item.start_date, end_date=item.end_date, timeframe=item.timeframe,
                progress=item.progress.value if item.progress else None,
                comments=item.comments, rag=item.rag.value if item.rag else None,
                source_line=item.line, updated_at=now,
            ))
        plan.priorities.append(priority)
    session.add(plan)
    session.flush()
    return plan


def list_plans(session: Session) -> list[tuple[ActionPlan, int]]:
    rows = session.execute(
        select(ActionPlan, func.count(PlanAction.id))
        .outerjoin(ActionPlanPriority, ActionPlanPriority.plan_id == ActionPlan.id)
        .outerjoin(PlanAction, PlanAction.priority_id == ActionPlanPriority.id)
        .group_by(ActionPlan.id)
        .order_by(ActionPlan.created_at.desc(), ActionPlan.id.desc())
    ).all()
    return [(plan, count) for plan, count in rows]


def current_plan(session: Session) -> ActionPlan | None:
    """The council's current action plan: the one marked current, else the latest imported
    (a plan imported for reference from another body is only current once someone says so)."""
    return session.scalar(
        select(ActionPlan)
        .order_by(ActionPlan.is_current.desc(), ActionPlan.created_at.desc(), ActionPlan.id.desc())
        .limit(1)
    )


def make_current(session: Session, plan_id: int, actor: audit.Actor,
                 now: datetime) -> ActionPlan:
    """Mark a plan as the council's current one (no other stays marked) and audit it. Marking
    the plan that is already marked changes nothing. Flushes; the caller commits."""
    # Every plan row is held: two people choosing different plans at once are answered in turn,
    # never with the one-current index's refusal.
    hold_until_commit(session, ActionPlan.is_current)
    plan = session.scalar(select(ActionPlan).where(ActionPlan.id == plan_id)
                          .execution_options(populate_existing=True))
    if plan is None:
        raise ServiceError("That action plan no longer exists.")
    if plan.is_current:
        return plan
    before = current_plan(session)
    # Unmarked first, in its own statement: the index allows one marked row at every moment.
    session.execute(update(ActionPlan).where(ActionPlan.is_current.is_(True))
                    .values(is_current=False).execution_options(synchronize_session="fetch"))
    plan.is_current = True
    session.flush()
    audit.record(session, "action_plan.made_current", actor, now, object_type="action_plan",
                 object_id=plan.id,
                 before={"current_plan": _plan_label(before)},
                 after={"current_plan": _plan_label(plan)})
    return plan


def _plan_label(plan: ActionPlan | None) -> str | None:
    return None if plan is None else f"{plan.id}: {plan.title}"


def load_plan(session: Session, plan_id: int) -> ActionPlan | None:
    return session.scalar(
        select(ActionPlan).where(ActionPlan.id == plan_id).options(
            selectinload(ActionPlan.priorities).selectinload(ActionPlanPriority.actions)
        )
    )


def overdue_actions(plan: ActionPlan, today: date) -> list[PlanAction]:
    return [action for priority in plan.priorities for action in priority.actions
            if is_overdue(action.end_date, action.progress, today)]


@dataclass
class ActionChanges:
    ref: str
    description: str
    measure: str
    lead_officer: str
    area_lead: str
    start_date: date | None
    end_date: date | None
    progress: str
    comments: str
    rag: str
    rag_reason: str


class ActionProblems(ServiceError):
    """Several fields are wrong; `by_field` says which, for the error summary."""

    def __init__(self, by_field: dict[str, str]):
        self.by_field = by_field
        super().__init__("; ".join(by_field.values()))


_AUDITED_FIELDS = ("ref", "description", "measure", "lead_officer", "area_lead", "start_date",
                   "end_date", "progress", "comments", "rag")


def update_action(
    session: Session, action: PlanAction, changes: ActionChanges, user: User, now: datetime,
    *, actor: audit.Actor | None = None,
) -> PlanAction:
    problems: dict[str, str] = {}
    description = changes.description.strip()
    if not description:
        problems["description"] = "Enter what the action is"
    date_problem = check_dates(changes.start_date, changes.end_date)
    if date_problem:
        problems["end_date"] = date_problem[0].upper() + date_problem[1:]
    try:
        new_rag = parse_rag(changes.rag)
    except ValueError as error:
        problems["rag"] = str(error)
        new_rag = None
    progress = changes.progress or None
    if progress is not None and progress not in {p.value for p in Progress}:
        problems["progress"] = "Select the progress of the action"
    new_rag_value = new_rag.value if new_rag else None
    rag_changed = new_rag_value != action.rag
    reason = changes.rag_reason.strip()
    if rag_changed and not reason and "rag" not in problems:
        problems["rag_reason"] = "Say why the RAG status changed"
    if problems:
        raise ActionProblems(problems)

    before = {name: getattr(action, name) for name in _AUDITED_FIELDS}
    if rag_changed:
        session.add(ActionRagChange(
            action=action, from_rag=action.rag, to_rag=new_rag_value, reason=reason,
            changed_by_id=user.id, changed_by_name=user.name or user.email, changed_at=now,
        ))
    action.ref = changes.ref.strip()[:20] or None
    action.description = description
    action.measure = changes.measure.strip()
    action.lead_officer = changes.lead_officer.strip()[:500]
    action.area_lead = changes.area_lead.strip()[:500]
    action.start_date = changes.start_date
    action.end_date = changes.end_date
    action.progress = progress
    action.comments = changes.comments.strip()
    action.rag = new_rag_value
    action.updated_at = now
    session.flush()
    after = {name: getattr(action, name) for name in _AUDITED_FIELDS}
    changed = sorted(name for name in _AUDITED_FIELDS if before[name] != after[name])
    if changed:
        audit.record(
            session, "plan_action.rag_changed" if rag_changed else "plan_action.updated",
            audit.actor_or(actor, user), now, object_type="plan_action", object_id=action.id,
            before={name: before[name] for name in changed},
            after={name: after[name] for name in changed},
            details={"rag_reason": reason} if rag_changed else None,
        )
    return action
