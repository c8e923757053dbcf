"""A fresh install, migrated to head, creates its second council (migration 0037): 0033 gave the
first council its id by hand, which on PostgreSQL left the id sequence behind, so the first
council created afterwards was refused as a duplicate of council 1. SQLite and PostgreSQL."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from supplier_dd.extensions import db
from tests.factories import PASSWORD
from tests.plugins.apps import make_test_app


def test_the_first_council_created_after_migrating_is_council_2(empty_database_url, tmp_path):
    app = make_test_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(revision="heads")
        created = app.test_cli_runner().invoke(
            args=["councils", "create", "--name", "East District Council", "--short-name",
                  "east-district", "--admin-email", "ann@east.example", "--admin-name",
                  "Ann Admin"], input=f"{PASSWORD}\n")
        with db.engine.connect() as connection:
            councils = connection.execute(text("SELECT id, short_name FROM councils ORDER BY id"))
            councils = [tuple(row) for row in councils]
        db.engine.dispose()
    assert created.exit_code == 0, created.output
    assert councils[-1] == (2, "east-district") and len(councils) == 2
