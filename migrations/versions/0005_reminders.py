"""re-attestation schedules, reminder history, outbox claim token and interrupted deliveries

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 07:00:00

Written by hand: only this feature's tables and columns.
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'attestation_schedules',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('supplier_id', sa.Integer(), nullable=False),
        sa.Column('declaration_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=True),
        sa.Column('residual_band', sa.String(length=20), nullable=True),
        sa.Column('periodic_due_on', sa.Date(), nullable=True),
        sa.Column('event_due_on', sa.Date(), nullable=True),
        sa.Column('event_kind', sa.String(length=40), nullable=True),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('reason', sa.String(length=40), nullable=False),
        sa.Column('reason_note', sa.String(length=500), nullable=True),
        sa.Column('holidays_known', sa.Boolean(), nullable=False),
        sa.Column('responsible_officer_id', sa.Integer(), nullable=True),
        sa.Column('next_reminder_on', sa.Date(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('completed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['responsible_officer_id'], ['users.id'],
            name=op.f('fk_attestation_schedules_responsible_officer_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['supplier_id'], ['suppliers.id'],
            name=op.f('fk_attestation_schedules_supplier_id_suppliers'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attestation_schedules')),
    )
    with op.batch_alter_table('attestation_schedules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attestation_schedules_supplier_id'), ['supplier_id'])
        batch_op.create_index(
            batch_op.f('ix_attestation_schedules_declaration_id'), ['declaration_id']
        )
        batch_op.create_index(
            batch_op.f('ix_attestation_schedules_responsible_officer_id'),
            ['responsible_officer_id'],
        )
        batch_op.create_index(
            'ix_attestation_schedules_status_next_reminder', ['status', 'next_reminder_on']
        )
        batch_op.create_index('ix_attestation_schedules_status_due', ['status', 'due_on'])
        batch_op.create_index(
            'uq_attestation_schedules_one_active_per_supplier', ['supplier_id'], unique=True,
            sqlite_where=sa.text("status = 'active'"),
            postgresql_where=sa.text("status = 'active'"),
        )

    op.create_table(
        'attestation_reminders',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('dedupe_key', sa.String(length=255), nullable=False),
        sa.Column('schedule_id', sa.Integer(), nullable=False),
        sa.Column('supplier_id', sa.Integer(), nullable=False),
        sa.Column('due_on', sa.Date(), nullable=False),
        sa.Column('kind', sa.String(length=50), nullable=False),
        sa.Column('audience', sa.String(length=20), nullable=False),
        sa.Column('recipient_user_id', sa.Integer(), nullable=True),
        sa.Column('recipient_email', sa.String(length=254), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('detail', sa.String(length=500), nullable=True),
        sa.Column('decided_on', sa.Date(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['recipient_user_id'], ['users.id'],
            name=op.f('fk_attestation_reminders_recipient_user_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['schedule_id'], ['attestation_schedules.id'],
            name=op.f('fk_attestation_reminders_schedule_id_attestation_schedules'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['supplier_id'], ['suppliers.id'],
            name=op.f('fk_attestation_reminders_supplier_id_suppliers'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_attestation_reminders')),
        sa.UniqueConstraint('dedupe_key', name=op.f('uq_attestation_reminders_dedupe_key')),
    )
    with op.batch_alter_table('attestation_reminders', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_attestation_reminders_schedule_id'), ['schedule_id']
        )
        batch_op.create_index(
            'ix_attestation_reminders_supplier_decided', ['supplier_id', 'decided_at']
        )

    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claim_token', sa.String(length=36), nullable=True))
        batch_op.add_column(
            sa.Column('interrupted_deliveries', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('interrupted_deliveries')
        batch_op.drop_column('claim_token')
    op.drop_table('attestation_reminders')
    op.drop_table('attestation_schedules')
