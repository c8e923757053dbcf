"""The contracts list: search and filters applied in SQL, one page at a time or all for export."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from datetime import date

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from supplier_dd.domain.contract_filters import (
    ENDED,
    HIGH_RISK,
    LIVE,
    NOT_MATCHED,
    STATUS_LABELS,
    VALUE_BANDS_BY_KEY,
    category_choices,
)
from supplier_dd.domain.ppn import UNCLASSIFIED
from supplier_dd.models import Contract, Supplier

_CATEGORY_KEYS = frozenset(key for key, _label in category_choices())
EXPORT_BATCH = 500


@dataclass(frozen=True)
class ContractFilters:
    q: str = ""
    category: str = ""
    status: str = ""
    value: str = ""
    supplier: str = ""  # a supplier's id, or NOT_MATCHED

    @classmethod
    def from_args(cls, args: Mapping[str, str]) -> ContractFilters:
        """Unknown or malformed values are dropped rather than failing the page."""
        category = args.get("category", "")
        status = args.get("status", "")
        value = args.get("value", "")
        supplier = args.get("supplier", "")
        return cls(
            q=" ".join((args.get("q") or "").split())[:100],
            category=category if category in _CATEGORY_KEYS else "",
            status=status if status in STATUS_LABELS else "",
            value=value if value in VALUE_BANDS_BY_KEY else "",
            supplier=supplier if supplier == NOT_MATCHED
            or (supplier.isdigit() and len(supplier) < 10) else "",
        )

    def as_args(self) -> dict[str, str]:
        """Query-string form, without empty values, for links that keep the filters."""
        return {item.name: getattr(self, item.name) for item in fields(self)
                if getattr(self, item.name)}

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def _filtered(statement: Select, filters: ContractFilters, today: date) -> Select:
    if filters.q:
        text = filters.q.lower()
        statement = statement.where(or_(
            func.lower(Contract.reference).contains(text, autoescape=True),
            func.lower(Contract.title).contains(text, autoescape=True),
            func.lower(Supplier.name).contains(text, autoescape=True),
            func.upper(Supplier.companies_house_number) == filters.q.upper().replace(" ", ""),
        ))
    if filters.category == HIGH_RISK:
        statement = statement.where(Contract.ppn_high_risk.is_(True))
    elif filters.category == UNCLASSIFIED:
        statement = statement.where(or_(Contract.ppn_industry.is_(None),
                                        Contract.ppn_industry == UNCLASSIFIED))
    elif filters.category:
        statement = statement.where(Contract.ppn_industry == filters.category)
    if filters.status == LIVE:
        statement = statement.where(or_(Contract.end_date.is_(None), Contract.end_date >= today))
    elif filters.status == ENDED:
        statement = statement.where(Contract.end_date < today)
    if filters.value:
        band = VALUE_BANDS_BY_KEY[filters.value]
        if band.unknown:
            statement = statement.where(Contract.value.is_(None))
        if band.at_least is not None:
            statement = statement.where(Contract.value >= band.at_least)
        if band.below is not None:
            statement = statement.where(Contract.value < band.below)
    if filters.supplier == NOT_MATCHED:
        statement = statement.where(Contract.supplier_id.is_(None))
    elif filters.supplier:
        statement = statement.where(Contract.supplier_id == int(filters.supplier))
    return statement


def _contracts(filters: ContractFilters, today: date) -> Select:
    statement = (select(Contract).outerjoin(Supplier, Contract.supplier_id == Supplier.id)
                 .options(selectinload(Contract.supplier)))
    return _filtered(statement, filters, today)


def contracts_page(session: Session, filters: ContractFilters, page: int, per_page: int,
                   today: date) -> tuple[list[Contract], int]:
    statement = _contracts(filters, today)
    total = session.scalar(select(func.count()).select_from(
        statement.with_only_columns(Contract.id).order_by(None).subquery()))
    rows = session.scalars(statement.order_by(Contract.reference, Contract.id)
                           .limit(per_page).offset((page - 1) * per_page)).all()
    return list(rows), total


def export_contracts(session: Session, filters: ContractFilters,
                     today: date) -> Iterator[Contract]:
    """Every contract the filters match, in the list's order, read in batches."""
    statement = _contracts(filters, today).order_by(Contract.reference, Contract.id)
    offset = 0
    while True:
        batch = session.scalars(statement.limit(EXPORT_BATCH).offset(offset)).all()
        yield from batch
        if len(batch) < EXPORT_BATCH:
            return
        offset += EXPORT_BATCH


def suppliers_holding_contracts(session: Session) -> list[tuple[int, str]]:
    """The suppliers the list can be narrowed to: those with at least one contract."""
    return list(session.execute(
        select(Supplier.id, Supplier.name)
        .where(select(Contract.id).where(Contract.supplier_id == Supplier.id).exists())
        .order_by(Supplier.name, Supplier.id)
    ).tuples())
