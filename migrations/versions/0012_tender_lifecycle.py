"""tenders: what an officer records when creating one, its status, and the contract it led to

Revision ID: 0012
Revises: 0011

Officers create and award tenders (issue 15). Tenders that exist already (the demo's, or any
loaded another way) keep their values; the new columns are empty for them and they are open.
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.add_column(sa.Column("description", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("cpv_code", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("procurement_route", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("risk_tier", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("lot", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=20), server_default="open",
                                      nullable=False))
        batch_op.add_column(sa.Column("closed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("awarded_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("contract_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_tenders_contract_id"), ["contract_id"])
        batch_op.create_foreign_key(batch_op.f("fk_tenders_contract_id_contracts"), "contracts",
                                    ["contract_id"], ["id"], ondelete="RESTRICT")


def downgrade():
    with op.batch_alter_table("tenders", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_tenders_contract_id_contracts"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_tenders_contract_id"), type_="unique")
        for column in ("contract_id", "awarded_at", "closed_at", "status", "lot", "risk_tier",
                       "procurement_route", "cpv_code", "description"):
            batch_op.drop_column(column)
