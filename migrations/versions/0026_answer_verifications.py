"""answer verifications: evidence an officer checked for one answer of a declaration

Revision ID: 0026
Revises: 0025
"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "answer_verifications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("evidence_file_id", sa.Integer(), nullable=True),
        sa.Column("scheme", sa.String(length=200), nullable=True),
        sa.Column("certifying_body", sa.String(length=200), nullable=True),
        sa.Column("certified_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("registry_statement_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("verified_at", sa.DateTime(), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawal_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["declaration_id"], ["declarations.id"],
                                name=op.f("fk_answer_verifications_declaration_id_declarations"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["evidence_file_id"], ["evidence_files.id"],
                                name=op.f("fk_answer_verifications_evidence_file_id_evidence_files"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(
            ["registry_statement_id"], ["registry_statements.id"],
            name=op.f("fk_answer_verifications_registry_statement_id_registry_statements"),
            ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["verified_by_id"], ["users.id"],
                                name=op.f("fk_answer_verifications_verified_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["withdrawn_by_id"], ["users.id"],
                                name=op.f("fk_answer_verifications_withdrawn_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_answer_verifications")),
    )
    with op.batch_alter_table("answer_verifications", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_answer_verifications_declaration_id"),
                              ["declaration_id"], unique=False)
        batch_op.create_index("uq_answer_verifications_active",
                              ["declaration_id", "question_id", "kind"], unique=True,
                              sqlite_where=sa.text("withdrawn_at IS NULL"),
                              postgresql_where=sa.text("withdrawn_at IS NULL"))


def downgrade():
    with op.batch_alter_table("answer_verifications", schema=None) as batch_op:
        batch_op.drop_index("uq_answer_verifications_active")
        batch_op.drop_index(batch_op.f("ix_answer_verifications_declaration_id"))
    op.drop_table("answer_verifications")
