"""Cabinet pack editions and the council's own targets (issue 16).

cabinet_pack_runs.edition: which edition of the pack a run builds; existing runs were all built
as edition 1, so a rebuild of one gives the same bytes. pack_targets: each target a council
admin sets, one row per change (never overwritten), so a pack reads the target as it stood on
its as-of date.

Revision ID: 0031
Revises: 0030
"""
import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("cabinet_pack_runs") as batch:
        batch.add_column(sa.Column("edition", sa.Integer(), nullable=False,
                                   server_default="1"))
    op.create_table(
        "pack_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("measure", sa.String(length=80), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_by_name", sa.String(length=254), nullable=False),
        sa.CheckConstraint("target >= 0 AND target <= 100",
                           name=op.f("ck_pack_targets_target_a_percentage")),
        sa.ForeignKeyConstraint(["set_by_id"], ["users.id"],
                                name=op.f("fk_pack_targets_set_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pack_targets")),
    )
    op.create_index("ix_pack_targets_measure_set_at", "pack_targets", ["measure", "set_at"])


def downgrade():
    op.drop_index("ix_pack_targets_measure_set_at", table_name="pack_targets")
    op.drop_table("pack_targets")
    with op.batch_alter_table("cabinet_pack_runs") as batch:
        batch.drop_column("edition")
