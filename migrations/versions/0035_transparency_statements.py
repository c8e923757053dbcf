"""The council's Modern Slavery Transparency Statement (issue 19): one row per version of a
year's statement, its narratives and figures, its approval and publication, and the PDF
edition stored at approval.

Revision ID: 0035
Revises: 0034
"""
import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def _user(column: str) -> list:
    return [sa.Column(column, sa.Integer(), nullable=True),
            sa.ForeignKeyConstraint([column], ["users.id"],
                                    name=op.f(f"fk_transparency_statements_{column}_users"),
                                    ondelete="SET NULL")]


def upgrade():
    op.create_table(
        "transparency_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("start_year", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("narratives", sa.JSON(), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("figures_as_of", sa.Date(), nullable=False),
        sa.Column("checksum", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        *_user("created_by_id"),
        sa.Column("submitted_at", sa.DateTime(), nullable=True),
        *_user("submitted_by_id"),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("approver_name", sa.String(length=200), nullable=True),
        sa.Column("approver_role", sa.String(length=200), nullable=True),
        sa.Column("decision_reference", sa.String(length=200), nullable=True),
        sa.Column("approval_recorded_at", sa.DateTime(), nullable=True),
        *_user("approval_recorded_by_id"),
        sa.Column("published_at", sa.DateTime(), nullable=True),
        *_user("published_by_id"),
        sa.Column("supersedes_id", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("pdf_filename", sa.String(length=100), nullable=True),
        sa.Column("pdf_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdf_unsigned_sha256", sa.String(length=64), nullable=True),
        sa.Column("pdf_signed", sa.Boolean(), nullable=True),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("status IN ('draft', 'submitted', 'approved', 'published', "
                           "'superseded')", name=op.f("ck_transparency_statements_status_known")),
        sa.ForeignKeyConstraint(["supersedes_id"], ["transparency_statements.id"],
                                name=op.f("fk_transparency_statements_supersedes_id_"
                                          "transparency_statements"), ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"],
                                name=op.f("fk_transparency_statements_council_id_councils"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transparency_statements")),
        sa.UniqueConstraint("council_id", "start_year", "version",
                            name=op.f("uq_transparency_statements_council_id")),
    )
    for column in ("start_year", "created_by_id", "submitted_by_id", "approval_recorded_by_id",
                   "published_by_id", "supersedes_id", "council_id"):
        op.create_index(f"ix_transparency_statements_{column}", "transparency_statements",
                        [column])


def downgrade():
    for column in ("start_year", "created_by_id", "submitted_by_id", "approval_recorded_by_id",
                   "published_by_id", "supersedes_id", "council_id"):
        op.drop_index(f"ix_transparency_statements_{column}", table_name="transparency_statements")
    op.drop_table("transparency_statements")
