"""assessments: risk assessments, reviews, queries, corrective actions, dashboard summary

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 07:40:00

Written from autogenerate output, keeping only this feature's tables. The summary table gets a row
for every existing supplier (new suppliers get theirs from a listener in models/risk.py), so the
dashboard reads one table.
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = "0005"
branch_labels = None
# risk_assessments.declaration_id references the declarations table (0002).
depends_on = None


def upgrade():
    op.create_table('risk_assessments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=True),
    sa.Column('model_version', sa.String(length=20), nullable=False),
    sa.Column('model_fingerprint', sa.String(length=16), nullable=False),
    sa.Column('inherent_score', sa.Integer(), nullable=False),
    sa.Column('inherent_band', sa.String(length=10), nullable=False),
    sa.Column('maturity_percent', sa.Float(), nullable=True),
    sa.Column('residual_score', sa.Integer(), nullable=False),
    sa.Column('residual_band', sa.String(length=10), nullable=False),
    sa.Column('residual_rank', sa.Integer(), nullable=False),
    sa.Column('excluded_pending_review', sa.Boolean(), nullable=False),
    sa.Column('red_flags', sa.JSON(), nullable=False),
    sa.Column('breakdown', sa.JSON(), nullable=False),
    sa.Column('reason', sa.String(length=30), nullable=False),
    sa.Column('review_status', sa.String(length=20), nullable=False),
    sa.Column('is_current', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("review_status IN ('to_review', 'accepted', 'queried', 'rejected')", name=op.f('ck_risk_assessments_review_status_known')),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_risk_assessments_declaration_id_declarations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_risk_assessments_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_assessments'))
    )
    with op.batch_alter_table('risk_assessments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_risk_assessments_declaration_id'), ['declaration_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_risk_assessments_supplier_id'), ['supplier_id'], unique=False)
        batch_op.create_index('uq_risk_assessments_one_current_per_supplier', ['supplier_id'], unique=True, sqlite_where=sa.text('is_current'), postgresql_where=sa.text('is_current'))

    op.create_table('assessment_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=10), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("decision IN ('accept', 'query', 'reject')", name=op.f('ck_assessment_reviews_decision_known')),
    sa.ForeignKeyConstraint(['assessment_id'], ['risk_assessments.id'], name=op.f('fk_assessment_reviews_assessment_id_risk_assessments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_assessment_reviews_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_assessment_reviews_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_reviews'))
    )
    with op.batch_alter_table('assessment_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_reviews_assessment_id'), ['assessment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_assessment_reviews_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('corrective_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('owner', sa.String(length=200), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('supplier_response', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('signed_off_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_off_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'responded', 'signed_off')", name=op.f('ck_corrective_actions_status_known')),
    sa.ForeignKeyConstraint(['assessment_id'], ['risk_assessments.id'], name=op.f('fk_corrective_actions_assessment_id_risk_assessments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_corrective_actions_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['responded_by_id'], ['users.id'], name=op.f('fk_corrective_actions_responded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['signed_off_by_id'], ['users.id'], name=op.f('fk_corrective_actions_signed_off_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_corrective_actions_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_actions'))
    )
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.create_index('ix_corrective_actions_supplier_status', ['supplier_id', 'status'], unique=False)

    op.create_table('supplier_risk_summaries',
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('search_name', sa.String(length=300), nullable=False),
    sa.Column('companies_house_number', sa.String(length=8), nullable=True),
    sa.Column('sector', sa.String(length=120), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('inherent_score', sa.Integer(), nullable=True),
    sa.Column('inherent_band', sa.String(length=10), nullable=True),
    sa.Column('maturity_percent', sa.Float(), nullable=True),
    sa.Column('residual_score', sa.Integer(), nullable=False),
    sa.Column('residual_band', sa.String(length=10), nullable=True),
    sa.Column('residual_rank', sa.Integer(), nullable=False),
    sa.Column('excluded_pending_review', sa.Boolean(), nullable=False),
    sa.Column('red_flag_count', sa.Integer(), nullable=False),
    sa.Column('review_status', sa.String(length=20), nullable=True),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('assessed_at', sa.DateTime(), nullable=True),
    sa.Column('latest_declaration_status', sa.String(length=20), nullable=True),
    sa.Column('latest_declaration_at', sa.DateTime(), nullable=True),
    sa.Column('next_due_on', sa.Date(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['risk_assessments.id'], name=op.f('fk_supplier_risk_summaries_assessment_id_risk_assessments'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_supplier_risk_summaries_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('supplier_id', name=op.f('pk_supplier_risk_summaries'))
    )
    with op.batch_alter_table('supplier_risk_summaries', schema=None) as batch_op:
        batch_op.create_index('ix_risk_summary_country_rank', ['country', 'residual_rank', 'residual_score'], unique=False)
        batch_op.create_index('ix_risk_summary_declaration_rank', ['latest_declaration_status', 'residual_rank', 'residual_score'], unique=False)
        batch_op.create_index('ix_risk_summary_rank_score', ['residual_rank', 'residual_score'], unique=False)
        batch_op.create_index('ix_risk_summary_review_rank', ['review_status', 'residual_rank', 'residual_score'], unique=False)
        batch_op.create_index('ix_risk_summary_sector_rank', ['sector', 'residual_rank', 'residual_score'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_risk_summaries_companies_house_number'), ['companies_house_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_risk_summaries_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_supplier_risk_summaries_next_due_on'), ['next_due_on'], unique=False)

    op.create_table('corrective_action_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['action_id'], ['corrective_actions.id'], name=op.f('fk_corrective_action_events_action_id_corrective_actions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_corrective_action_events_actor_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_corrective_action_events'))
    )
    with op.batch_alter_table('corrective_action_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrective_action_events_action_id'), ['action_id'], unique=False)

    op.create_table('review_queries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('question_text', sa.Text(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('response', sa.Text(), nullable=True),
    sa.Column('responded_by_id', sa.Integer(), nullable=True),
    sa.Column('responded_at', sa.DateTime(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'answered', 'closed')", name=op.f('ck_review_queries_status_known')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_review_queries_closed_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['responded_by_id'], ['users.id'], name=op.f('fk_review_queries_responded_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['review_id'], ['assessment_reviews.id'], name=op.f('fk_review_queries_review_id_assessment_reviews'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_review_queries_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_queries'))
    )
    with op.batch_alter_table('review_queries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_queries_review_id'), ['review_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_queries_supplier_id'), ['supplier_id'], unique=False)

    # Suppliers that existed before this feature: not assessed yet (rank -1 sorts after Low).
    op.execute(
        "INSERT INTO supplier_risk_summaries (supplier_id, name, search_name, "
        "companies_house_number, sector, country, residual_score, residual_rank, "
        "excluded_pending_review, red_flag_count, updated_at) "
        "SELECT id, name, lower(name), companies_house_number, sector, country, 0, -1, false, 0, "
        "created_at FROM suppliers"
    )


def downgrade():
    op.drop_table('review_queries')
    op.drop_table('corrective_action_events')
    op.drop_table('supplier_risk_summaries')
    op.drop_table('corrective_actions')
    op.drop_table('assessment_reviews')
    op.drop_table('risk_assessments')
