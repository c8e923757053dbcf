"""Fixtures shared by the integration tests of declarations and their audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.factories import make_supplier, make_user


@pytest.fixture
def supplier_and_contact(session):
    supplier = make_supplier(session, name="Acme Facilities Ltd", turnover_band="under-36m")
    contact = make_user(session, "supplier", email="jane@acme.example", supplier=supplier)
    officer = make_user(session, "officer", email="officer@example.org")
    session.commit()
    return supplier, contact, officer


PG_GUARDS = (("declarations", "declarations_guard"), ("evidence_files", "evidence_files_guard"))
SQLITE_GUARDS = ("declarations_submitted_no_update", "declarations_submitted_no_delete",
                 "evidence_files_no_update", "evidence_files_submitted_no_delete")


@pytest.fixture
def drop_declaration_triggers(session):
    """What an attacker with database access does first, since the triggers refuse their UPDATE:
    drop them (SQLite: this test's own copy of the database) or disable them (PostgreSQL, whose
    migrated database the session's tests share: enabled again afterwards, whatever happens)."""
    postgres = session.get_bind().dialect.name == "postgresql"

    def drop() -> None:
        if postgres:
            for table, trigger in PG_GUARDS:
                session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER {trigger}"))
        else:
            for name in SQLITE_GUARDS:
                session.execute(text(f"DROP TRIGGER IF EXISTS {name}"))
        session.commit()

    yield drop
    if postgres:
        session.rollback()
        for table, trigger in PG_GUARDS:
            session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER {trigger}"))
        session.commit()
