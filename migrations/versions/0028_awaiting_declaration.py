"""Awaiting declaration: suppliers with no submitted declaration are not ranked (issue 16)

Their dashboard rows were ranked as the inherent-only residual band; now they are "Awaiting
declaration" (no rating, nothing to review), as services/risk.refresh_summary writes them. The
assessments themselves are unchanged: their stored scores and bands stay as scored.

Revision ID: 0028
Revises: 0027
"""
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

AWAITING_DECLARATION_RANK = -2
_AWAITING = (
    "SELECT id FROM risk_assessments WHERE declaration_id IS NULL"
    " AND excluded_pending_review = false"
)


def _from_assessment(column: str) -> str:
    return (f" {column} = (SELECT a.{column} FROM risk_assessments a"
            " WHERE a.id = supplier_risk_summaries.assessment_id)")


def upgrade():
    op.execute(
        f"UPDATE supplier_risk_summaries SET residual_rank = {AWAITING_DECLARATION_RANK},"
        " residual_band = NULL, residual_score = 0, review_status = NULL"
        f" WHERE assessment_id IN ({_AWAITING})"
    )


def downgrade():
    columns = ",".join(_from_assessment(column) for column in
                       ("residual_rank", "residual_band", "residual_score", "review_status"))
    op.execute(
        f"UPDATE supplier_risk_summaries SET{columns}"
        f" WHERE residual_rank = {AWAITING_DECLARATION_RANK} AND assessment_id IS NOT NULL"
    )
