"""Recording state changes in the append-only, hash-chained audit log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from supplier_dd.database import dialect_insert
from supplier_dd.domain.audit_chain import (
    GENESIS_HASH,
    ChainBreak,
    ChainedEntry,
    ChainWalk,
    canonical_json,
    entry_hash,
    entry_mac,
    walk_chain,
)
from supplier_dd.models.audit import AuditChainHead, AuditEntry
from supplier_dd.models.tenancy import ALL_COUNCILS, acting_council, only_council_id
from supplier_dd.services.audit_key import current_key


@dataclass(frozen=True)
class Actor:
    id: int | None
    email: str | None
    role: str | None
    ip_address: str | None = None

    @classmethod
    def of(cls, user, ip_address: str | None = None) -> Actor:
        if user is None or not getattr(user, "is_authenticated", False):
            return cls(None, None, None, ip_address)
        return cls(user.id, user.email, user.role, ip_address)


SYSTEM = Actor(None, "system", "system")
CLI = Actor(None, "cli", "system")


def actor_or(actor: Actor | None, user=None, ip_address: str | None = None) -> Actor:
    """The actor a service records: the one the caller passed, else the user it was given
    (demo loader, tests), else the system."""
    if actor is not None:
        return actor
    if user is not None and getattr(user, "is_authenticated", False):
        return Actor.of(user, ip_address)
    return SYSTEM


_HASHED_FIELDS = (
    "occurred_at",
    "actor_id",
    "actor_email",
    "actor_role",
    "action",
    "object_type",
    "object_id",
    "ip_address",
    "before",
    "after",
    "details",
)


def _content(entry) -> dict:
    # Round-trip through JSON so the hash covers exactly what the database gives back.
    return json.loads(canonical_json({name: getattr(entry, name) for name in _HASHED_FIELDS}))


def record(
    session: Session,
    action: str,
    actor: Actor,
    now: datetime,
    *,
    object_type: str | None = None,
    object_id: int | str | None = None,
    before: dict | None = None,
    after: dict | None = None,
    details: dict | None = None,
    council_id: int | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction; it commits or rolls back with the change.
    It shows in the audit view of `council_id`, by default the council the session acts for
    (or the only council); with several councils and none, the deployment's own entry."""
    head = _lock_head(session)
    entry = AuditEntry(
        sequence=head.last_sequence + 1,
        occurred_at=now.replace(microsecond=0),
        actor_id=actor.id,
        actor_email=actor.email,
        actor_role=actor.role,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        ip_address=actor.ip_address,
        before=json.loads(canonical_json(before)) if before is not None else None,
        after=json.loads(canonical_json(after)) if after is not None else None,
        details=json.loads(canonical_json(details)) if details is not None else None,
        previous_hash=head.last_hash,
        entry_hash="",
        council_id=council_id or acting_council(session) or only_council_id(session),
    )
    entry.entry_hash = entry_hash(entry.sequence, _content(entry), entry.previous_hash)
    entry.entry_mac = entry_mac(current_key(), entry.entry_hash)
    session.add(entry)
    head.last_sequence = entry.sequence
    head.last_hash = entry.entry_hash
    session.flush()
    return entry


def _lock_head(session: Session) -> AuditChainHead:
    # A write first: on PostgreSQL it row-locks the head until commit; on SQLite it takes the
    # database write lock. Either way no two writers can read the same previous hash.
    lock = (
        update(AuditChainHead)
        .where(AuditChainHead.id == 1)
        .values(last_sequence=AuditChainHead.last_sequence)
    )
    if not session.execute(lock).rowcount:
        # The very first entry. Two first writers at once must not both insert the head (a
        # unique-key 500 on PostgreSQL, found by tests/reliability): the loser of the insert
        # waits for the winner's commit, does nothing, and then locks the winner's row.
        session.execute(
            dialect_insert(session)(AuditChainHead)
            .values(id=1, last_sequence=0, last_hash=GENESIS_HASH)
            .on_conflict_do_nothing(index_elements=["id"])
        )
        session.execute(lock)
    head = session.get(AuditChainHead, 1, populate_existing=True)
    return head


