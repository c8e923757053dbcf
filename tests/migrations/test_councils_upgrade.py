"""Upgrading an install from before councils (issue 17): a database at schema 0032 holding the
demo council, as `demo load` of that time wrote it (tests/data/schema_0032_fixture.json, made by
tests/data/make_schema_0032_fixture.py), upgraded to head, keeps every record, gives each one to
the deployment's one council, and its audit log still verifies. SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import MetaData, func, select, text

from supplier_dd.extensions import db
from tests.plugins.apps import make_test_app

FIXTURE = Path(__file__).resolve().parent.parent / "data" / "schema_0032_fixture.json"
# The key the fixture's audit entries were signed with (see make_schema_0032_fixture.py).
AUDIT_KEY = "schema-0032-fixture-audit-key-0123456789abcdef"
COUNCIL_NAME = "Northmoor Borough Council"
STAFF_ROLES = {"officer", "legal", "safeguarding", "admin"}
# Tables with a council_id that are not council-owned rows: checked on their own below, or
# new in 0033 (a consent names the council it is given to).
NOT_COUNCIL_OWNED = {"users", "council_suppliers", "sharing_consents"}


def _decode(value):
    if not isinstance(value, dict) or len(value) != 1:
        return value
    (tag, inner), = value.items()
    match tag:
        case "$json":
            return inner
        case "$datetime":
            return datetime.fromisoformat(inner)
        case "$date":
            return date.fromisoformat(inner)
        case "$decimal":
            return Decimal(inner)
        case "$bytes":
            return base64.b64decode(inner)
    return value


def load_fixture(connection, tables: dict) -> None:
    """Write the fixture's rows into a database at 0032, replacing what the migrations wrote
    (the audit chain's head row). Tables are filled parents first, so foreign keys hold."""
    metadata = MetaData()
    metadata.reflect(connection)
    ordered = [table for table in metadata.sorted_tables if table.name in tables]
    for table in reversed(ordered):
        connection.execute(table.delete())
    for table in ordered:
        fixture = tables[table.name]
        rows = [dict(zip(fixture["columns"], map(_decode, row), strict=True))
                for row in fixture["rows"]]
        if rows:
            connection.execute(table.insert(), rows)
    if connection.dialect.name == "postgresql":
        for table in ordered:
            if "id" in table.columns and table.columns["id"].autoincrement is not False:
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 1)) "
                    f"WHERE pg_get_serial_sequence('{table.name}', 'id') IS NOT NULL"))


def row_counts(connection, names) -> dict[str, int]:
    return {name: connection.scalar(text(f'SELECT COUNT(*) FROM "{name}"')) for name in names}


def test_upgrading_a_pre_council_database_keeps_every_record_for_the_one_council(
        empty_database_url, tmp_path, monkeypatch):
    # The migration names the council from the environment, as the header always was.
    monkeypatch.setenv("SUPPLIER_DD_COUNCIL_NAME", COUNCIL_NAME)
    fixture = json.loads(FIXTURE.read_text())
    assert fixture["revision"] == "0032"
    tables = fixture["tables"]
    app = make_test_app(empty_database_url, tmp_path, env={
        "SUPPLIER_DD_AUDIT_KEY": AUDIT_KEY, "SUPPLIER_DD_COUNCIL_NAME": COUNCIL_NAME})
    with app.app_context():
        upgrade(revision="0032")
        with db.engine.begin() as connection:
            load_fixture(connection, tables)
            before = row_counts(connection, tables)
        assert before == {name: len(table["rows"]) for name, table in tables.items()}
        assert before["suppliers"] > 20 and before["audit_entries"] > 50

        upgrade(revision="heads")

        with db.engine.connect() as connection:
            after = row_counts(connection, tables)
            metadata = MetaData()
            metadata.reflect(connection)
            councils = connection.execute(text("SELECT id, name FROM councils")).all()
            owned = {table.name: connection.execute(
                select(table.c.council_id, func.count()).group_by(table.c.council_id)).all()
                for table in metadata.sorted_tables
                if "council_id" in table.columns and table.name not in NOT_COUNCIL_OWNED}
            links = connection.execute(text(
                "SELECT council_id, supplier_id FROM council_suppliers")).all()
            supplier_ids = set(connection.scalars(text("SELECT id FROM suppliers")))
            users = connection.execute(text("SELECT role, council_id FROM users")).all()
        audit_check = app.test_cli_runner().invoke(args=["audit", "verify"])
        db.engine.dispose()

    assert after == before, "every record of every table is still there"
    assert [tuple(row) for row in councils] == [(1, COUNCIL_NAME)]
    assert "supplier_risk_summaries" in owned and "audit_entries" in owned
    not_the_council = {name: groups for name, groups in owned.items()
                       if any(council_id != 1 for council_id, _count in groups)}
    assert not_the_council == {}, "every council-owned row belongs to council 1"
    for name, groups in owned.items():
        assert sum(count for _council, count in groups) == before.get(name, 0), name
    assert {row.council_id for row in links} == {1}
    assert {row.supplier_id for row in links} == supplier_ids
    assert len(links) == len(supplier_ids)
    staff = [row for row in users if row.role in STAFF_ROLES]
    contacts = [row for row in users if row.role == "supplier"]
    assert staff and contacts and len(staff) + len(contacts) == len(users)
    assert {row.council_id for row in staff} == {1}
    assert {row.council_id for row in contacts} == {None}
    assert audit_check.exit_code == 0, audit_check.output
    assert "Audit log verified" in audit_check.output


def test_the_upgraded_council_sees_all_its_suppliers_and_their_dashboard(
        empty_database_url, tmp_path, monkeypatch):
    """After the upgrade the app's scoping finds the old rows: acting for council 1, the
    suppliers, their dashboard rows and the council's audit entries are all there."""
    from supplier_dd.models import Supplier
    from supplier_dd.models.audit import AuditEntry
    from supplier_dd.models.risk import SupplierRiskSummary
    from supplier_dd.models.tenancy import act_for

    monkeypatch.setenv("SUPPLIER_DD_COUNCIL_NAME", COUNCIL_NAME)
    tables = json.loads(FIXTURE.read_text())["tables"]
    app = make_test_app(empty_database_url, tmp_path, env={
        "SUPPLIER_DD_AUDIT_KEY": AUDIT_KEY, "SUPPLIER_DD_COUNCIL_NAME": COUNCIL_NAME})
    with app.app_context():
        upgrade(revision="0032")
        with db.engine.begin() as connection:
            load_fixture(connection, tables)
        upgrade(revision="heads")
        session = db.session
        act_for(session, 1)
        suppliers = session.scalar(select(func.count()).select_from(Supplier))
        summaries = session.scalar(select(func.count()).select_from(SupplierRiskSummary))
        entries = session.scalar(select(func.count()).select_from(AuditEntry))
        session.rollback()
        db.engine.dispose()
    assert suppliers == len(tables["suppliers"]["rows"])
    assert summaries == len(tables["supplier_risk_summaries"]["rows"])
    assert entries == len(tables["audit_entries"]["rows"])
