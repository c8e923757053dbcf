"""Every supplier's corrective actions in one list for staff: overdue first, filtered in SQL."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from supplier_dd.domain.corrective_actions import OPEN, SIGNED_OFF, STATUS_LABELS
from supplier_dd.models import CorrectiveAction, Supplier


@dataclass(frozen=True)
class ActionRow:
    action: CorrectiveAction
    supplier_id: int
    supplier_name: str


@dataclass(frozen=True)
class ActionFilters:
    status: str = ""
    overdue: bool = False

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ActionFilters:
        """Unknown values are dropped rather than failing the page."""
        status = args.get("status", "")
        return cls(status=status if status in STATUS_LABELS else "",
                   overdue=args.get("overdue") in ("1", "yes", "on", "true"))

    def as_args(self) -> dict[str, str]:
        args = {"status": self.status} if self.status else {}
        return {**args, "overdue": "1"} if self.overdue else args

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def _overdue(today: date):
    # The SQL form of domain.corrective_actions.is_overdue.
    return and_(CorrectiveAction.status == OPEN, CorrectiveAction.due_date < today)


def actions_page(session: Session, filters: ActionFilters, page: int, per_page: int,
                 today: date) -> tuple[list[ActionRow], int]:
    statement = select(CorrectiveAction, Supplier.id, Supplier.name).join(
        Supplier, Supplier.id == CorrectiveAction.supplier_id)
    if filters.status:
        statement = statement.where(CorrectiveAction.status == filters.status)
    if filters.overdue:
        statement = statement.where(_overdue(today))
    total = session.scalar(select(func.count()).select_from(
        statement.with_only_columns(CorrectiveAction.id).subquery()))
    rows = session.execute(
        statement.order_by(case((_overdue(today), 0), else_=1),
                  CorrectiveAction.status == SIGNED_OFF, CorrectiveAction.due_date,
                  CorrectiveAction.id)
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return [ActionRow(action, supplier_id, name) for action, supplier_id, name in rows], total
