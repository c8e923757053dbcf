"""supplier feedback: responses to recommendations, evidence files on corrective actions

Revision ID: 0019
Revises: 0017
"""
import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "recommendation_responses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("recommendation_key", sa.String(length=120), nullable=False),
        sa.Column("recommendations_version", sa.Integer(), nullable=False),
        sa.Column("recommendation_title", sa.Text(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("responded_by_id", sa.Integer(), nullable=True),
        sa.Column("responded_at", sa.DateTime(), nullable=False),
        sa.Column("corrective_action_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("kind IN ('will_do', 'done', 'not_applicable')",
                           name=op.f("ck_recommendation_responses_kind_known")),
        sa.CheckConstraint("kind != 'will_do' OR due_date IS NOT NULL",
                           name=op.f("ck_recommendation_responses_will_do_has_date")),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"],
                                name=op.f("fk_recommendation_responses_supplier_id_suppliers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["declaration_id"], ["declarations.id"],
            name=op.f("fk_recommendation_responses_declaration_id_declarations"),
            ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["responded_by_id"], ["users.id"],
                                name=op.f("fk_recommendation_responses_responded_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["corrective_action_id"], ["corrective_actions.id"],
            name=op.f("fk_recommendation_responses_corrective_action_id_corrective_actions"),
            ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recommendation_responses")),
        sa.UniqueConstraint("declaration_id", "recommendation_key",
                            name="uq_recommendation_responses_declaration_key"),
    )
    with op.batch_alter_table("recommendation_responses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recommendation_responses_supplier_id"),
                              ["supplier_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recommendation_responses_declaration_id"),
                              ["declaration_id"], unique=False)
    op.create_table(
        "supplier_evidence_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("response_id", sa.Integer(), nullable=True),
        sa.Column("corrective_action_id", sa.Integer(), nullable=True),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=80), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("uploaded_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("(response_id IS NULL) != (corrective_action_id IS NULL)",
                           name=op.f("ck_supplier_evidence_files_one_owner")),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"],
                                name=op.f("fk_supplier_evidence_files_supplier_id_suppliers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["response_id"], ["recommendation_responses.id"],
            name=op.f("fk_supplier_evidence_files_response_id_recommendation_responses"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["corrective_action_id"], ["corrective_actions.id"],
            name=op.f("fk_supplier_evidence_files_corrective_action_id_corrective_actions"),
            ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_supplier_evidence_files_uploaded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_evidence_files")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_supplier_evidence_files_stored_name")),
    )
    with op.batch_alter_table("supplier_evidence_files", schema=None) as batch_op:
        for column in ("supplier_id", "response_id", "corrective_action_id"):
            batch_op.create_index(batch_op.f(f"ix_supplier_evidence_files_{column}"), [column],
                                  unique=False)


def downgrade():
    op.drop_table("supplier_evidence_files")
    op.drop_table("recommendation_responses")
