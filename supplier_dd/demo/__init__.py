"""The demo partnership: a fixed, realistic data set that `supplier-dd demo load` writes
idempotently, for three councils (the first district, council 1, with most of it; a neighbouring
district and the county, its partners, in demo/partnership.py).

Each feature adds a step to STEPS; every step upserts by natural keys so running it twice leaves
the same data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supplier_dd.demo.data import (
    CONSORTIUM_STAFF,
    CONTRACTS,
    COUNCIL_STAFF,
    SUPPLIERS,
    TENDERS,
)
from supplier_dd.domain.roles import Role
from supplier_dd.models import Contract, Supplier, Tender, User
from supplier_dd.models.tenancy import ALL_COUNCILS, acting_for
from supplier_dd.services.suppliers import normalise_name
from supplier_dd.services.users import hash_password


@dataclass
class DemoResult:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.created[kind] = self.created.get(kind, 0) + 1


@dataclass
class DemoContext:
    session: Session
    password: str
    now: datetime
    result: DemoResult
    password_hash: str = ""

    def hashed_password(self) -> str:
        # Hashing is deliberately slow; one hash serves every demo account.
        if not self.password_hash:
            self.password_hash = hash_password(self.password)
        return self.password_hash


def supplier_contact_email(slug: str) -> str:
    return f"contact@{slug}.example"


def upsert_user(ctx: DemoContext, email: str, role: Role, name: str, supplier=None) -> User:
    # Across councils: an account is found by its email whichever council the step acts for.
    user = ctx.session.scalar(
        select(User).where(User.email == email).execution_options(**{ALL_COUNCILS: True}))
    if user is None:
        user = User(email=email, role=role.value, name=name, supplier=supplier,
                    password_hash=ctx.hashed_password())
        ctx.session.add(user)
        ctx.result.count("users")
    return user


def load_staff(ctx: DemoContext) -> None:
    for email, role, name in (*COUNCIL_STAFF, *CONSORTIUM_STAFF):
        upsert_user(ctx, email, Role(role), name)


def load_suppliers(ctx: DemoContext) -> None:
    load_suppliers_of(ctx, SUPPLIERS)


def load_suppliers_of(ctx: DemoContext, items) -> None:
    """Each supplier organisation once (by company number, whichever council knows it) and
    its contact; a new one is linked to the council the step acts for."""
    for item in items:
        supplier = ctx.session.scalar(
            select(Supplier).where(Supplier.companies_house_number == item.company_number)
            .execution_options(**{ALL_COUNCILS: True})
        )
        if supplier is None:
            supplier = Supplier(
                name=item.name,
                normalised_name=normalise_name(item.name),
                companies_house_number=item.company_number,
                country=item.country,
                sector=item.sector,
                turnover_band=item.turnover_band,
                created_at=ctx.now,
            )
            ctx.session.add(supplier)
            ctx.result.count("suppliers")
        upsert_user(ctx, supplier_contact_email(item.slug), Role.SUPPLIER, item.contact_name,
                    supplier)
    ctx.session.flush()


def _supplier_by_slug(ctx: DemoContext) -> dict[str, Supplier]:
    numbers = {item.company_number: item.slug for item in SUPPLIERS}
    rows = ctx.session.scalars(
        select(Supplier).where(Supplier.companies_house_number.in_(list(numbers)))
    )
    return {numbers[row.companies_house_number]: row for row in rows}


def load_contracts_and_tenders(ctx: DemoContext) -> None:
    suppliers = _supplier_by_slug(ctx)
    for ref, title, category, cpv, value, start, end, slug in CONTRACTS:
        if ctx.session.scalar(select(Contract.id).where(Contract.reference == ref)) is None:
            ctx.session.add(Contract(
                reference=ref, title=title, category=category, cpv_code=cpv, value=value,
                start_date=date.fromisoformat(start), end_date=date.fromisoformat(end),
                supplier=suppliers[slug],
            ))
            ctx.result.count("contracts")
    for ref, title, category, value, days_open, slugs in TENDERS:
        if ctx.session.scalar(select(Tender.id).where(Tender.reference == ref)) is None:
            ctx.session.add(Tender(
                reference=ref, title=title, category=category, value=value,
                closing_date=ctx.now.date() + timedelta(days=days_open),
                invited_suppliers=[suppliers[slug] for slug in slugs],
            ))
            ctx.result.count("tenders")
    ctx.session.flush()


STEPS = [load_staff, load_suppliers, load_contracts_and_tenders]

# Imports (issue 6): a statement registry extract and contracts' PPN 02/23 industries, loaded
# straight after the contracts so that anything scoring suppliers later can use them.
from supplier_dd.demo.registry import load_registry_and_ppn  # noqa: E402

STEPS.insert(STEPS.index(load_contracts_and_tenders) + 1, load_registry_and_ppn)

# Risk scoring (issue 4): assessments, queries and corrective actions. Keep it after the steps
# that submit declarations, so the demo query has a declaration to point at.
# Supplier declarations (issue 3): requests and submitted declarations; before risk scoring,
# which scores each supplier's latest submitted declaration.
from supplier_dd.demo.declarations import load_declarations  # noqa: E402

STEPS.append(load_declarations)

# The first district's two earlier years (issue 19), for the statement's trend charts: before
# this year's declarations, so that each supplier's declarations, assessments and re-attestation
# cycles follow each other in time.
from supplier_dd.demo.history import load_history  # noqa: E402

STEPS.insert(STEPS.index(load_declarations), load_history)

from supplier_dd.demo.risk import load_risk  # noqa: E402

STEPS.append(load_risk)

# The council's programme records (issue 7): NHDC action plan, training, referrals, Charter.
from supplier_dd.demo.programme import load_programme  # noqa: E402

STEPS.append(load_programme)

# Re-attestation reminders (issue 5): after declarations and scoring, which schedule cycles on
# submission; this step shapes a few to be overdue or due soon and replays six weeks of reminders.
from supplier_dd.demo.reminders import load_reminders  # noqa: E402

STEPS.append(load_reminders)

# The partnership (issue 17): the steps above load the first district (council 1); this one adds
# its two partner councils, their records and the declarations shared between them. Last, so
# that what the partners share has been declared.
from supplier_dd.demo.partnership import first_council, load_partnership  # noqa: E402

STEPS.append(load_partnership)


def load_demo(session: Session, password: str, now: datetime) -> DemoResult:
    """Every step acts for the first district; the partnership step acts for each partner in
    turn."""
    ctx = DemoContext(session=session, password=password, now=now, result=DemoResult())
    with acting_for(session, first_council(session).id):
        for step in STEPS:
            step(ctx)
    session.flush()
    return ctx.result


def database_is_empty(session: Session) -> bool:
    return not session.scalar(select(func.count(User.id)))
