"""The audit log's hash chain: each entry's hash covers its content and the previous hash.

Changing, deleting or reordering any entry changes every hash after it, so `verify_chain`
finds the first entry that no longer fits.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
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


def entry_hash(sequence: int, content: dict, previous_hash: str) -> str:
    return sha256_hex(canonical_json({"sequence": sequence, "content": content,
                                      "previous": previous_hash}))


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


def verify_chain(entries: Iterable[ChainedEntry]) -> ChainBreak | None:
    """Entries in sequence order. Returns the first break, or None when the chain is whole."""
    expected_previous = GENESIS_HASH
    expected_sequence = 1
    for entry in entries:
        if entry.sequence != expected_sequence:
            return ChainBreak(entry.sequence,
                              f"expected entry {expected_sequence} next, found {entry.sequence} "
                              "(an entry was deleted or inserted)")
        if entry.previous_hash != expected_previous:
            return ChainBreak(entry.sequence, "does not link to the entry before it")
        if entry_hash(entry.sequence, entry.content, entry.previous_hash) != entry.entry_hash:
            return ChainBreak(entry.sequence, "its content was changed after it was written")
        expected_previous = entry.entry_hash
        expected_sequence += 1
    return None
