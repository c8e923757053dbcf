"""The proportionate form level a declaration was asked at: declarations.form_level (issue 16).

NULL means the whole questionnaire (every v1 declaration, and anything made before levels).

Revision ID: 0030
Revises: 0029
"""
import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("declarations") as batch:
        batch.add_column(sa.Column("form_level", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("declarations") as batch:
        batch.drop_column("form_level")
