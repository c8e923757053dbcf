"""Exclusion decisions, debarment entries and debarment checks (issue 16)

Revision ID: 0027
Revises: 0026
"""
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "exclusion_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=30), nullable=False),
        sa.Column("grounds", sa.JSON(), nullable=False),
        sa.Column("likely_to_recur", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"],
                                name=op.f("fk_exclusion_decisions_supplier_id_suppliers"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["declaration_id"], ["declarations.id"],
                                name=op.f("fk_exclusion_decisions_declaration_id_declarations"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"],
                                name=op.f("fk_exclusion_decisions_decided_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exclusion_decisions")),
    )
    with op.batch_alter_table("exclusion_decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exclusion_decisions_supplier_id"),
                              ["supplier_id"], unique=False)

    op.create_table(
        "debarment_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("normalised_name", sa.String(length=300), nullable=False),
        sa.Column("company_number", sa.String(length=8), nullable=True),
        sa.Column("schedule", sa.Integer(), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["import_batch_id"], ["import_batches.id"],
                                name=op.f("fk_debarment_entries_import_batch_id_import_batches"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debarment_entries")),
    )
    with op.batch_alter_table("debarment_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_debarment_entries_normalised_name"),
                              ["normalised_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_debarment_entries_company_number"),
                              ["company_number"], unique=False)

    op.create_table(
        "debarment_checks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("checked_at", sa.DateTime(), nullable=False),
        sa.Column("matched", sa.Boolean(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=True),
        sa.Column("context", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"],
                                name=op.f("fk_debarment_checks_supplier_id_suppliers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["entry_id"], ["debarment_entries.id"],
                                name=op.f("fk_debarment_checks_entry_id_debarment_entries"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_debarment_checks")),
    )
    with op.batch_alter_table("debarment_checks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_debarment_checks_supplier_id"),
                              ["supplier_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_debarment_checks_checked_at"),
                              ["checked_at"], unique=False)


def downgrade():
    with op.batch_alter_table("debarment_checks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debarment_checks_checked_at"))
        batch_op.drop_index(batch_op.f("ix_debarment_checks_supplier_id"))
    op.drop_table("debarment_checks")
    with op.batch_alter_table("debarment_entries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_debarment_entries_company_number"))
        batch_op.drop_index(batch_op.f("ix_debarment_entries_normalised_name"))
    op.drop_table("debarment_entries")
    with op.batch_alter_table("exclusion_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exclusion_decisions_supplier_id"))
    op.drop_table("exclusion_decisions")
