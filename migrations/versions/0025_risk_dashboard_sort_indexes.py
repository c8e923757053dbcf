"""risk dashboard sort indexes: every column the dashboard's headers sort by is indexed

Revision ID: 0025
Revises: 0024
"""
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

# (index name, column): each with supplier_id, the tie-break that keeps paging stable.
SORT_INDEXES = (
    ("ix_risk_summary_residual_score", "residual_score"),
    ("ix_risk_summary_inherent_score", "inherent_score"),
    ("ix_risk_summary_maturity", "maturity_percent"),
    ("ix_risk_summary_red_flags", "red_flag_count"),
)


def upgrade():
    with op.batch_alter_table("supplier_risk_summaries", schema=None) as batch_op:
        for name, column in SORT_INDEXES:
            batch_op.create_index(name, [column, "supplier_id"], unique=False)


def downgrade():
    with op.batch_alter_table("supplier_risk_summaries", schema=None) as batch_op:
        for name, _column in SORT_INDEXES:
            batch_op.drop_index(name)
