"""one declaration answering several requests; API keys for tenders; bidders removed from tenders

Revision ID: 0024
Revises: 0023

- shared_answers: a request answered by a declaration made for another request of the same
  supplier (one row per request). Declarations themselves are not touched: each keeps its own
  request_id, which its seal holds, so no table with the 0002 triggers is rebuilt.
- api_keys: the SHA-256 of each key a council's e-tendering system pushes tenders with.
- removed_bidders, and declaration_requests.withdrawn_at for the request a removal withdraws.
"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "shared_answers",
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"], ["declaration_requests.id"],
            name=op.f("fk_shared_answers_request_id_declaration_requests"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["declaration_id"], ["declarations.id"],
            name=op.f("fk_shared_answers_declaration_id_declarations"), ondelete="RESTRICT"),
        sa.PrimaryKeyConstraint("request_id", name=op.f("pk_shared_answers")),
    )
    with op.batch_alter_table("shared_answers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shared_answers_declaration_id"), ["declaration_id"],
                              unique=False)
    op.create_table(
        "api_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("key_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_api_keys_created_by_id_users"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["revoked_by_id"], ["users.id"],
                                name=op.f("fk_api_keys_revoked_by_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_sha256", name=op.f("uq_api_keys_key_sha256")),
    )
    op.create_table(
        "removed_bidders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=False),
        sa.Column("removed_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("request_withdrawn", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["tender_id"], ["tenders.id"],
                                name=op.f("fk_removed_bidders_tender_id_tenders"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"],
                                name=op.f("fk_removed_bidders_supplier_id_suppliers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["removed_by_id"], ["users.id"],
                                name=op.f("fk_removed_bidders_removed_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_removed_bidders")),
    )
    with op.batch_alter_table("removed_bidders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_removed_bidders_tender_id"), ["tender_id"],
                              unique=False)
    # Adding a nullable column is a plain ALTER TABLE on SQLite too: no rebuild.
    with op.batch_alter_table("declaration_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table("declaration_requests", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("removed_bidders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_removed_bidders_tender_id"))
    op.drop_table("removed_bidders")
    op.drop_table("api_keys")
    with op.batch_alter_table("shared_answers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shared_answers_declaration_id"))
    op.drop_table("shared_answers")
