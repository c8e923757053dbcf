"""The councils' id sequence follows the council migration 0033 inserted (issue 17).

0033 inserted the first council with id 1 explicitly, which on PostgreSQL leaves the id
sequence unused: the first council created afterwards (`councils create`, the consortium's
"Create a council") was given id 1 again and refused as a duplicate. SQLite takes the next id
from the rows, so it has nothing to do.

Revision ID: 0037
Revises: 0036
"""
from alembic import op

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SELECT setval(pg_get_serial_sequence('councils', 'id'),"
                   " COALESCE((SELECT max(id) FROM councils), 1))")


def downgrade():
    pass  # the sequence standing after the rows is right at every revision
