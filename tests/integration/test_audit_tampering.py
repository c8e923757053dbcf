"""Issue 22, item 6: tampering that `supplier-dd audit verify` used to miss.

Each test is an attacker with database access (and nothing else: not the audit key, not the
checkpoint directory, not the admins' mailboxes). They drop or disable the triggers that refuse
their statements, change rows with raw SQL, and recompute whatever hashes they can. Verify must
exit non-zero and name the declaration or entry, and the field, that changed.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select, text

from supplier_dd.domain.audit_chain import entry_hash, entry_mac
from supplier_dd.models import AuditEntry, Declaration
from supplier_dd.services import audit
from supplier_dd.services.audit_key import current_key
from supplier_dd.services.declaration_integrity import seal_hash
from tests.declaration_helpers import make_request
from tests.factories import make_supplier, make_user
from tests.integration.test_evidence_trail import _submit, _verify


@pytest.fixture
def two_declarations(session, supplier_and_contact):
    supplier, contact, _officer = supplier_and_contact
    untouched = _submit(session, make_request(session, supplier), contact)
    victim = _submit(session, make_request(session, supplier), contact)
    return untouched, victim


def _fails_naming(runner, declaration_id: int | None, *expected: str) -> str:
    result = _verify(runner)
    assert result.exit_code != 0, result.output
    if declaration_id is not None:
        assert f"DEC-{declaration_id:06d}" in result.output, result.output
    for words in expected:
        assert words.lower() in result.output.lower(), result.output
    return result.output


def test_a_submitted_declaration_set_back_to_draft_is_named(session, runner, two_declarations,
                                                           drop_declaration_triggers):
    untouched, victim = two_declarations
    drop_declaration_triggers()
    session.execute(text("UPDATE declarations SET status = 'draft' WHERE id = :id"),
                    {"id": victim.id})
    session.commit()
    output = _fails_naming(runner, victim.id, "status", "now draft", "submitted")
    assert f"DEC-{untouched.id:06d}" not in output


def test_a_declaration_moved_to_another_supplier_is_named(session, runner, two_declarations,
                                                         drop_declaration_triggers):
    _untouched, victim = two_declarations
    sealed_supplier = victim.supplier_id
    other = make_supplier(session, name="Somebody Else Ltd")
    session.commit()
    drop_declaration_triggers()
    session.execute(text("UPDATE declarations SET supplier_id = :s WHERE id = :id"),
                    {"s": other.id, "id": victim.id})
    session.commit()
    _fails_naming(runner, victim.id, f"supplier (sealed {sealed_supplier}, now {other.id})")


def test_a_changed_submitted_ip_is_named(session, runner, two_declarations,
                                        drop_declaration_triggers):
    _untouched, victim = two_declarations
    drop_declaration_triggers()
    session.execute(text("UPDATE declarations SET submitted_ip = '203.0.113.9' WHERE id = :id"),
                    {"id": victim.id})
    session.commit()
    _fails_naming(runner, victim.id, "submitted IP (sealed 198.51.100.7, now 203.0.113.9)")


def test_a_declaration_deleted_with_its_evidence_is_named(session, runner, two_declarations,
                                                         drop_declaration_triggers):
    _untouched, victim = two_declarations
    victim_id = victim.id
    drop_declaration_triggers()
    ident = {"id": victim_id}
    # Whatever refers to it goes first, as the foreign keys demand.
    session.execute(text("DELETE FROM evidence_files WHERE declaration_id = :id"), ident)
    session.execute(text("DELETE FROM risk_assessments WHERE declaration_id = :id"), ident)
    session.execute(text("DELETE FROM declarations WHERE id = :id"), ident)
    session.commit()
    session.expire_all()
    assert session.get(Declaration, victim_id) is None
    _fails_naming(runner, victim_id, "no longer exists", "1 evidence record")


def _newest_sequence(session) -> int:
    session.expire_all()
    return session.scalar(select(AuditEntry.sequence).order_by(AuditEntry.sequence.desc()))


def test_deleting_the_newest_entries_and_resetting_the_head_is_found(session, runner,
                                                                    two_declarations):
    checkpointed = runner.invoke(args=["audit", "checkpoint"])
    assert checkpointed.exit_code == 0, checkpointed.output
    newest = _newest_sequence(session)
    keep = newest - 2
    kept_hash = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.sequence == keep))
    session.execute(text("DELETE FROM audit_entries WHERE sequence > :keep"), {"keep": keep})
    session.execute(text("UPDATE audit_chain_head SET last_sequence = :s, last_hash = :h"),
                    {"s": keep, "h": kept_hash})
    session.commit()
    # The hash chain alone looks whole again; only the checkpoint outside the database knows.
    assert audit.verify(session) is None
    _fails_naming(runner, None, "truncated", f"entries {keep + 1} to {newest} were deleted")


def _forged_seal(seal: dict) -> str:
    """The seal with another signatory, its own digest recomputed to match."""
    forged = {**seal, "signatory_name": "A N Other"}
    forged["seal_sha256"] = seal_hash(forged)
    return json.dumps(forged)


def _rehash_from(session, first_sequence: int, *, strip_macs: bool,
                 stolen_key: bytes | None = None) -> None:
    """Recompute every hash from `first_sequence` on, as the published algorithm does (and,
    with a stolen key, every HMAC too)."""
    session.expire_all()
    entries = session.scalars(select(AuditEntry).order_by(AuditEntry.sequence)).all()
    previous = None
    for entry in entries:
        if entry.sequence >= first_sequence:
            digest = entry_hash(entry.sequence, audit._content(entry), previous)
            mac = entry_mac(stolen_key, digest) if stolen_key else entry.entry_mac
            session.execute(text("UPDATE audit_entries SET previous_hash = :p, entry_hash = :h, "
                                 "entry_mac = :m WHERE id = :id"),
                            {"p": previous, "h": digest, "m": mac, "id": entry.id})
            previous = digest
        else:
            previous = entry.entry_hash
    session.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": previous})
    if strip_macs:
        session.execute(text("UPDATE audit_entries SET entry_mac = NULL"))


@pytest.mark.parametrize("strip_macs", [False, True], ids=["macs_kept", "macs_removed"])
def test_a_full_rehash_of_the_chain_is_found(session, runner, two_declarations,
                                             drop_declaration_triggers,
                                             strip_macs):
    _untouched, victim = two_declarations
    seal = session.scalar(select(AuditEntry).where(
        AuditEntry.action == "declaration.submitted", AuditEntry.object_id == str(victim.id)))
    drop_declaration_triggers()
    # The signatory changed in the declaration and in its seal, so the two agree again...
    session.execute(text("UPDATE declarations SET signatory_name = 'A N Other' WHERE id = :id"),
                    {"id": victim.id})
    session.execute(text("UPDATE audit_entries SET after = :a WHERE id = :id"),
                    {"a": _forged_seal(seal.after), "id": seal.id})
    session.commit()
    # ...and every hash from the seal on recomputed, so the SHA-256 chain is whole again.
    _rehash_from(session, seal.sequence, strip_macs=strip_macs)
    session.commit()

    output = _fails_naming(runner, None, "hmac")
    if strip_macs:
        assert "Audit log broken at entry 1" in output
        assert "no hmac" in output.lower()
    else:
        assert f"Audit log broken at entry {seal.sequence}" in output
        assert f"declaration.submitted of declaration {victim.id}" in output


def test_a_rewrite_before_a_checkpoint_is_named_against_it(session, runner, two_declarations,
                                                          drop_declaration_triggers):
    """With the key stolen too the HMACs could be forged; the checkpoint file still disagrees."""
    _untouched, victim = two_declarations
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    newest = _newest_sequence(session)
    seal = session.scalar(select(AuditEntry).where(
        AuditEntry.action == "declaration.submitted", AuditEntry.object_id == str(victim.id)))
    session.execute(text("UPDATE audit_entries SET after = :a WHERE id = :id"),
                    {"a": _forged_seal(seal.after), "id": seal.id})
    session.commit()
    _rehash_from(session, seal.sequence, strip_macs=False, stolen_key=current_key())
    session.commit()
    output = _fails_naming(runner, None, f"entry {newest} no longer has the hash")
    assert "Audit log broken" not in output  # every HMAC was forged: only the checkpoint knows


# --- An untouched record verifies; the checkpoint is written and mailed --------------------------


def _checkpoint_lines() -> list[dict]:
    directory = Path(current_app.config["SUPPLIER_DD_SETTINGS"].audit_checkpoint_dir)
    lines = []
    for path in sorted(directory.glob("*.jsonl")):
        lines += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return lines


def test_a_real_chain_with_supersession_and_checkpoints_verifies(session, runner,
                                                                supplier_and_contact):
    supplier, contact, _officer = supplier_and_contact
    request = make_request(session, supplier)
    first = _submit(session, request, contact)
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    _submit(session, request, contact, revise_from=first)
    second = runner.invoke(args=["audit", "checkpoint"])
    assert second.exit_code == 0, second.output

    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "Audit log verified" in result.output
    assert "agrees with 2 checkpoints" in result.output
    assert "2 submitted declarations match" in result.output
    lines = _checkpoint_lines()
    assert [line["sequence"] for line in lines] == sorted(line["sequence"] for line in lines)
    assert lines[-1]["sequence"] == _newest_sequence(session)


@pytest.mark.sqlite_only
def test_the_demo_council_checkpoints_and_verifies(runner, smtp_server):
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    checkpointed = runner.invoke(args=["audit", "checkpoint"])
    assert checkpointed.exit_code == 0, checkpointed.output
    assert "Checkpoint written: entry" in checkpointed.output
    assert smtp_server.messages and all("checkpoint" in m.subject for m in smtp_server.messages)
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "agrees with 1 checkpoint (the latest at entry" in result.output
    assert re.search(r"[\d,]{2,} submitted declarations match", result.output), result.output


def test_the_checkpoint_job_writes_a_signed_line_and_mails_the_admins(app, session, smtp_server,
                                                                     two_declarations):
    from supplier_dd.jobs.scheduler import AUDIT_CHECKPOINT_JOB, audit_checkpoint_job, send_job

    make_user(session, "admin", email="admin@example.org")
    make_user(session, "admin", email="former-admin@example.org").active = False
    session.commit()
    audit_checkpoint_job(app)
    send_job(app)

    newest = _newest_sequence(session)
    head_hash = session.scalar(select(AuditEntry.entry_hash)
                               .where(AuditEntry.sequence == newest))
    line = _checkpoint_lines()[-1]
    assert (line["sequence"], line["entry_hash"]) == (newest, head_hash)
    assert re.fullmatch(r"[0-9a-f]{64}", line["mac"])

    mail = smtp_server.to("admin@example.org")
    assert len(mail) == 1 and not smtp_server.to("former-admin@example.org")
    assert "checkpoint" in mail[0].subject.lower()
    body = mail[0].text()
    assert f"entry {newest}" in body and head_hash in body and line["mac"] in body
    assert AUDIT_CHECKPOINT_JOB in {job.id for job in _jobs(app)}


def _jobs(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from supplier_dd.jobs.scheduler import build_scheduler

    return build_scheduler(app, BackgroundScheduler, sweep_at_start=False).get_jobs()


def test_an_edited_checkpoint_file_is_refused(session, runner, two_declarations):
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    directory = Path(current_app.config["SUPPLIER_DD_SETTINGS"].audit_checkpoint_dir)
    path = next(directory.glob("*.jsonl"))
    line = json.loads(path.read_text().splitlines()[-1])
    path.write_text(json.dumps({**line, "sequence": line["sequence"] - 1}) + "\n")
    result = _verify(runner)
    assert result.exit_code != 0
    assert "line 1" in result.output and "not signed with the audit key" in result.output


def test_the_verify_page_shows_a_sealed_declaration_set_back_to_draft_failing(
        client, session, two_declarations, drop_declaration_triggers):
    from tests.factories import PASSWORD
    from tests.helpers import text_of

    _untouched, victim = two_declarations
    drop_declaration_triggers()
    session.execute(text("UPDATE declarations SET status = 'draft', submitted_ip = '203.0.113.9' "
                         "WHERE id = :id"), {"id": victim.id})
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    page = text_of(client.get(f"/officer/declarations/{victim.id}/verify"))
    assert "no longer matches what was signed" in page
    assert "the declaration is now draft" in page
    assert "submitted IP (sealed 198.51.100.7, now 203.0.113.9)" in page
    assert page.count("Failed") == 2


def test_a_checkpoint_from_an_email_is_checked_with_expect(session, runner, two_declarations):
    newest = _newest_sequence(session)
    head_hash = session.scalar(select(AuditEntry.entry_hash)
                               .where(AuditEntry.sequence == newest))
    held = runner.invoke(args=["audit", "verify", "--expect", f"{newest}:{head_hash}"])
    assert held.exit_code == 0, held.output
    later = runner.invoke(args=["audit", "verify", "--expect", f"{newest + 3}:{head_hash}"])
    assert later.exit_code != 0
    assert (f"the checkpoint given with --expect records entry {newest + 3}, but the log now "
            f"ends at entry {newest}") in later.output
    refused = runner.invoke(args=["audit", "verify", "--expect", "twelve"])
    assert refused.exit_code == 2 and "is not SEQUENCE:HASH" in refused.output
