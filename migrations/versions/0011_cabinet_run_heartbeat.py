"""cabinet packs: when a run last reported progress, so a build that stopped is noticed

Revision ID: 0011
Revises: 0010

A pack is built in a background thread of a web worker. If that process stops (a deploy, a
restart, a crash) the run said 'running' for ever. Each step now records the time; a run that
has said nothing for a while is marked failed with a message saying to generate it again.
Runs from before this column use their request time.
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cabinet_pack_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("cabinet_pack_runs", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
