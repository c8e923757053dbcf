"""charter evidence documents; referrals linked to the supplier or contract they concern

Revision ID: 0022
Revises: 0021
"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "charter_evidence_documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["charter_evidence.id"],
            name=op.f("fk_charter_evidence_documents_evidence_id_charter_evidence"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"],
            name=op.f("fk_charter_evidence_documents_uploaded_by_id_users"),
            ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charter_evidence_documents")),
        sa.UniqueConstraint("stored_name",
                            name=op.f("uq_charter_evidence_documents_stored_name")),
    )
    with op.batch_alter_table("charter_evidence_documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_charter_evidence_documents_evidence_id"),
                              ["evidence_id"], unique=False)

    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("supplier_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("contract_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_referrals_supplier_id_suppliers"),
                                    "suppliers", ["supplier_id"], ["id"], ondelete="SET NULL")
        batch_op.create_foreign_key(batch_op.f("fk_referrals_contract_id_contracts"),
                                    "contracts", ["contract_id"], ["id"], ondelete="SET NULL")
        batch_op.create_index(batch_op.f("ix_referrals_supplier_id"), ["supplier_id"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_contract_id"), ["contract_id"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referrals_contract_id"))
        batch_op.drop_index(batch_op.f("ix_referrals_supplier_id"))
        batch_op.drop_constraint(batch_op.f("fk_referrals_contract_id_contracts"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_referrals_supplier_id_suppliers"),
                                 type_="foreignkey")
        batch_op.drop_column("contract_id")
        batch_op.drop_column("supplier_id")
    with op.batch_alter_table("charter_evidence_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_charter_evidence_documents_evidence_id"))
    op.drop_table("charter_evidence_documents")
