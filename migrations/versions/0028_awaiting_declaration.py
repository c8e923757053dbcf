"""Awaiting declaration: dashboard rows of suppliers with no submitted declaration are no longer ranked as their inherent-only residual band (issue 16)

The assessments themselves are unchanged (their stored scores and bands stay as scored); only the
denormalised dashboard row is relabelled, as services/risk.refresh_summary now writes it.

Revision ID: 0028
Revises: 0027
"""
revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

from alembic import op

AWAITING_DECLARATION_RANK = -2
_AWAITING = (
    "SELECT id FROM risk_assessments WHERE declaration_id IS NULL"
    " AND excluded_pending_review = false"
)


def upgrade():
    op.execute(
        "UPDATE supplier_risk_summaries SET residual_rank = %d, residual_band = NULL,"
        " residual_score = 0 WHERE assessment_id IN (%s)" % (AWAITING_DECLARATION_RANK, _AWAITING)
    )


def downgrade():
    op.execute(
        "UPDATE supplier_risk_summaries SET"
        " residual_rank = (SELECT a.residual_rank FROM risk_assessments a"
        " WHERE a.id = supplier_risk_summaries.assessment_id),"
        " residual_band = (SELECT a.residual_band FROM risk_assessments a"
        " WHERE a.id = supplier_risk_summaries.assessment_id),"
        " residual_score = (SELECT a.residual_score FROM risk_assessments a"
        " WHERE a.id = supplier_risk_summaries.assessment_id)"
        " WHERE residual_rank = %d AND assessment_id IS NOT NULL" % AWAITING_DECLARATION_RANK
    )
