"""imports: contracts register batches, statement registry, PPN category on contracts

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("stored_name", sa.String(length=100), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["uploaded_by_id"], ["users.id"],
                                name=op.f("fk_import_batches_uploaded_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sa.UniqueConstraint("token", name=op.f("uq_import_batches_token")),
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_import_batches_kind"), ["kind"], unique=False)

    op.create_table(
        "registry_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_year", sa.Integer(), nullable=False),
        sa.Column("organisation_key", sa.String(length=320), nullable=False),
        sa.Column("organisation_name", sa.String(length=300), nullable=False),
        sa.Column("normalised_name", sa.String(length=300), nullable=False),
        sa.Column("company_number", sa.String(length=8), nullable=True),
        sa.Column("statement_url", sa.String(length=2000), nullable=True),
        sa.Column("summary_url", sa.String(length=2000), nullable=True),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("includes_organisation_structure", sa.Boolean(), nullable=False),
        sa.Column("includes_policies", sa.Boolean(), nullable=False),
        sa.Column("includes_risk_assessment", sa.Boolean(), nullable=False),
        sa.Column("includes_due_diligence", sa.Boolean(), nullable=False),
        sa.Column("includes_training", sa.Boolean(), nullable=False),
        sa.Column("includes_monitoring", sa.Boolean(), nullable=False),
        sa.Column("turnover_band", sa.String(length=20), nullable=True),
        sa.Column("sectors", sa.Text(), nullable=False),
        sa.Column("group_submission", sa.Boolean(), nullable=False),
        sa.Column("parent_name", sa.String(length=300), nullable=True),
        sa.Column("last_updated", sa.DateTime(), nullable=True),
        sa.Column("import_batch_id", sa.Integer(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["import_batch_id"], ["import_batches.id"],
                                name=op.f("fk_registry_statements_import_batch_id_import_batches"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registry_statements")),
        sa.UniqueConstraint("statement_year", "organisation_key",
                            name="uq_registry_statements_year_organisation"),
    )
    with op.batch_alter_table("registry_statements", schema=None) as batch_op:
        batch_op.create_index("ix_registry_statements_company_number", ["company_number"],
                              unique=False)
        batch_op.create_index("ix_registry_statements_normalised_name", ["normalised_name"],
                              unique=False)

    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ppn_industry", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("ppn_high_risk", sa.Boolean(), nullable=True))
        batch_op.create_index(batch_op.f("ix_contracts_ppn_industry"), ["ppn_industry"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_ppn_industry"))
        batch_op.drop_column("ppn_high_risk")
        batch_op.drop_column("ppn_industry")

    with op.batch_alter_table("registry_statements", schema=None) as batch_op:
        batch_op.drop_index("ix_registry_statements_normalised_name")
        batch_op.drop_index("ix_registry_statements_company_number")
    op.drop_table("registry_statements")

    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_import_batches_kind"))
    op.drop_table("import_batches")
