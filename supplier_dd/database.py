"""Engine set-up that differs between SQLite and PostgreSQL."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import InstrumentedAttribute, Session

from supplier_dd.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000


def _configure_sqlite_connection(dbapi_connection, _record) -> None:
    # WAL lets readers work while the scheduler writes; foreign keys are off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def configure_engine_options(app: Flask) -> None:
    """Must run before db.init_app, which creates the engine."""
    options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        options.setdefault("connect_args", {}).setdefault("timeout", SQLITE_BUSY_TIMEOUT_MS / 1000)
    else:
        options.setdefault("pool_pre_ping", True)


def attach_connection_settings(app: Flask) -> None:
    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _configure_sqlite_connection)


def dialect_insert(session: Session):
    """The INSERT construct of the session's database, the one with ON CONFLICT."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


def insert_ignoring_duplicates(session: Session, model, rows: list[dict], key: str) -> list:
    """INSERT ... ON CONFLICT (key) DO NOTHING for many rows at once (SQLAlchemy's
    "insertmanyvalues"); returns the keys of the rows actually inserted. A concurrent
    transaction inserting the same key makes this one wait for it, then skip the row."""
    if not rows:
        return []
    table = model.__table__
    statement = (
        dialect_insert(session)(table)
        .on_conflict_do_nothing(index_elements=[key])
        .returning(table.c[key])
    )
    return list(session.execute(statement, rows).scalars())


def hold_until_commit(session: Session, column: InstrumentedAttribute, *where) -> None:
    """Lock the rows matching `where` for the rest of the transaction with a write that changes
    nothing (`column` set to itself). On PostgreSQL it row-locks them, waiting for a transaction
    that holds them and then seeing its committed result; on SQLite, where FOR UPDATE does
    nothing, it takes the database write lock. Re-read afterwards with populate_existing:
    whatever the session loaded before the lock may be stale."""
    session.execute(
        update(column.class_).where(*where).values({column: column})
        .execution_options(synchronize_session=False)
    )
