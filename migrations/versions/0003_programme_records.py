"""programme records: action plans, training, referrals, Charter evidence

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _recorded_by(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["recorded_by_id"], ["users.id"], name=op.f(f"fk_{table}_recorded_by_id_users"),
        ondelete="SET NULL",
    )


def upgrade():
    op.create_table(
        "action_plans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("source_filename", sa.String(length=300), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("import_notes", sa.JSON(), nullable=False),
        sa.Column("imported_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["imported_by_id"], ["users.id"],
                                name=op.f("fk_action_plans_imported_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plans")),
    )
    op.create_table(
        "action_plan_priorities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("aim", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["action_plans.id"],
                                name=op.f("fk_action_plan_priorities_plan_id_action_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_priorities")),
    )
    with op.batch_alter_table("action_plan_priorities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_plan_priorities_plan_id"), ["plan_id"],
                              unique=False)

    op.create_table(
        "plan_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("priority_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("specific_aim", sa.Text(), nullable=False),
        sa.Column("measure", sa.Text(), nullable=False),
        sa.Column("lead_officer", sa.String(length=500), nullable=False),
        sa.Column("area_lead", sa.String(length=500), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("timeframe", sa.Text(), nullable=False),
        sa.Column("progress", sa.String(length=20), nullable=True),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("rag", sa.String(length=10), nullable=True),
        sa.Column("source_line", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date",
                           name=op.f("ck_plan_actions_ends_after_start")),
        sa.CheckConstraint("rag IS NULL OR rag IN ('red', 'amber', 'green')",
                           name=op.f("ck_plan_actions_known_rag")),
        sa.ForeignKeyConstraint(["priority_id"], ["action_plan_priorities.id"],
                                name=op.f("fk_plan_actions_priority_id_action_plan_priorities"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_actions")),
    )
    with op.batch_alter_table("plan_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_actions_end_date"), ["end_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_actions_priority_id"), ["priority_id"],
                              unique=False)

    op.create_table(
        "action_rag_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("from_rag", sa.String(length=10), nullable=True),
        sa.Column("to_rag", sa.String(length=10), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_by_name", sa.String(length=254), nullable=False),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["action_id"], ["plan_actions.id"],
                                name=op.f("fk_action_rag_changes_action_id_plan_actions"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["changed_by_id"], ["users.id"],
                                name=op.f("fk_action_rag_changes_changed_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_rag_changes")),
    )
    with op.batch_alter_table("action_rag_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_action_rag_changes_action_id"), ["action_id"],
                              unique=False)

    op.create_table(
        "training_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_group", sa.String(length=40), nullable=False),
        sa.Column("course", sa.String(length=300), nullable=False),
        sa.Column("completed", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("total >= 1 AND completed >= 0 AND completed <= total",
                           name=op.f("ck_training_records_counts_possible")),
        _recorded_by("training_records"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_records")),
    )
    with op.batch_alter_table("training_records", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_training_records_recorded_on"), ["recorded_on"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_training_records_staff_group"), ["staff_group"],
                              unique=False)

    op.create_table(
        "referrals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referred_on", sa.Date(), nullable=False),
        sa.Column("referral_type", sa.String(length=30), nullable=False),
        sa.Column("service_area", sa.String(length=200), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        _recorded_by("referrals"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    with op.batch_alter_table("referrals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referrals_referral_type"), ["referral_type"],
                              unique=False)
        batch_op.create_index(batch_op.f("ix_referrals_referred_on"), ["referred_on"],
                              unique=False)

    op.create_table(
        "charter_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commitment", sa.Integer(), nullable=False),
        sa.Column("evidenced_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("tender_id", sa.Integer(), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("commitment BETWEEN 1 AND 10",
                           name=op.f("ck_charter_evidence_known_commitment")),
        sa.ForeignKeyConstraint(["contract_id"], ["contracts.id"],
                                name=op.f("fk_charter_evidence_contract_id_contracts"),
                                ondelete="SET NULL"),
        _recorded_by("charter_evidence"),
        sa.ForeignKeyConstraint(["tender_id"], ["tenders.id"],
                                name=op.f("fk_charter_evidence_tender_id_tenders"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_charter_evidence")),
    )
    with op.batch_alter_table("charter_evidence", schema=None) as batch_op:
        batch_op.create_index("ix_charter_evidence_commitment_date",
                              ["commitment", "evidenced_on"], unique=False)


def downgrade():
    op.drop_table("charter_evidence")
    op.drop_table("referrals")
    op.drop_table("training_records")
    op.drop_table("action_rag_changes")
    op.drop_table("plan_actions")
    op.drop_table("action_plan_priorities")
    op.drop_table("action_plans")
