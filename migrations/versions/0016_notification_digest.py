"""notifications: each person's choice of immediate or daily digest, and the items waiting

Revision ID: 0016
Revises: 0015
"""
import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notification_delivery", sa.String(length=20),
                                      server_default="immediate", nullable=False))
    op.create_table(
        "digest_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=50), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("link", sa.String(length=500), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("digested_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_digest_items_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_items")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_digest_items_dedupe_key")),
    )
    with op.batch_alter_table("digest_items", schema=None) as batch_op:
        batch_op.create_index("ix_digest_items_user_waiting", ["user_id", "digested_at"],
                              unique=False)


def downgrade():
    with op.batch_alter_table("digest_items", schema=None) as batch_op:
        batch_op.drop_index("ix_digest_items_user_waiting")
    op.drop_table("digest_items")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("notification_delivery")
