"""Real databases for tests: a migrated SQLite file per test, and a real PostgreSQL server.

PostgreSQL is used when TEST_DATABASE_URL is set or a server answers on 127.0.0.1:5432. Under
CI=true an unreachable PostgreSQL fails the run: it is never silently skipped.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import MetaData, Table, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

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
def _migrated_templates(tmp_path_factory):
    """The migrated database of each backend, built the first time a test asks for it and kept
    for the rest of the worker's run. pytest holds one value of a parametrised session fixture
    at a time, and a worker runs each file's SQLite tests, then its PostgreSQL ones: building
    the template inside the parametrised fixture migrated again at every switch, twice a file
    (about 5 s each time, a sixth of the suite)."""
    built: dict[str, object] = {}
    _state["engines"] = {}

    def template_for(db_backend: str):
        if db_backend not in built:
            tmp_dir = tmp_path_factory.mktemp(f"template-{db_backend}")
            if db_backend == "sqlite":
                path = tmp_dir / "template.sqlite3"
                upgrade_to_head(f"sqlite:///{path}", tmp_dir)
                built[db_backend] = path
            else:
                url = create_postgres_database()
                upgrade_to_head(url, tmp_dir)
                _state["baseline"] = _baseline_of(url)
                built[db_backend] = url
        if db_backend != "sqlite":
            _state["postgres_used"] = True
        return built[db_backend]

    yield template_for
    for engine in _state.pop("engines", {}).values():
        engine.dispose()
    if "postgresql" in built:
        drop_postgres_database(built["postgresql"])


@pytest.fixture(scope="session")
def migrated_template(db_backend, _migrated_templates):
    """One migrated database per backend per session; tests get copies or truncated tables."""
    return _migrated_templates(db_backend)


@dataclass
class _Baseline:
    """What a PostgreSQL test starts from: the rows the migrations themselves insert (like
    migration 0033's council 1), as each SQLite test starts from a copy of the template; and,
    for resetting quickly, each table's id sequences and the tables that refer to it."""

    seeded: list[tuple[Table, list[dict]]]
    tables: list[str]
    sequences: dict[str, list[str]]
    referenced_by: dict[str, set[str]]


_OWNED_SEQUENCES = text(
    "SELECT t.relname, s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
    "AND d.deptype IN ('a', 'i') JOIN pg_class t ON t.oid = d.refobjid "
    "JOIN pg_namespace n ON n.oid = s.relnamespace "
    "WHERE s.relkind = 'S' AND n.nspname = 'public'")


def _baseline_of(url: str) -> _Baseline:
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    tables = sorted(name for name in metadata.tables if name != "alembic_version")
    seeded, referenced_by = [], {name: set() for name in metadata.tables}
    sequences: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for key in table.foreign_keys:
                referenced_by[key.column.table.name].add(table.name)
            if table.name == "alembic_version":
                continue
            rows = [dict(row._mapping) for row in connection.execute(_ordered(table))]
            if rows:
                seeded.append((table, rows))
        for table_name, sequence in connection.execute(_OWNED_SEQUENCES):
            sequences.setdefault(table_name, []).append(sequence)
    engine.dispose()
    return _Baseline(seeded, tables, sequences, referenced_by)


def _ordered(table: Table):
    return table.select().order_by(*table.primary_key.columns)


def _changed_tables(connection, baseline: _Baseline) -> set[str]:
    """Tables a test changed: any with rows or a used id sequence, except a seeded table still
    holding exactly its seeded rows. Two queries answer for every table."""
    probes = " UNION ALL ".join(
        f"SELECT '{name}' WHERE EXISTS (SELECT 1 FROM \"{name}\")" for name in baseline.tables)
    changed = set(connection.execute(text(probes)).scalars())
    used = set(connection.execute(text(
        "SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' "
        "AND last_value IS NOT NULL")).scalars())
    changed |= {table for table, owned in baseline.sequences.items() if used & set(owned)}
    for table, rows in baseline.seeded:
        if table.name in changed and _holds_only(connection, table, rows):
            changed.discard(table.name)
    return changed


def _holds_only(connection, table: Table, rows: list[dict]) -> bool:
    if [dict(row._mapping) for row in connection.execute(_ordered(table))] != rows:
        return False
    if "id" not in table.c:
        return True
    # The sequence stands where the migrations (or restoring the rows) left it, after them.
    used = connection.execute(text(
        "SELECT last_value FROM pg_sequences WHERE schemaname = 'public' AND sequencename = "
        "pg_get_serial_sequence(:table, 'id')::regclass::text"), {"table": table.name}).scalar()
    return used == max(row["id"] for row in rows)


def _with_referring_tables(tables: set[str], baseline: _Baseline) -> set[str]:
    """TRUNCATE refuses a table another refers to unless that one is emptied too."""
    closed, waiting = set(tables), list(tables)
    while waiting:
        for referring in baseline.referenced_by.get(waiting.pop(), ()):
            if referring not in closed:
                closed.add(referring)
                waiting.append(referring)
    return closed


def _restore_seeded_rows(connection, baseline: _Baseline, emptied: set[str]) -> None:
    for table, rows in baseline.seeded:
        if table.name not in emptied:
            continue
        connection.execute(table.insert(), rows)
        if "id" in table.c:
            # Rows inserted with their ids leave the sequence behind: the next id follows them.
            connection.execute(text(
                "SELECT setval(pg_get_serial_sequence(:table, 'id'), "
                f'(SELECT max(id) FROM "{table.name}"))'), {"table": table.name})


def _constraints_off(connection) -> bool:
    """Foreign keys unchecked for this transaction (a superuser's right, as the postgres user of
    CI and the dev machine has): the changed tables can then be emptied by DELETE in any order.
    A TRUNCATE costs about 10 ms a table, whether or not it holds rows, and emptying what a test
    wrote and all that refers to it came to half a second before every PostgreSQL test."""
    if _state.get("constraints_cannot_be_turned_off"):
        return False
    try:
        with connection.begin_nested():
            connection.execute(text("SET LOCAL session_replication_role = replica"))
    except DBAPIError:
        _state["constraints_cannot_be_turned_off"] = True
        return False
    return True


def _truncate_all(url: str) -> None:
    """Back to the baseline: the tables a test changed emptied, their ids started again, the
    seeded rows put back."""
    baseline = _state["baseline"]
    engines = _state["engines"]
    if url not in engines:
        engines[url] = create_engine(url)
    engine = engines[url]
    with engine.begin() as connection:
        changed = _changed_tables(connection, baseline)
        if not changed:
            return
        if _constraints_off(connection):
            emptied = changed
            for name in sorted(emptied):
                connection.execute(text(f'DELETE FROM "{name}"'))
            restarts = [sequence for name in sorted(emptied)
                        for sequence in baseline.sequences.get(name, [])]
            if restarts:
                connection.execute(text("SELECT " + ", ".join(
                    f"setval('\"{sequence}\"', 1, false)" for sequence in restarts)))
        else:
            emptied = _with_referring_tables(changed, baseline)
            names = ", ".join(f'"{name}"' for name in sorted(emptied))
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY"))
        _restore_seeded_rows(connection, baseline, emptied)


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
