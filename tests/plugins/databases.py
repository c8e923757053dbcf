"""Real databases for tests: a migrated SQLite file per test, and a real PostgreSQL server.

PostgreSQL is used when TEST_DATABASE_URL is set or a server answers on 127.0.0.1:5432. Under
CI=true an unreachable PostgreSQL fails the run: it is never silently skipped.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url

DEFAULT_PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
_state: dict = {}


def _admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL") or DEFAULT_PG_ADMIN_URL


def _postgres_reachable() -> tuple[bool, str]:
    url = make_url(_admin_url())
    try:
        with psycopg.connect(
            host=url.host or "127.0.0.1",
            port=url.port or 5432,
            user=url.username or "postgres",
            password=url.password,
            dbname=url.database or "postgres",
            connect_timeout=3,
        ):
            return True, ""
    except psycopg.Error as error:
        return False, str(error).strip().splitlines()[0] if str(error).strip() else repr(error)


def pytest_configure(config):
    ok, reason = _postgres_reachable()
    if not ok and os.environ.get("CI", "").lower() == "true":
        raise pytest.UsageError(
            f"CI=true but PostgreSQL at {_admin_url()} is unreachable ({reason}); "
            "the PostgreSQL tier must run in CI."
        )
    _state["postgres"] = ok
    _state["postgres_reason"] = reason
    _state["postgres_used"] = False


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if _state.get("postgres") else ["sqlite"]


def pytest_report_header(config):
    if _state.get("postgres"):
        return f"databases: SQLite and PostgreSQL ({make_url(_admin_url()).render_as_string()})"
    return f"databases: SQLite only; PostgreSQL NOT tested ({_state.get('postgres_reason')})"


def pytest_sessionfinish(session):
    # Under pytest-xdist the workers run the tests: each says whether it used PostgreSQL.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["postgres_used"] = _state.get("postgres_used", False)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    if getattr(node, "workeroutput", {}).get("postgres_used"):
        _state["postgres_used"] = True


def pytest_terminal_summary(terminalreporter):
    if _state.get("postgres_used"):
        terminalreporter.write_line("Database tiers exercised: SQLite and PostgreSQL.", green=True)
    elif _state.get("postgres"):
        terminalreporter.write_line(
            "Database tiers exercised: SQLite (no selected test used PostgreSQL)."
        )
    else:
        terminalreporter.write_line(
            "PostgreSQL was NOT tested: no server on 127.0.0.1:5432 and no TEST_DATABASE_URL "
            f"({_state.get('postgres_reason')}). Only the SQLite tier ran.",
            yellow=True,
        )


def pytest_generate_tests(metafunc):
    if "db_backend" in metafunc.fixturenames:
        # @pytest.mark.sqlite_only: for checks that cannot depend on the database (such as
        # accessibility of rendered pages), one backend is enough.
        only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
        metafunc.parametrize(
            "db_backend", ["sqlite"] if only_sqlite else backends(), scope="session"
        )


def upgrade_to_head(database_url: str, tmp_dir: Path) -> None:
    """Run the real migrations (never create_all) through the app's Flask-Migrate set-up."""
    from flask_migrate import upgrade

    from tests.plugins.apps import make_test_app

    app = make_test_app(database_url, tmp_dir)
    with app.app_context():
        upgrade(revision="heads")
        from supplier_dd.extensions import db

        db.engine.dispose()


def create_postgres_database(prefix: str = "supplier_dd_test") -> str:
    admin = make_url(_admin_url())
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return admin.set(drivername="postgresql+psycopg", database=name).render_as_string(
        hide_password=False
    )


def drop_postgres_database(url: str) -> None:
    target = make_url(url)
    admin = make_url(_admin_url())
    engine = create_engine(admin.set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(db_backend, tmp_path_factory):
    """One migrated database per backend per session; tests get copies or truncated tables."""
    tmp_dir = tmp_path_factory.mktemp(f"template-{db_backend}")
    if db_backend == "sqlite":
        path = tmp_dir / "template.sqlite3"
        upgrade_to_head(f"sqlite:///{path}", tmp_dir)
        yield path
    else:
        _state["postgres_used"] = True
        url = create_postgres_database()
        upgrade_to_head(url, tmp_dir)
        _state["seeded_rows"] = _rows_the_migrations_seeded(url)
        yield url
        drop_postgres_database(url)


def _rows_the_migrations_seeded(url: str) -> list[tuple]:
    """(table, rows) the migrations themselves insert, like migration 0033's council 1: each
    PostgreSQL test starts from them, as each SQLite test starts from a copy of the template."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    seeded = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(row._mapping) for row in connection.execute(table.select())]
            if rows:
                seeded.append((table, rows))
    engine.dispose()
    return seeded


def _restore_seeded_rows(connection) -> None:
    for table, rows in _state.get("seeded_rows", []):
        connection.execute(table.insert(), rows)
        if "id" in table.c:
            # Rows inserted with their ids leave the sequence behind: the next id follows them.
            connection.execute(text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f'(SELECT max(id) FROM "{table.name}"))'), {"table": table.name})


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        tables = (
            connection.execute(
                text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                    "AND tablename <> 'alembic_version'"
                )
            )
            .scalars()
            .all()
        )
        if tables:
            names = ", ".join(f'"{t}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        _restore_seeded_rows(connection)
    engine.dispose()


@pytest.fixture
def database_url(db_backend, migrated_template, tmp_path):
    """A migrated, empty database for one test."""
    if db_backend == "sqlite":
        path = tmp_path / "test.sqlite3"
        shutil.copyfile(migrated_template, path)
        yield f"sqlite:///{path}"
    else:
        _truncate_all(migrated_template)
        yield migrated_template
