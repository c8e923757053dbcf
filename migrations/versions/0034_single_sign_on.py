"""Single sign-on per council (issue 18): the council's OpenID provider, the provider's groups
that give each role, and on each account the provider's issuer and subject it signs in as.

Revision ID: 0034
Revises: 0033
"""
import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "identity_providers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("client_id", sa.String(length=200), nullable=False),
        sa.Column("client_secret", sa.String(length=500), nullable=False),
        sa.Column("allowed_domains", sa.Text(), nullable=False),
        sa.Column("groups_claim", sa.String(length=60), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"],
                                name=op.f("fk_identity_providers_council_id_councils"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_providers")),
        sa.UniqueConstraint("council_id", name=op.f("uq_identity_providers_council_id")),
    )
    op.create_index("ix_identity_providers_council_id", "identity_providers", ["council_id"])
    op.create_table(
        "identity_provider_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"],
                                name=op.f("fk_identity_provider_groups_council_id_councils"),
                                ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_provider_groups")),
        sa.UniqueConstraint("council_id", "group_name",
                            name=op.f("uq_identity_provider_groups_council_id")),
    )
    op.create_index("ix_identity_provider_groups_council_id", "identity_provider_groups",
                    ["council_id"])
    # Plain ADD COLUMN and a unique index, never a batch rebuild of `users`: on SQLite a rebuild
    # drops the table, and with foreign keys on, every declaration's signatory (ON DELETE SET
    # NULL) would be lost, breaking the seal each declaration was signed with.
    op.add_column("users", sa.Column("sso_issuer", sa.String(length=500), nullable=True))
    op.add_column("users", sa.Column("sso_subject", sa.String(length=255), nullable=True))
    op.create_index("ix_users_sso_account", "users", ["sso_issuer", "sso_subject"], unique=True)


def downgrade():
    op.drop_index("ix_users_sso_account", table_name="users")
    op.drop_column("users", "sso_subject")
    op.drop_column("users", "sso_issuer")
    op.drop_index("ix_identity_provider_groups_council_id", table_name="identity_provider_groups")
    op.drop_table("identity_provider_groups")
    op.drop_index("ix_identity_providers_council_id", table_name="identity_providers")
    op.drop_table("identity_providers")
