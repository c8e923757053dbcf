"""audit log: each entry's HMAC under the audit key held outside the database

Revision ID: 0014
Revises: 0013

Entries written before this have no HMAC; `supplier-dd audit verify` accepts them up to the
sequence the first checkpoint records (docs/operations.md, "The audit key and checkpoints").
A plain ADD COLUMN (not a batch rebuild), which SQLite and PostgreSQL both do in place.
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("audit_entries", sa.Column("entry_mac", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_column("entry_mac")
