"""Which council a session acts for, and the rows it may therefore see (issue 17).

Scoping lives here, in one place, so that forgetting a filter is impossible rather than
unlikely: every ORM SELECT, UPDATE and DELETE a session runs while acting for a council gets that
council's criteria added (SQLAlchemy's `with_loader_criteria`, applied in `do_orm_execute`), and
every council-owned row it inserts is stamped with the council. The web layer sets the council
from the signed-in staff member; the command line and the scheduler set it explicitly.

What a council sees:
- its own rows of every `CouncilOwned` table;
- supplier organisations linked to it (`CouncilSupplier`) and their contacts, and its own staff;
- declarations made for its requests or shared with it, and their evidence files;
- its own audit entries and outgoing email.

A session acting for no council (a supplier contact, a sign-in page, a migration, a command
for the whole deployment) sees every row; the supplier portal's services filter by the
supplier themselves, as they always have. A statement that must look across councils on
purpose (matching an imported supplier to the one shared organisation record) says so with
`.execution_options(all_councils=True)`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria
from sqlalchemy.orm.interfaces import MANYTOONE

from supplier_dd.models.audit import AuditEntry
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import Council, CouncilOwned, CouncilSupplier
from supplier_dd.models.declaration import Declaration, DeclarationRequest, EvidenceFile
from supplier_dd.models.outbox import OutboxMessage
from supplier_dd.models.shared_answer import SharedAnswer
from supplier_dd.models.supplier import Supplier
from supplier_dd.models.user import User

_ACTING_FOR = "supplier_dd.acting_for_council"
ALL_COUNCILS = "all_councils"


def across_councils(statement):
    """The statement read for every council: a deliberate cross-council read (the audit chain,
    the seal, a supplier's own councils), never an officer's view."""
    return statement.execution_options(**{ALL_COUNCILS: True})


# Roles that work for one council; a supplier contact and a consortium admin belong to none.
COUNCIL_ROLES = frozenset({"officer", "legal", "safeguarding", "admin"})


class MissingCouncil(RuntimeError):
    """A council-owned row was written with no council to belong to (several councils exist
    and the caller did not say which)."""


class CrossCouncilWrite(RuntimeError):
    """A session acting for one council tried to write another council's row."""


def act_for(session: Session, council_id: int | None) -> None:
    """From now on the session sees and writes only this council's rows (None: every row).
    Rows already loaded are expired when the council changes, so the next read of any of them
    asks the database again under the new council's rules instead of the identity map."""
    if session.info.get(_ACTING_FOR) != council_id:
        session.expire_all()
    session.info[_ACTING_FOR] = council_id


def acting_council(session: Session) -> int | None:
    return session.info.get(_ACTING_FOR)


@contextmanager
def acting_for(session: Session, council_id: int | None) -> Iterator[None]:
    """Act for a council for a block (a submission re-scoring for each council that sees it).
    Loaded rows are expired on the way in and out: a collection loaded for one council must not
    be read again for another."""
    previous = acting_council(session)
    session.flush()
    session.expire_all()
    act_for(session, council_id)
    try:
        yield
        session.flush()
    finally:
        act_for(session, previous)
        session.expire_all()


def only_council_id(session: Session) -> int | None:
    """The council of a single-council deployment (None when there are several, or none)."""
    ids = session.execute(
        select(Council.id).order_by(Council.id).limit(2).execution_options(**{ALL_COUNCILS: True})
    ).scalars().all()
    return ids[0] if len(ids) == 1 else None


def linked_supplier_ids(council_id: int):
    return select(CouncilSupplier.supplier_id).where(CouncilSupplier.council_id == council_id)


def visible_declaration_ids(council_id: int):
    """Declarations the council sees (`_declaration_seen_by`)."""
    return select(Declaration.id).where(_declaration_seen_by(council_id))


def _declaration_seen_by(council_id: int):
    """Made for one of the council's requests, or shared with it. A declaration with no
    request (the service makes none; older records and fixtures may) is seen by each council
    that knows its supplier."""
    own_requests = select(DeclarationRequest.id).where(
        DeclarationRequest.council_id == council_id)
    shared = select(SharedAnswer.declaration_id).where(SharedAnswer.council_id == council_id)
    return or_(Declaration.request_id.in_(own_requests), Declaration.id.in_(shared),
               Declaration.request_id.is_(None)
               & Declaration.supplier_id.in_(linked_supplier_ids(council_id)))


@functools.lru_cache(maxsize=256)
def _council_criteria(council_id: int) -> tuple:
    # Built once per council and reused: the options are immutable, and building them with
    # their subqueries cost about 0.6 ms of CPU on every statement a council's session ran
    # (bench_dashboard_councils, docs/performance.md).
    return (
        with_loader_criteria(CouncilOwned, lambda cls: cls.council_id == council_id,
                             include_aliases=True),
        with_loader_criteria(Supplier, Supplier.id.in_(linked_supplier_ids(council_id)),
                             include_aliases=True),
        with_loader_criteria(User, or_(User.council_id == council_id,
                                       User.supplier_id.in_(linked_supplier_ids(council_id))),
                             include_aliases=True),
        with_loader_criteria(Declaration, _declaration_seen_by(council_id),
                             include_aliases=True),
        with_loader_criteria(EvidenceFile, EvidenceFile.declaration_id.in_(
            visible_declaration_ids(council_id)), include_aliases=True),
        with_loader_criteria(AuditEntry, AuditEntry.council_id == council_id,
                             include_aliases=True),
        with_loader_criteria(OutboxMessage, OutboxMessage.council_id == council_id,
                             include_aliases=True),
    )


@event.listens_for(Session, "do_orm_execute")
def _scope_to_council(state: ORMExecuteState) -> None:
    council_id = acting_council(state.session)
    if council_id is None or state.execution_options.get(ALL_COUNCILS):
        return
    if not (state.is_select or state.is_update or state.is_delete):
        return
    if state.is_column_load:
        # SQLAlchemy leaves loader criteria out of refreshes of loaded rows, so say the rule
        # here: `session.get` of another council's row, expired in the identity map, then
        # finds nothing and answers None, and reading one raises instead of showing it.
        mapper = state.bind_mapper
        rule = _row_rule(mapper.class_, council_id) if mapper is not None else None
        if rule is not None:
            state.statement = state.statement.where(rule)
        return
    state.statement = state.statement.options(*_council_criteria(council_id))


def _row_rule(cls, council_id: int):
    """The same rules as `_council_criteria`, for one class."""
    if issubclass(cls, CouncilOwned):
        return cls.council_id == council_id
    rules = {
        Supplier: lambda: Supplier.id.in_(linked_supplier_ids(council_id)),
        User: lambda: or_(User.council_id == council_id,
                          User.supplier_id.in_(linked_supplier_ids(council_id))),
        Declaration: lambda: _declaration_seen_by(council_id),
        EvidenceFile: lambda: EvidenceFile.declaration_id.in_(
            visible_declaration_ids(council_id)),
        AuditEntry: lambda: AuditEntry.council_id == council_id,
        OutboxMessage: lambda: OutboxMessage.council_id == council_id,
    }
    return rules[cls]() if cls in rules else None


def _parent_of(session: Session, instance, relationship):
    parent = instance.__dict__.get(relationship.key)
    if parent is not None or len(relationship.local_columns) != 1:
        return parent
    (column,) = relationship.local_columns
    key = type(instance).__mapper__.get_property_by_column(column).key
    value = instance.__dict__.get(key)
    return session.get(relationship.mapper.class_, value) if value is not None else None


def _council_from_parent(session: Session, instance) -> int | None:
    """A new child row (a plan's priority, an action's event) belongs to its parent's council;
    a row about a declaration (a supplier's response to it) to the council that asked for it."""
    for relationship in type(instance).__mapper__.relationships:
        if relationship.direction is not MANYTOONE:
            continue
        parent = _parent_of(session, instance, relationship)
        if isinstance(parent, CouncilOwned) and parent.council_id is not None:
            return parent.council_id
        if isinstance(parent, Declaration) and parent.request is not None:
            return parent.request.council_id
    return None


@event.listens_for(Session, "before_flush")
def _stamp_council(session: Session, _context, _instances) -> None:
    acting = acting_council(session)
    only: list[int | None] = []

    def fallback() -> int | None:
        if not only:
            only.append(only_council_id(session))
        return only[0]

    for instance in session.new:
        if isinstance(instance, CouncilOwned):
            if instance.council_id is None:
                instance.council_id = (acting or _council_from_parent(session, instance)
                                       or fallback())
                if instance.council_id is None:
                    raise MissingCouncil(
                        f"Say which council this {type(instance).__name__} belongs to: "
                        "the deployment has several")
            elif acting is not None and instance.council_id != acting:
                raise CrossCouncilWrite(
                    f"A {type(instance).__name__} of council {instance.council_id} cannot be "
                    f"written while acting for council {acting}")
        elif isinstance(instance, User) and instance.role in COUNCIL_ROLES \
                and instance.council_id is None:
            instance.council_id = acting or fallback()
    if acting is None:
        return
    for instance in session.dirty:
        if isinstance(instance, CouncilOwned) and instance.council_id != acting \
                and session.is_modified(instance):
            raise CrossCouncilWrite(
                f"A {type(instance).__name__} of council {instance.council_id} cannot be "
                f"changed while acting for council {acting}")


def _links_made_by(session: Session) -> set[tuple[int, int]]:
    """(council, supplier) pairs the flushed rows make known: a contract, a declaration request
    or a tender invitation from a council, or a supplier a council added."""
    # Imported here: these models import this module's neighbours, not the other way round.
    from supplier_dd.models.contract import Contract, Tender

    pairs: set[tuple[int, int]] = set()
    acting = acting_council(session)
    for instance in (*session.new, *session.dirty):
        if isinstance(instance, Contract | DeclarationRequest):
            if instance.supplier_id is not None and instance.council_id is not None:
                pairs.add((instance.council_id, instance.supplier_id))
        elif isinstance(instance, Tender) and instance.council_id is not None:
            for supplier in instance.__dict__.get("invited_suppliers", ()):
                if supplier.id is not None:
                    pairs.add((instance.council_id, supplier.id))
        elif isinstance(instance, Supplier) and instance in session.new:
            council_id = acting or only_council_id(session)
            if council_id is not None:
                pairs.add((council_id, instance.id))
    return pairs


def link_suppliers(session: Session, links) -> None:
    """Make each (council, supplier) known (once) and give the council its dashboard row for a
    supplier it did not know: for rows written past the ORM (bulk imports), and by the flush."""
    from supplier_dd.models.risk import create_summaries

    links = sorted(set(links))
    if not links:
        return
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    table = CouncilSupplier.__table__
    inserted = connection.execute(
        insert(table).on_conflict_do_nothing(index_elements=["council_id", "supplier_id"])
        .returning(table.c.council_id, table.c.supplier_id),
        [{"council_id": council_id, "supplier_id": supplier_id, "linked_at": utcnow()}
         for council_id, supplier_id in links],
    ).all()
    create_summaries(connection, [tuple(row) for row in inserted])


def council_for_insert(session: Session) -> int:
    """The council a bulk insert's rows belong to: the one acted for, or the only one."""
    council_id = acting_council(session) or only_council_id(session)
    if council_id is None:
        raise MissingCouncil("Say which council these rows belong to: the deployment has several")
    return council_id


@event.listens_for(Session, "after_flush")
def _link_suppliers(session: Session, _context) -> None:
    link_suppliers(session, _links_made_by(session))
