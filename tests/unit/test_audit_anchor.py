"""The pure parts of anchoring the audit chain (issue 22): HMACs, checkpoints, seals, settings."""

from __future__ import annotations

from datetime import datetime

import pytest

from supplier_dd.config import ConfigError, load_settings
from supplier_dd.domain.audit_chain import (
    GENESIS_HASH,
    ChainedEntry,
    entry_hash,
    entry_mac,
    walk_chain,
)
from supplier_dd.domain.audit_checkpoints import (
    Anchor,
    UnsignedCheckpoint,
    checkpoint_line,
    compare_with_anchors,
    parse_checkpoint_line,
    sign_checkpoint,
)
from supplier_dd.domain.declaration_seal import (
    SUBMISSION_FIELDS,
    as_sealed,
    differences,
    status_problem,
)

KEY = b"k" * 32
NOW = datetime(2026, 5, 1, 9, 30)


def chain(count, key=KEY, signed_from=1):
    entries, previous = [], GENESIS_HASH
    for number in range(1, count + 1):
        content = {"action": "supplier.updated", "object_type": "supplier", "object_id": number}
        digest = entry_hash(number, content, previous)
        mac = entry_mac(key, digest) if number >= signed_from else None
        entries.append(ChainedEntry(number, content, previous, digest, mac))
        previous = digest
    return entries


def test_a_signed_chain_walks_to_its_end():
    walk = walk_chain(chain(4), key=KEY, unsigned_through=0, wanted=frozenset({2}))
    assert walk.first_break is None and walk.last_sequence == 4
    assert walk.hashes_at == {2: chain(4)[1].entry_hash}


def test_a_chain_rehashed_without_the_key_fails_its_hmac():
    walk = walk_chain(chain(4, key=b"x" * 32), key=KEY, unsigned_through=0)
    assert walk.first_break.sequence == 1 and "HMAC" in walk.first_break.reason


def test_unsigned_entries_pass_only_before_the_first_signed_one_and_within_the_boundary():
    old = chain(5, signed_from=3)
    assert walk_chain(old, key=KEY, unsigned_through=None).last_unsigned == 2
    assert walk_chain(old, key=KEY, unsigned_through=2).first_break is None
    assert walk_chain(old, key=KEY, unsigned_through=0).first_break.sequence == 1
    stripped = old[:3] + [ChainedEntry(4, old[3].content, old[3].previous_hash,
                                       old[3].entry_hash, None)] + old[4:]
    broken = walk_chain(stripped, key=KEY, unsigned_through=None).first_break
    assert broken.sequence == 4 and "entries before it have one" in broken.reason


def test_a_checkpoint_line_round_trips_and_an_edited_one_is_refused():
    checkpoint = sign_checkpoint(KEY, 7, "a" * 64, NOW, 0)
    line = checkpoint_line(checkpoint)
    assert parse_checkpoint_line(KEY, line) == checkpoint
    with pytest.raises(UnsignedCheckpoint, match="not signed with the audit key"):
        parse_checkpoint_line(KEY, line.replace('"sequence":7', '"sequence":6'))
    with pytest.raises(UnsignedCheckpoint, match="not signed"):
        parse_checkpoint_line(b"z" * 32, line)
    with pytest.raises(UnsignedCheckpoint, match="not a checkpoint"):
        parse_checkpoint_line(KEY, "{not json")


def test_the_chain_is_compared_with_its_anchors():
    entries = chain(5)
    walk = walk_chain(entries[:3], key=KEY, unsigned_through=0, wanted=frozenset({2, 5}))
    anchors = [Anchor(2, entries[1].entry_hash, "the first"), Anchor(5, entries[4].entry_hash,
                                                                     "the second")]
    (truncated,) = compare_with_anchors(anchors, walk)
    assert truncated.kind == "truncated" and "entries 4 to 5 were deleted" in truncated.message

    rewritten = compare_with_anchors([Anchor(2, "b" * 64, "the email")], walk)
    assert [f.kind for f in rewritten] == ["rewritten"]
    assert "entry 2 no longer has the hash the email recorded" in rewritten[0].message
    assert compare_with_anchors([Anchor(2, entries[1].entry_hash, "x")], walk) == []


def test_sealed_fields_that_changed_are_named_with_their_values():
    sealed = {"supplier_id": 3, "submitted_ip": "198.51.100.7", "request_id": 9}
    current = {"supplier_id": 4, "submitted_ip": "198.51.100.7", "request_id": 9,
               "questionnaire_id": "modern_slavery"}
    assert differences(sealed, current, SUBMISSION_FIELDS) == ["supplier (sealed 3, now 4)"]


def test_a_version_one_seal_reads_its_supplier_from_the_entry_details():
    sealed = as_sealed({"answers_sha256": "a"}, {"supplier_id": 3, "supersedes": None})
    assert sealed["supplier_id"] == 3 and sealed["supersedes_id"] is None
    assert "submitted_ip" not in sealed  # not sealed then, so not compared


def test_status_must_follow_the_chained_history():
    assert status_problem("submitted", None, None, None) is None
    assert "now draft" in status_problem("draft", None, None, None)
    assert "now superseded" in status_problem("superseded", "2026-05-01T09:30:00", None, None)
    assert "superseded at audit entry 12" in status_problem(
        "submitted", None, {"status": "superseded"}, 12)
    assert "superseded time changed" in status_problem(
        "superseded", "2026-06-01T00:00:00", {"superseded_at": "2026-05-01T09:30:00"}, 12)


def test_production_refuses_to_start_without_an_audit_key(tmp_path):
    production = {"SUPPLIER_DD_ENV": "production", "SECRET_KEY": "s" * 40}
    with pytest.raises(ConfigError, match="SUPPLIER_DD_AUDIT_KEY or SUPPLIER_DD_AUDIT_KEY_FILE "
                                          "must be set in production"):
        load_settings(production, instance_path=str(tmp_path))
    with pytest.raises(ConfigError, match="at least 32 characters"):
        load_settings({**production, "SUPPLIER_DD_AUDIT_KEY": "short"},
                      instance_path=str(tmp_path))
    with pytest.raises(ConfigError, match="cannot be read"):
        load_settings({**production, "SUPPLIER_DD_AUDIT_KEY_FILE": str(tmp_path / "none")},
                      instance_path=str(tmp_path))
    key_file = tmp_path / "audit.key"
    key_file.write_text("f" * 64 + "\n")
    settings = load_settings({**production, "SUPPLIER_DD_AUDIT_KEY_FILE": str(key_file)},
                             instance_path=str(tmp_path))
    assert settings.audit_key == "f" * 64 and "f" * 64 not in repr(settings)
