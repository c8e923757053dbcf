"""Writing checkpoints of the audit chain outside the database, and verifying the chain
against them (the rules are in domain/audit_checkpoints.py).

Checkpoints go to one append-only file in SUPPLIER_DD_AUDIT_CHECKPOINT_DIR, one signed JSON
line each, and the newest of each day is mailed to every active admin. Someone with only
database access can change neither: the file is not in the database, the lines are signed with
the audit key, and the admins' mailboxes keep what was sent.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.domain.audit_chain import ChainWalk
from supplier_dd.domain.audit_checkpoints import (
    Anchor,
    Checkpoint,
    UnsignedCheckpoint,
    checkpoint_line,
    compare_with_anchors,
    parse_checkpoint_line,
    sign_checkpoint,
    unsigned_through_of,
)
from supplier_dd.domain.roles import Role
from supplier_dd.models import User
from supplier_dd.services import ServiceError, audit, outbox

CHECKPOINT_FILE = "audit-checkpoints.jsonl"
MAIL_KIND = "audit_checkpoint"


@dataclass
class CheckpointFile:
    path: Path
    checkpoints: list[Checkpoint] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def read_checkpoints(directory: Path, key: bytes) -> CheckpointFile:
    found = CheckpointFile(Path(directory) / CHECKPOINT_FILE)
    try:
        text = found.path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return found
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            found.checkpoints.append(parse_checkpoint_line(key, line))
        except UnsignedCheckpoint as error:
            found.problems.append(f"Checkpoint file {found.path}, line {number}, {error}")
    return found


@dataclass
class LogReport:
    walk: ChainWalk
    checkpoints: list[Checkpoint]
    problems: list[str]


def verify_log(session: Session, key: bytes, directory: Path,
               expected: list[Anchor] | None = None) -> LogReport:
    """The whole chain under the key, then against every checkpoint in the file and every
    (sequence, hash) given from elsewhere (a checkpoint email)."""
    stored = read_checkpoints(directory, key)
    anchors = [Anchor.of(c) for c in stored.checkpoints] + list(expected or [])
    boundary = unsigned_through_of(stored.checkpoints)
    walk = audit.walk(session, key=key, unsigned_through=boundary or 0,
                      wanted=frozenset(a.sequence for a in anchors))
    problems = list(stored.problems)
    if walk.first_break is not None:
        problems.append(f"Audit log broken at entry {walk.first_break.sequence}: "
                        f"{walk.first_break.reason}")
        if boundary is None and walk.last_unsigned:
            problems.append("If these are entries written before the audit key was introduced "
                            "(an upgrade), run `supplier-dd audit checkpoint` once to record them "
                            "as such")
    problems += [finding.message for finding in compare_with_anchors(anchors, walk)]
    return LogReport(walk, stored.checkpoints, problems)


@dataclass(frozen=True)
class CheckpointResult:
    checkpoint: Checkpoint
    written: bool
    path: Path


def write_checkpoint(session: Session, key: bytes, directory: Path,
                     now: datetime) -> CheckpointResult | None:
    """Sign the chain's head into the checkpoint file, after checking the entries since the
    previous checkpoint (never signing a chain that is already broken). None when the log is
    empty; `written` is False when nothing was added since the last checkpoint."""
    stored = read_checkpoints(directory, key)
    if stored.problems:
        raise ServiceError("Not checkpointed: " + "; ".join(stored.problems) + ".")
    latest = max(stored.checkpoints, key=lambda c: c.sequence, default=None)
    if latest is None:
        walk = audit.walk(session, key=key, unsigned_through=None)
    else:
        _still_there(session, latest)
        walk = audit.walk(session, key=key, unsigned_through=latest.unsigned_through,
                          start=(latest.sequence, latest.entry_hash))
    if walk.first_break is not None:
        raise ServiceError(f"Not checkpointed: audit log broken at entry "
                           f"{walk.first_break.sequence}: {walk.first_break.reason}.")
    if latest is not None and walk.last_sequence == latest.sequence:
        return CheckpointResult(latest, False, stored.path)
    if walk.last_sequence == 0:
        return None
    unsigned = latest.unsigned_through if latest is not None else walk.last_unsigned
    checkpoint = sign_checkpoint(key, walk.last_sequence, walk.last_hash, now, unsigned)
    _append(stored.path, checkpoint_line(checkpoint))
    return CheckpointResult(checkpoint, True, stored.path)


def _still_there(session: Session, latest: Checkpoint) -> None:
    found = audit.hash_at(session, latest.sequence)
    if found != latest.entry_hash:
        what = "no longer exists" if found is None else "no longer has the checkpointed hash"
        raise ServiceError(f"Not checkpointed: entry {latest.sequence}, the last checkpoint, "
                           f"{what}. Run `supplier-dd audit verify`.")


def _append(path: Path, line: str) -> None:
    # One write of one line to a file opened for appending: lines from two writers never mix.
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (line + "\n").encode("utf-8"))
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def mail_admins(session: Session, checkpoint: Checkpoint, render, council_name: str,
                now: datetime) -> list[str]:
    """Queue the checkpoint to every active admin, once a day each (the first checkpoint of the
    day: the outbox key refuses a second). Returns the outbox keys queued now."""
    admins = session.scalars(
        select(User).where(User.role == Role.ADMIN.value, User.active.is_(True))
        .order_by(User.id)
    ).all()
    message = render(MAIL_KIND, checkpoint=checkpoint, council_name=council_name)
    queued = []
    for admin in admins:
        key = f"{MAIL_KIND}:{now.date().isoformat()}:u{admin.id}"
        if outbox.enqueue(session, dedupe_key=key, kind=MAIL_KIND, recipient=admin.email,
                          subject=message.subject, text=message.text, html=message.html,
                          now=now):
            queued.append(key)
    return queued
