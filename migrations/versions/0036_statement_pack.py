"""The evidence pack approved with a Transparency Statement (issue 19): the statement records
the Cabinet pack run the council approved with it.

Revision ID: 0036
Revises: 0035
"""
import sqlalchemy as sa
from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


FK_NAME = "fk_transparency_statements_pack_run_id_cabinet_pack_runs"


def _foreign_keys(on: bool) -> None:
    """SQLite rebuilds the table in batch mode, dropping the old one, which deletes its rows
    first: with foreign keys on, a version that supersedes another (ON DELETE RESTRICT) would
    refuse it. Off for the rebuild only, as migration 0033 does."""
    if op.get_bind().dialect.name == "sqlite":
        with op.get_context().autocommit_block():
            op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def upgrade():
    _foreign_keys(on=False)
    with op.batch_alter_table("transparency_statements") as batch:
        batch.add_column(sa.Column("pack_run_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(FK_NAME, "cabinet_pack_runs", ["pack_run_id"], ["id"],
                                 ondelete="RESTRICT")
        batch.create_index("ix_transparency_statements_pack_run_id", ["pack_run_id"])
    _foreign_keys(on=True)


def downgrade():
    _foreign_keys(on=False)
    with op.batch_alter_table("transparency_statements") as batch:
        batch.drop_index("ix_transparency_statements_pack_run_id")
        batch.drop_constraint(FK_NAME, type_="foreignkey")
        batch.drop_column("pack_run_id")
    _foreign_keys(on=True)
