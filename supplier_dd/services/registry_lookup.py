"""What the Home Office statement registry says about suppliers: the statements matched to each
(by company number, else by an unshared normalised name). Reads only models and the domain, so
scoring (services.risk) can ask it without importing the registry import's services.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from supplier_dd.domain.statement_registry import (
    STATEMENT_AREAS,
    RegisteredStatement,
    RegistryFacts,
    registry_facts,
)
from supplier_dd.models import RegistryStatement, Supplier

MATCHED_BY_NUMBER = "company number"
MATCHED_BY_NAME = "name"
AREA_COLUMNS = {key: f"includes_{key}" for key, _label, _column in STATEMENT_AREAS}


def _as_domain(row: RegistryStatement) -> RegisteredStatement:
    return RegisteredStatement(
        row_number=0,
        statement_year=row.statement_year,
        organisation_name=row.organisation_name,
        company_number=row.company_number,
        statement_url=row.statement_url,
        summary_url=row.summary_url,
        start_date=row.start_date,
        end_date=row.end_date,
        approved_on=row.approved_on,
        areas=frozenset(key for key, column in AREA_COLUMNS.items() if getattr(row, column)),
        turnover_band=row.turnover_band,
        sectors=tuple(line for line in (row.sectors or "").splitlines() if line),
        group_submission=row.group_submission,
        parent_name=row.parent_name,
        last_updated=row.last_updated,
    )


def registry_facts_for_suppliers(
    session: Session, suppliers: Sequence[Supplier], today: date
) -> dict[int, RegistryFacts]:
    """Registry facts for many suppliers in two queries (for pages, scoring and KPIs).

    A supplier matches statements under its company number. Failing that, statements with no
    company number (or any, when the supplier has none) match by normalised name, but only if
    no other supplier shares that name: a shared name is not evidence about either of them.
    """
    if not suppliers:
        return {}
    numbers = {s.companies_house_number for s in suppliers if s.companies_house_number}
    names = {s.normalised_name for s in suppliers}
    shared_names = set(session.scalars(
        select(Supplier.normalised_name)
        .where(Supplier.normalised_name.in_(names))
        .group_by(Supplier.normalised_name)
        .having(func.count(Supplier.id) > 1)
    ))
    by_number: dict[str, list[RegisteredStatement]] = {}
    by_name: dict[str, list[tuple[str | None, RegisteredStatement]]] = {}
    clauses = []
    if numbers:
        clauses.append(RegistryStatement.company_number.in_(numbers))
    if names - shared_names:
        clauses.append(RegistryStatement.normalised_name.in_(names - shared_names))
    if clauses:
        for row in session.scalars(select(RegistryStatement).where(or_(*clauses))):
            statement = _as_domain(row)
            if row.company_number in numbers:
                by_number.setdefault(row.company_number, []).append(statement)
            by_name.setdefault(row.normalised_name, []).append((row.company_number, statement))
    facts: dict[int, RegistryFacts] = {}
    for supplier in suppliers:
        number = supplier.companies_house_number
        if number and number in by_number:
            facts[supplier.id] = registry_facts(by_number[number], MATCHED_BY_NUMBER, today)
            continue
        candidates = []
        if supplier.normalised_name not in shared_names:
            candidates = [
                statement for statement_number, statement in by_name.get(
                    supplier.normalised_name, ())
                if statement_number is None or number is None
            ]
        facts[supplier.id] = registry_facts(candidates, MATCHED_BY_NAME, today)
    return facts


def registry_facts_for(session: Session, supplier: Supplier, today: date) -> RegistryFacts:
    """What the registry says about one supplier (officer page, declaration checks)."""
    return registry_facts_for_suppliers(session, [supplier], today)[supplier.id]
