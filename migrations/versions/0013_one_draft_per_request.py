"""declarations: at most one open draft per declaration request

Revision ID: 0013
Revises: 0012

Six "make a new version" clicks at once used to leave up to four drafts for one request
(issue 22). A partial unique index on declarations(request_id) WHERE status = 'draft' makes the
database refuse a second one; submitted and superseded versions are not counted.

Where that race already left several drafts for a request, the one worked on last stays on the
request and the others are detached from it (request_id NULL): their answers and evidence are
kept, and the number detached is printed. Drafts are not protected by the 0002 triggers, so the
UPDATE is allowed; no table is rebuilt, so the triggers stay as they are.
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

INDEX = "uq_declarations_one_draft_per_request"
OPEN_DRAFT = sa.text("status = 'draft'")


def _detach_extra_drafts() -> int:
    extra_drafts = """
        SELECT id FROM (
          SELECT id, ROW_NUMBER() OVER (
            PARTITION BY request_id ORDER BY updated_at DESC, id DESC) AS position
          FROM declarations WHERE status = 'draft' AND request_id IS NOT NULL
        ) ranked WHERE position > 1
    """
    result = op.get_bind().execute(sa.text(
        f"UPDATE declarations SET request_id = NULL WHERE id IN ({extra_drafts})"))
    return result.rowcount or 0


def upgrade():
    detached = _detach_extra_drafts()
    if detached:
        print(f"0013: detached {detached} extra draft(s) from their request; answers are kept")
    op.create_index(INDEX, "declarations", ["request_id"], unique=True,
                    sqlite_where=OPEN_DRAFT, postgresql_where=OPEN_DRAFT)


def downgrade():
    op.drop_index(INDEX, table_name="declarations")
