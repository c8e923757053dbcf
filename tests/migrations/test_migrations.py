"""The schema is only ever made by Alembic: one head, upgrade from empty, models match head."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import Migrate
from sqlalchemy import create_engine, inspect

from supplier_dd import PROJECT_ROOT
from supplier_dd.extensions import db
from tests.plugins.databases import upgrade_to_head


def test_migrations_have_exactly_one_head(app):
    config = app.extensions["migrate"].migrate.get_config(str(PROJECT_ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several Alembic heads: {heads}; add a merge revision"


def test_upgrade_from_empty_to_head_creates_every_table(db_backend, tmp_path):
    if db_backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    else:
        from tests.plugins.databases import create_postgres_database, drop_postgres_database

        url = create_postgres_database("supplier_dd_migration")
    try:
        upgrade_to_head(url, tmp_path)
        engine = create_engine(url)
        tables = set(inspect(engine).get_table_names())
        engine.dispose()
        assert set(db.metadata.tables) <= tables
        assert "alembic_version" in tables
    finally:
        if db_backend != "sqlite":
            drop_postgres_database(url)


def test_models_match_the_migrated_schema(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        differences = compare_metadata(context, db.metadata)
    assert differences == [], f"models and migrations differ: {differences}"


def test_migrate_extension_is_bound_to_the_project_migrations(app):
    migrate: Migrate = app.extensions["migrate"].migrate
    assert migrate.directory == str(PROJECT_ROOT / "migrations")
