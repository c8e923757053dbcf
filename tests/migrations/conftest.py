"""An empty database (no migrations run) for tests that upgrade step by step to a revision."""

from __future__ import annotations

import pytest

from tests.plugins.databases import create_postgres_database, drop_postgres_database


@pytest.fixture
def empty_database_url(db_backend, tmp_path):
    if db_backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    url = create_postgres_database("supplier_dd_migration")
    yield url
    drop_postgres_database(url)