def chained_entries(session: Session, batch: int = 2000,
                    after_sequence: int = 0) -> Iterator[ChainedEntry]:
    # Plain rows, not ORM objects, so walking a long log keeps memory flat.
    columns = [
        getattr(AuditEntry, name)
        for name in ("sequence", "previous_hash", "entry_hash", "entry_mac", *_HASHED_FIELDS)
    ]
    last = after_sequence
    while True:
        rows = session.execute(
            select(*columns)
            .where(AuditEntry.sequence > last)
            .order_by(AuditEntry.sequence)
            .limit(batch)
            # The chain is the whole deployment's, whichever council's view is open.
            .execution_options(**{ALL_COUNCILS: True})
        ).all()
        if not rows:
            return
        for row in rows:
            yield ChainedEntry(row.sequence, _content(row), row.previous_hash, row.entry_hash,
                               row.entry_mac)
        last = rows[-1].sequence


def walk(session: Session, *, key: bytes, unsigned_through: int | None,
         wanted: frozenset[int] = frozenset(),
         start: tuple[int, str] = (0, GENESIS_HASH)) -> ChainWalk:
    """Walk the stored chain (from the entry after `start`) up to the chain head row."""
    found = walk_chain(chained_entries(session, after_sequence=start[0]), key=key,
                       unsigned_through=unsigned_through, wanted=wanted, start=start)
    while found.first_break is None:
        head = session.execute(
            select(AuditChainHead.last_sequence, AuditChainHead.last_hash)
            .where(AuditChainHead.id == 1)
        ).first()
        if head is None or head.last_sequence == found.last_sequence:
            if head is not None and head.last_hash != found.last_hash:
                found.first_break = ChainBreak(
                    found.last_sequence, "the chain head does not match the last entry")
            break
        reached = found.last_sequence
        if head.last_sequence > reached:
            # Entries committed while we walked (PostgreSQL reads each statement afresh):
            # walk them too. None there means the newest entries were deleted.
            walk_chain(chained_entries(session, after_sequence=reached), key=key,
                       unsigned_through=unsigned_through, wanted=wanted, resume=found)
        if found.first_break is None and found.last_sequence == reached:
            found.first_break = ChainBreak(
                reached, "the newest entries were deleted (the chain head does not match)")
    return found


def hash_at(session: Session, sequence: int) -> str | None:
    return session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.sequence == sequence)
                          .execution_options(**{ALL_COUNCILS: True}))


def verify(session: Session, unsigned_through: int | None = 0) -> ChainBreak | None:
    """The chain alone, under the running app's audit key: every entry intact, linked and
    signed (entries up to `unsigned_through` may predate the key). Checkpoints outside the
    database are compared by services.audit_checkpoints.verify_log."""
    return walk(session, key=current_key(), unsigned_through=unsigned_through).first_break


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    # Part of the person's email address, any case: "smith" finds j.smith@council.gov.uk.
    actor: str = ""
    object_type: str = ""
    object_id: str = ""
    # Days (UTC) the entry happened on, both ends included.
    date_from: date | None = None
    date_to: date | None = None

    def apply(self, statement):
        if self.action:
            statement = statement.where(AuditEntry.action == self.action)
        if self.actor.strip():
            # autoescape: a % or _ typed into the box is looked for as itself, not as a pattern.
            statement = statement.where(func.lower(AuditEntry.actor_email).contains(
                self.actor.strip().lower(), autoescape=True))
        if self.object_type:
            statement = statement.where(AuditEntry.object_type == self.object_type)
        if self.object_id:
            statement = statement.where(AuditEntry.object_id == self.object_id)
        if self.date_from is not None:
            statement = statement.where(
                AuditEntry.occurred_at >= datetime.combine(self.date_from, time.min))
        if self.date_to is not None:
            statement = statement.where(AuditEntry.occurred_at < datetime.combine(
                self.date_to + timedelta(days=1), time.min))
        return statement


def search(session: Session, wanted: AuditFilter, page: int, per_page: int):
    statement = wanted.apply(select(AuditEntry))
    total = session.scalar(wanted.apply(select(func.count(AuditEntry.id))))
    rows = session.scalars(
        statement.order_by(AuditEntry.sequence.desc()).limit(per_page).offset((page - 1) * per_page)
    ).all()
    return rows, total


def actions(session: Session) -> list[str]:
    return list(session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def export_rows(session: Session, wanted: AuditFilter, batch: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = session.scalars(
            wanted.apply(select(AuditEntry))
            .where(AuditEntry.sequence > last)
            .order_by(AuditEntry.sequence)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].sequence
