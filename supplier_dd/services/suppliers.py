from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from supplier_dd.domain.organisations import normalise_company_number
from supplier_dd.models import Supplier
from supplier_dd.models.tenancy import ALL_COUNCILS, council_for_insert, link_suppliers
from supplier_dd.services import ServiceError
from supplier_dd.services.risk import REASON_SUPPLIER_DETAILS, rescore_suppliers

_LEGAL_SUFFIXES = re.compile(
    r"\b(limited|ltd|plc|llp|lp|inc|incorporated|company|co|group|uk)\b\.?", re.IGNORECASE
)


def normalise_name(name: str) -> str:
    """'ACME Cleaning Ltd.' and 'Acme Cleaning Limited' both become 'acme cleaning'."""
    lowered = name.lower().replace("&", " and ")
    lowered = _LEGAL_SUFFIXES.sub(" ", lowered)
    lowered = re.sub(r"[^a-z0-9 ]+", " ", lowered)
    return re.sub(r"\s+", " ", lowered).strip()


@dataclass
class SupplierDetails:
    name: str
    companies_house_number: str | None
    country: str
    sector: str | None
    turnover_band: str | None


class SharedOrganisation(Exception):
    """The organisation is already on the service, known to a partner council: one record per
    Companies House number, so the council links to it rather than adding a second."""

    def __init__(self, supplier: Supplier):
        super().__init__(supplier.companies_house_number)
        self.supplier = supplier


def _known_here(session: Session, supplier: Supplier) -> bool:
    """Whether the council the session acts for already knows the supplier."""
    return session.scalar(select(Supplier.id).where(Supplier.id == supplier.id)) is not None


def _apply(session: Session, supplier: Supplier, details: SupplierDetails) -> Supplier:
    name = details.name.strip()
    if not name:
        raise ServiceError("Enter the supplier's name")
    number = None
    if details.companies_house_number and details.companies_house_number.strip():
        try:
            number = normalise_company_number(details.companies_house_number)
        except ValueError as error:
            raise ServiceError(str(error)) from None
        clash = session.scalar(
            select(Supplier).where(
                Supplier.companies_house_number == number, Supplier.id != (supplier.id or -1)
            ).execution_options(**{ALL_COUNCILS: True})
        )
        if clash and _known_here(session, clash):
            raise ServiceError(f"Companies House number {number} is already used by {clash.name}")
        if clash:  # a partner council's supplier: the one shared record (issue 17)
            raise SharedOrganisation(clash)
    supplier.name = name
    supplier.normalised_name = normalise_name(name)
    supplier.companies_house_number = number
    supplier.country = details.country
    supplier.sector = details.sector or None
    supplier.turnover_band = details.turnover_band or None
    return supplier


def supplier_snapshot(supplier: Supplier) -> dict:
    """The fields an audit entry records before and after a change."""
    return {
        "name": supplier.name,
        "companies_house_number": supplier.companies_house_number,
        "country": supplier.country,
        "sector": supplier.sector,
        "turnover_band": supplier.turnover_band,
    }


def create_supplier(session: Session, details: SupplierDetails,
                    now: datetime | None = None) -> Supplier:
    """Add a supplier; given `now`, it is scored at once on what is known (sector, country),
    so the dashboard rates it before any declaration."""
    try:
        supplier = _apply(session, Supplier(), details)
    except SharedOrganisation as shared:
        # Known to a partner: this council now knows it too; its facts stay as they are.
        supplier = shared.supplier
        council_id = council_for_insert(session)
        link_suppliers(session, [(council_id, supplier.id)])
        session.expire(supplier)
        return supplier
    session.add(supplier)
    session.flush()
    if now is not None:
        rescore_suppliers(session, [supplier.id], now, reason=REASON_SUPPLIER_DETAILS)
    return supplier


def update_supplier(session: Session, supplier: Supplier, details: SupplierDetails,
                    now: datetime | None = None) -> Supplier:
    """Change a supplier's details; given `now`, a change of sector or country (which its
    inherent risk reads) scores it again."""
    scored_facts = (supplier.sector, supplier.country)
    try:
        _apply(session, supplier, details)
    except SharedOrganisation:
        raise ServiceError(f"Companies House number {details.companies_house_number.strip()} "
                           "is already used by another organisation on the service") from None
    session.flush()
    if now is not None and (supplier.sector, supplier.country) != scored_facts:
        rescore_suppliers(session, [supplier.id], now, reason=REASON_SUPPLIER_DETAILS)
    return supplier


def search_suppliers(session: Session, query: str, page: int, per_page: int = 25):
    statement = select(Supplier).order_by(Supplier.name, Supplier.id)
    query = (query or "").strip()
    if query:
        like = f"%{query.lower()}%"
        statement = statement.where(
            or_(
                func.lower(Supplier.name).like(like),
                Supplier.companies_house_number == query.upper(),
            )
        )
    total = session.scalar(select(func.count()).select_from(statement.subquery()))
    rows = session.scalars(statement.limit(per_page).offset((page - 1) * per_page)).all()
    return rows, total
