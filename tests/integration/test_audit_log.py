"""The audit log is append-only and hash-chained; tampering is found and named."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text, update

from supplier_dd.models import AuditEntry
from supplier_dd.services import audit
from tests.factories import PASSWORD, make_user

NOW = datetime(2026, 5, 1, 9, 30)


def _write_entries(session, count=5):
    actor = audit.Actor(1, "officer@example.org", "officer", "127.0.0.1")
    for number in range(count):
        audit.record(session, "supplier.updated", actor, NOW, object_type="supplier",
                     object_id=number, before={"name": f"Old {number}"},
                     after={"name": f"New {number}"})
    session.commit()


def test_an_untouched_log_verifies(session, runner):
    _write_entries(session)
    assert audit.verify(session) is None
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "verified" in result.output


def test_changing_an_entry_is_found_and_named(session, runner):
    _write_entries(session)
    session.execute(update(AuditEntry).where(AuditEntry.sequence == 3)
                    .values(after={"name": "Quietly edited"}))
    session.commit()
    found = audit.verify(session)
    assert found.sequence == 3 and "changed" in found.reason
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code != 0
    assert "entry 3" in result.output


def test_deleting_an_entry_is_found(session):
    _write_entries(session)
    session.execute(text("DELETE FROM audit_entries WHERE sequence = 2"))
    session.commit()
    assert audit.verify(session).sequence == 3


def test_deleting_the_newest_entry_is_found(session):
    _write_entries(session)
    session.execute(text("DELETE FROM audit_entries WHERE sequence = 5"))
    session.commit()
    found = audit.verify(session)
    assert found is not None and "newest" in found.reason


def test_sign_ins_and_failures_are_recorded(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.submit("/sign-in", {"email": "officer@example.org", "password": "wrong"})
    client.sign_in("officer@example.org", PASSWORD)
    actions = session.scalars(select(AuditEntry.action).order_by(AuditEntry.sequence)).all()
    assert actions == ["auth.sign_in_failed", "auth.sign_in"]
    failed = session.scalar(select(AuditEntry).where(AuditEntry.action == "auth.sign_in_failed"))
    assert failed.details == {"email": "officer@example.org"}
    assert failed.ip_address == "127.0.0.1"
    assert audit.verify(session) is None


def test_supplier_changes_record_before_and_after(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    created = client.submit("/officer/suppliers/new", {"name": "Acme Ltd", "country": "GB"})
    supplier_path = created.headers["Location"]
    client.submit(supplier_path + "/edit", {"name": "Acme Holdings Ltd"})
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "supplier.updated"))
    assert entry.before["name"] == "Acme Ltd"
    assert entry.after["name"] == "Acme Holdings Ltd"
    assert entry.actor_email == "officer@example.org" and entry.actor_role == "officer"


def test_admin_browses_and_exports_the_audit_log(client, session):
    _write_entries(session, count=3)
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    page = client.get("/admin/audit?action=supplier.updated")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.count(". supplier.updated</h2>") == 3
    assert "auth.sign_in</h2>" not in html

    export = client.get("/admin/audit/export.csv?action=supplier.updated")
    assert export.headers["Content-Disposition"] == "attachment; filename=audit-log.csv"
    # A byte order mark first, so Excel reads the file as UTF-8.
    lines = export.data.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("sequence,occurred_at,actor_email")
    assert len(lines) == 4
    assert '"{""name"":""New 0""}"' in lines[1]
