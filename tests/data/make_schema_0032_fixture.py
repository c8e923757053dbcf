"""Make tests/data/schema_0032_fixture.json: every row of a demo council at schema 0032.

The upgrade test (tests/migrations/test_councils_upgrade.py) needs a database as an install
had it before councils (issue 17). Today's `demo load` writes today's models, so the rows are
made once by the code of that time, in a worktree of the last commit before councils:

    git worktree add /tmp/wt0032 1cbc803
    cd /tmp/wt0032 && SUPPLIER_DD_AUDIT_KEY=schema-0032-fixture-audit-key-0123456789abcdef \\
        DATABASE_URL=sqlite:////tmp/v0032.sqlite3 SUPPLIER_DD_UPLOAD_DIR=/tmp/v0032-uploads \\
        /work/main/.venv/bin/python /work/main/tests/data/make_schema_0032_fixture.py \\
        /work/main/tests/data/schema_0032_fixture.json
    cd /work/main && git worktree remove /tmp/wt0032

(run from the worktree: its own `supplier_dd` package is the one imported). It migrates the
empty database, loads the demo, adds an API key and a supplier invitation (kinds of row the
demo has none of), and writes each table's rows as JSON with their types tagged, so the test
can insert them into SQLite or PostgreSQL alike.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

NOW = datetime(2026, 11, 30, 10, 0)


def _cli(*args: str) -> None:
    subprocess.run([sys.executable, "-c", "from supplier_dd.cli import main; main()", *args],
                   check=True)


def _extra_rows() -> None:
    from supplier_dd import create_app
    from supplier_dd.extensions import db
    from supplier_dd.models import Supplier, User
    from supplier_dd.services import audit
    from supplier_dd.services.api_keys import create_key
    from supplier_dd.services.invitations import create_invitation

    app = create_app()
    with app.app_context():
        session = db.session
        admin = session.query(User).filter_by(role="admin").order_by(User.id).first()
        supplier = session.query(Supplier).order_by(Supplier.id).first()
        create_key(session, "Finance system", admin, NOW, audit.Actor.of(admin))
        create_invitation(session, supplier, "new.contact@brightwater.example", "New Contact",
                          admin, NOW, valid_hours=72)
        session.commit()
        db.engine.dispose()


def _encode(value, is_json: bool):
    if value is None:
        return None
    if is_json:
        return {"$json": value}
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, bytes):
        return {"$bytes": base64.b64encode(value).decode()}
    return value


def dump(url: str) -> dict:
    from sqlalchemy import JSON, MetaData, create_engine, select

    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    tables = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            order = [column for column in table.primary_key.columns] or list(table.columns)
            rows = connection.execute(select(table).order_by(*order)).all()
            json_columns = [isinstance(column.type, JSON) for column in table.columns]
            tables[table.name] = {
                "columns": [column.name for column in table.columns],
                "rows": [[_encode(value, is_json)
                          for value, is_json in zip(row, json_columns, strict=True)]
                         for row in rows],
            }
    engine.dispose()
    return tables


def main() -> None:
    import os

    # The worktree's own package, not the one the virtualenv installed from /work/main.
    sys.path.insert(0, os.getcwd())
    out = Path(sys.argv[1])
    _cli("db", "upgrade")
    _cli("demo", "load")
    _extra_rows()
    tables = dump(os.environ["DATABASE_URL"])
    out.write_text(json.dumps({"revision": "0032", "made_by": "1cbc803 demo load",
                               "tables": tables}, sort_keys=True,
                              separators=(",", ":")) + "\n")
    print({name: len(table["rows"]) for name, table in tables.items() if table["rows"]})


if __name__ == "__main__":
    main()
