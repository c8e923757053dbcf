"""The audit log's hash chain: each entry's hash covers its content and the previous hash.

Changing, deleting or reordering any entry changes every hash after it, so `verify_chain`
finds the first entry that no longer fits. SHA-256 alone cannot stop someone who rewrites an
entry and then recomputes every hash after it, so each entry also carries an HMAC of its hash
under a key kept outside the database (`entry_mac`): without the key a re-hashed entry's HMAC
is wrong. Entries written before the key existed carry none; they are accepted only up to the
sequence the first checkpoint recorded as unsigned (domain/audit_checkpoints.py), and an
entry without an HMAC after a signed one is a break.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

GENESIS_HASH = "0" * 64


def canonical_json(value: Any) -> str:
    """One spelling per value: sorted keys, no spaces, UTF-8, dates as ISO strings."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=_default)


def _default(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainedEntry:
    sequence: int
    content: dict
    previous_hash: str
    entry_hash: str
    mac: str | None = None


def entry_hash(sequence: int, content: dict, previous_hash: str) -> str:
    return sha256_hex(canonical_json({"sequence": sequence, "content": content,
                                      "previous": previous_hash}))


def entry_mac(key: bytes, entry_hash_hex: str) -> str:
    """HMAC-SHA256 of an entry's hash under the audit key (the hash already covers the entry's
    sequence, content and the hash before it)."""
    return hmac.new(key, entry_hash_hex.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


@dataclass
class ChainWalk:
    """What walking the chain found: the first break (if any), where the chain ends, the hashes
    at the sequences asked for (to compare with checkpoints) and the last entry without HMAC."""

    first_break: ChainBreak | None = None
    last_sequence: int = 0
    last_hash: str = GENESIS_HASH
    last_unsigned: int = 0
    hashes_at: dict[int, str] = field(default_factory=dict)
    seen_signed: bool = False


def _describe(entry: ChainedEntry) -> str:
    action = entry.content.get("action")
    target = entry.content.get("object_type")
    if target and entry.content.get("object_id") is not None:
        return f"{action} of {target} {entry.content['object_id']}"
    return str(action)


def walk_chain(entries: Iterable[ChainedEntry], *, key: bytes | None = None,
               unsigned_through: int | None = None, wanted: frozenset[int] = frozenset(),
               start: tuple[int, str] = (0, GENESIS_HASH),
               resume: ChainWalk | None = None) -> ChainWalk:
    """Entries in sequence order, from the one after `start` (sequence, hash), or continuing a
    walk already made (`resume`, which is updated and returned).

    With a key, every entry must carry the right HMAC, except entries up to `unsigned_through`
    that were written before the key existed (None: any unsigned prefix, which is what the first
    checkpoint records; 0: none). Walking stops at the first break.
    """
    walk = resume or ChainWalk(last_sequence=start[0], last_hash=start[1])
    for entry in entries:
        expected = walk.last_sequence + 1
        found = _first_problem(entry, expected, walk.last_hash)
        if found is None and key is not None:
            if entry.mac is None:
                allowed = unsigned_through is None or entry.sequence <= unsigned_through
                if walk.seen_signed or not allowed:
                    found = ChainBreak(entry.sequence, (
                        f"{_describe(entry)} has no HMAC, although "
                        + ("the entries before it have one" if walk.seen_signed else
                           "no checkpoint records it as written before the audit key existed")
                        + ": its HMAC was removed, or the entry was added by someone without "
                          "the audit key"))
                walk.last_unsigned = entry.sequence
            elif not hmac.compare_digest(entry.mac, entry_mac(key, entry.entry_hash)):
                found = ChainBreak(entry.sequence, (
                    f"{_describe(entry)} does not carry the HMAC of its hash: it was rewritten "
                    "and re-hashed by someone without the audit key (or the key was changed)"))
            else:
                walk.seen_signed = True
        if found is not None:
            walk.first_break = found
            return walk
        if entry.sequence in wanted:
            walk.hashes_at[entry.sequence] = entry.entry_hash
        walk.last_sequence, walk.last_hash = entry.sequence, entry.entry_hash
    return walk


def _first_problem(entry: ChainedEntry, expected_sequence: int,
                   expected_previous: str) -> ChainBreak | None:
    if entry.sequence != expected_sequence:
        return ChainBreak(entry.sequence,
                          f"expected entry {expected_sequence} next, found {entry.sequence} "
                          "(an entry was deleted or inserted)")
    if entry.previous_hash != expected_previous:
        return ChainBreak(entry.sequence, "does not link to the entry before it")
    if entry_hash(entry.sequence, entry.content, entry.previous_hash) != entry.entry_hash:
        return ChainBreak(entry.sequence,
                          f"{_describe(entry)}: its content was changed after it was written")
    return None


def verify_chain(entries: Iterable[ChainedEntry], key: bytes | None = None,
                 unsigned_through: int | None = None) -> ChainBreak | None:
    """Entries in sequence order. Returns the first break, or None when the chain is whole."""
    return walk_chain(entries, key=key, unsigned_through=unsigned_through).first_break
