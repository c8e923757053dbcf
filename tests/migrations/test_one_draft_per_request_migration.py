"""Migration 0013 on a database where the double-click race already left several drafts for one
request: the draft worked on last stays on the request, the others are kept but detached, and
the index then holds. SQLite and PostgreSQL."""

from __future__ import annotations

from flask_migrate import upgrade
from sqlalchemy import text

from supplier_dd.extensions import db
from tests.plugins.apps import make_test_app

ROWS = """
INSERT INTO suppliers (id, name, normalised_name, country, created_at)
  VALUES (1, 'Raced Ltd', 'raced', 'GB', '2026-01-01 09:00:00');
INSERT INTO declaration_requests (id, natural_key, supplier_id, kind, due_date,
                                  questionnaire_id, note, requested_at)
  VALUES (1, 'annual:2026:supplier:1', 1, 'annual', '2026-12-31', 'modern_slavery', '',
          '2026-01-01 09:00:00');
INSERT INTO declarations (id, supplier_id, request_id, questionnaire_id, questionnaire_version,
                          status, answers, review_question_ids, created_at, updated_at)
  VALUES (1, 1, 1, 'modern_slavery', 1, 'draft', '{"a": 1}', '[]',
          '2026-01-02 09:00:00', '2026-01-02 09:00:00'),
         (2, 1, 1, 'modern_slavery', 1, 'draft', '{"a": 2}', '[]',
          '2026-01-02 09:00:00', '2026-01-05 09:00:00'),
         (3, 1, 1, 'modern_slavery', 1, 'draft', '{"a": 3}', '[]',
          '2026-01-02 09:00:00', '2026-01-03 09:00:00')
"""


def test_extra_drafts_left_by_the_race_are_detached_and_kept(empty_database_url, tmp_path):
    app = make_test_app(empty_database_url, tmp_path)
    with app.app_context():
        upgrade(revision="0012")
        with db.engine.begin() as connection:
            for statement in ROWS.split(";"):
                connection.execute(text(statement))
        upgrade(revision="0013")
        with db.engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT id, request_id, answers FROM declarations ORDER BY id")).all()
        db.engine.dispose()
    assert [(row.id, row.request_id) for row in rows] == [(1, None), (2, 1), (3, None)]
    assert len({str(row.answers) for row in rows}) == 3, "every draft keeps its own answers"
