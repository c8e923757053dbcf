"""The floor for the declaration-submit benchmark: the least a Flask app can do per POST.

One route reads a form field and inserts one row in its own transaction, through SQLAlchemy on
the same database URL; it is served by gunicorn with the same settings as the real app, so
the gap between the two is what the app does per submission (sessions, CSRF, access checks,
validation, scoring, audit chain, re-attestation), not the server or the database.

    BENCH_FLOOR_DATABASE_URL=... gunicorn -w 4 'bench.floor_app:create_app()'
    (bench_submit calls create_table(url) first)
"""

from __future__ import annotations

import os
from datetime import datetime

from flask import Flask, request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, create_engine, event

metadata = MetaData()
floor_rows = Table(
    "bench_floor_rows", metadata,
    Column("id", Integer, primary_key=True),
    Column("payload", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
)


def _engine(url: str):
    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # The same connection settings as the real app (WAL, busy timeout, synchronous).
        from supplier_dd.database import _configure_sqlite_connection

        event.listen(engine, "connect", _configure_sqlite_connection)
    return engine


def create_table(url: str) -> None:
    """Called once before gunicorn starts: four workers creating it at once would race."""
    engine = _engine(url)
    metadata.create_all(engine)
    engine.dispose()


def create_app() -> Flask:
    engine = _engine(os.environ["BENCH_FLOOR_DATABASE_URL"])
    app = Flask(__name__)

    @app.post("/insert")
    def insert_row():
        with engine.begin() as connection:
            connection.execute(floor_rows.insert().values(
                payload=request.form.get("payload", "")[:200], created_at=datetime.utcnow()))
        return "", 204

    return app
