"""bulk request campaigns: a confirmed rule and the frozen list of suppliers it asks

Revision ID: 0020
Revises: 0019
"""
import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bulk_campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("confirm_key", sa.String(length=64), nullable=False),
        sa.Column("rule", sa.String(length=40), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_by_name", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_bulk_campaigns_created_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_campaigns")),
        sa.UniqueConstraint("confirm_key", name=op.f("uq_bulk_campaigns_confirm_key")),
    )
    op.create_table(
        "bulk_campaign_suppliers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_name", sa.String(length=300), nullable=False),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        sa.Column("open_request_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("emails_queued", sa.Integer(), nullable=False),
        sa.Column("processed_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("outcome IN ('waiting', 'queued', 'skipped', 'no_contact')",
                           name=op.f("ck_bulk_campaign_suppliers_outcome_known")),
        sa.ForeignKeyConstraint(["campaign_id"], ["bulk_campaigns.id"],
                                name=op.f("fk_bulk_campaign_suppliers_campaign_id_bulk_campaigns"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"],
                                name=op.f("fk_bulk_campaign_suppliers_supplier_id_suppliers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["open_request_id"], ["declaration_requests.id"],
            name=op.f("fk_bulk_campaign_suppliers_open_request_id_declaration_requests"),
            ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["declaration_requests.id"],
            name=op.f("fk_bulk_campaign_suppliers_request_id_declaration_requests"),
            ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bulk_campaign_suppliers")),
        sa.UniqueConstraint("campaign_id", "supplier_id",
                            name=op.f("uq_bulk_campaign_suppliers_campaign_id")),
        sa.UniqueConstraint("request_id", name=op.f("uq_bulk_campaign_suppliers_request_id")),
    )
    with op.batch_alter_table("bulk_campaign_suppliers", schema=None) as batch_op:
        batch_op.create_index("ix_bulk_campaign_suppliers_outcome",
                              ["outcome", "campaign_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_bulk_campaign_suppliers_supplier_id"),
                              ["supplier_id"], unique=False)


def downgrade():
    with op.batch_alter_table("bulk_campaign_suppliers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bulk_campaign_suppliers_supplier_id"))
        batch_op.drop_index("ix_bulk_campaign_suppliers_outcome")
    op.drop_table("bulk_campaign_suppliers")
    op.drop_table("bulk_campaigns")
