"""risk dashboard: index for filtering by sector and country together

Revision ID: 0010
Revises: 0009

With a rating, a sector and a country chosen, the dashboard used (sector, rank, score) and read
every row of that sector and rating from the table to check its country, for the count as well
as for the page (bench_dashboard: the count alone took about 4 ms on SQLite at 100,000
suppliers). With the country in the index the count is answered from the index, and the page
reads only the 50 rows it shows, in order. See docs/performance.md.
"""
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("supplier_risk_summaries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_risk_summary_sector_country_rank",
            ["sector", "country", "residual_rank", "residual_score"], unique=False,
        )


def downgrade():
    with op.batch_alter_table("supplier_risk_summaries", schema=None) as batch_op:
        batch_op.drop_index("ix_risk_summary_sector_country_rank")
