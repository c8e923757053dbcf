"""cabinet packs: generation runs and stored PDF/XLSX files

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "cabinet_pack_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("cover_date", sa.Date(), nullable=False),
        sa.Column("version", sa.String(length=20), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("step", sa.String(length=200), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("data_checksum", sa.String(length=64), nullable=True),
        sa.Column("requested_by_id", sa.Integer(), nullable=True),
        sa.Column("requested_by_name", sa.String(length=254), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("status IN ('queued', 'running', 'done', 'failed')",
                           name=op.f("ck_cabinet_pack_runs_status_known")),
        sa.ForeignKeyConstraint(["requested_by_id"], ["users.id"],
                                name=op.f("fk_cabinet_pack_runs_requested_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cabinet_pack_runs")),
    )
    with op.batch_alter_table("cabinet_pack_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cabinet_pack_runs_financial_year"),
                              ["financial_year"], unique=False)
        batch_op.create_index(batch_op.f("ix_cabinet_pack_runs_requested_at"),
                              ["requested_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_cabinet_pack_runs_requested_by_id"),
                              ["requested_by_id"], unique=False)
    op.create_table(
        "cabinet_packs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("financial_year", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("data_checksum", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("kind IN ('pdf', 'xlsx')", name=op.f("ck_cabinet_packs_kind_known")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_cabinet_packs_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["run_id"], ["cabinet_pack_runs.id"],
                                name=op.f("fk_cabinet_packs_run_id_cabinet_pack_runs"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cabinet_packs")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_cabinet_packs_stored_name")),
    )
    with op.batch_alter_table("cabinet_packs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cabinet_packs_financial_year"), ["financial_year"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_cabinet_packs_run_id"), ["run_id"], unique=False)


def downgrade():
    with op.batch_alter_table("cabinet_packs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cabinet_packs_run_id"))
        batch_op.drop_index(batch_op.f("ix_cabinet_packs_financial_year"))
    op.drop_table("cabinet_packs")
    with op.batch_alter_table("cabinet_pack_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cabinet_pack_runs_requested_by_id"))
        batch_op.drop_index(batch_op.f("ix_cabinet_pack_runs_requested_at"))
        batch_op.drop_index(batch_op.f("ix_cabinet_pack_runs_financial_year"))
    op.drop_table("cabinet_pack_runs")
