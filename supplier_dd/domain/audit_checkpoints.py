"""Checkpoints of the audit chain's head, kept outside the database.

Someone with only database access can delete the newest entries and reset the chain head, or
rewrite the whole chain; the chain then agrees with itself. A checkpoint records the head
(sequence and hash) at a moment, signed with the audit key, in a file the database cannot
reach (and mailed to the admins). The chain must still reach every checkpoint's sequence, with
the same hash there: if it ends before one, entries were deleted; if the hash differs, the
chain was rewritten up to that point.

A checkpoint also records `unsigned_through`: the last entry written before the audit key
existed (entries without an HMAC). The first checkpoint fixes it and later ones copy it, so
removing HMACs from later entries cannot pass them off as old.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from supplier_dd.domain.audit_chain import ChainWalk, canonical_json


@dataclass(frozen=True)
class Checkpoint:
    sequence: int
    entry_hash: str
    written_at: datetime
    unsigned_through: int
    mac: str

    def signed_fields(self) -> dict:
        return {"sequence": self.sequence, "entry_hash": self.entry_hash,
                "written_at": self.written_at.isoformat(timespec="seconds"),
                "unsigned_through": self.unsigned_through}


def _mac(key: bytes, fields: dict) -> str:
    return hmac.new(key, canonical_json(fields).encode("utf-8"), hashlib.sha256).hexdigest()


def sign_checkpoint(key: bytes, sequence: int, entry_hash: str, written_at: datetime,
                    unsigned_through: int) -> Checkpoint:
    unsigned = Checkpoint(sequence, entry_hash, written_at.replace(microsecond=0),
                          unsigned_through, "")
    return Checkpoint(**{**unsigned.__dict__, "mac": _mac(key, unsigned.signed_fields())})


def checkpoint_line(checkpoint: Checkpoint) -> str:
    return canonical_json({**checkpoint.signed_fields(), "mac": checkpoint.mac})


class UnsignedCheckpoint(ValueError):
    """A checkpoint line that does not parse or is not signed with this key."""


def parse_checkpoint_line(key: bytes, line: str) -> Checkpoint:
    try:
        raw = json.loads(line)
        checkpoint = Checkpoint(int(raw["sequence"]), str(raw["entry_hash"]),
                                datetime.fromisoformat(raw["written_at"]),
                                int(raw["unsigned_through"]), str(raw["mac"]))
    except (ValueError, KeyError, TypeError):
        raise UnsignedCheckpoint("is not a checkpoint this service wrote") from None
    if not hmac.compare_digest(checkpoint.mac, _mac(key, checkpoint.signed_fields())):
        raise UnsignedCheckpoint("is not signed with the audit key: the file was edited")
    return checkpoint


@dataclass(frozen=True)
class Anchor:
    """A (sequence, hash) the chain must still hold, and where it came from."""

    sequence: int
    entry_hash: str
    source: str

    @classmethod
    def of(cls, checkpoint: Checkpoint) -> Anchor:
        written = checkpoint.written_at.strftime("%Y-%m-%d %H:%M UTC")
        return cls(checkpoint.sequence, checkpoint.entry_hash,
                   f"the checkpoint written at {written}")


@dataclass(frozen=True)
class CheckpointFinding:
    kind: str  # "truncated" or "rewritten"
    message: str


def compare_with_anchors(anchors: Iterable[Anchor], walk: ChainWalk) -> list[CheckpointFinding]:
    """What the chain, as walked, says against each anchor: at most one truncation (against the
    newest anchor past the chain's end) and one rewrite (the earliest that differs)."""
    findings: list[CheckpointFinding] = []
    ordered = sorted(anchors, key=lambda a: a.sequence)
    if walk.first_break is None:
        beyond = [a for a in ordered if a.sequence > walk.last_sequence]
        if beyond:
            newest = beyond[-1]
            findings.append(CheckpointFinding("truncated", (
                f"Audit log truncated: {newest.source} records entry {newest.sequence}, but the "
                f"log now ends at entry {walk.last_sequence}, so entries "
                f"{walk.last_sequence + 1} to {newest.sequence} were deleted")))
    for anchor in ordered:
        found = walk.hashes_at.get(anchor.sequence)
        if found is not None and found != anchor.entry_hash:
            findings.append(CheckpointFinding("rewritten", (
                f"Audit log rewritten: entry {anchor.sequence} no longer has the hash "
                f"{anchor.source} recorded ({anchor.entry_hash[:16]}..., now {found[:16]}...), "
                "so it or an entry before it was changed")))
            break
    return findings


def unsigned_through_of(checkpoints: Iterable[Checkpoint]) -> int | None:
    """The boundary the first checkpoint fixed; None before any checkpoint exists."""
    first = min(checkpoints, key=lambda c: (c.written_at, c.sequence), default=None)
    return None if first is None else first.unsigned_through
