"""invitations for council staff too: the role the account will have, resending, withdrawing

Revision ID: 0021
Revises: 0020
"""
import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("role", sa.String(length=20), server_default="supplier",
                                      nullable=False))
        batch_op.add_column(sa.Column("sent_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("send_count", sa.Integer(), server_default="1",
                                      nullable=False))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(), nullable=True))
        batch_op.alter_column("supplier_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_invitations_supplier_invitation_has_organisation"),
            "(role = 'supplier') = (supplier_id IS NOT NULL)",
        )
    op.execute("UPDATE invitations SET sent_at = created_at")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.alter_column("sent_at", existing_type=sa.DateTime(), nullable=False)


def downgrade():
    op.execute("DELETE FROM invitations WHERE supplier_id IS NULL")
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_invitations_supplier_invitation_has_organisation"),
                                 type_="check")
        batch_op.alter_column("supplier_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("withdrawn_at")
        batch_op.drop_column("send_count")
        batch_op.drop_column("sent_at")
        batch_op.drop_column("role")
