"""action plans: the council's current plan; cabinet pack runs: the plan each run reported

Revision ID: 0023
Revises: 0022

The Cabinet pack used whichever action plan was imported last, even one imported for
reference from another body (issue 21). An officer or legal now marks the council's own plan
current (at most one: a partial unique index); with none marked, the latest imported is current.
Each pack run records the plan it reported, so rebuilding a closed year's pack reads the same
plan. Runs from before this column are given the plan that was the latest imported when they
were requested, which is the plan they reported.
"""
import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

INDEX = "uq_action_plans_one_current"
CURRENT = sa.text("is_current")


def upgrade():
    with op.batch_alter_table("action_plans", schema=None) as batch_op:
        batch_op.add_column(sa.Column("is_current", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_index(INDEX, "action_plans", ["is_current"], unique=True,
                    sqlite_where=CURRENT, postgresql_where=CURRENT)
    with op.batch_alter_table("cabinet_pack_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action_plan_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cabinet_pack_runs_action_plan_id"),
                              ["action_plan_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_cabinet_pack_runs_action_plan_id_action_plans"), "action_plans",
            ["action_plan_id"], ["id"], ondelete="SET NULL")
    op.execute(sa.text("""
        UPDATE cabinet_pack_runs SET action_plan_id = (
          SELECT plans.id FROM action_plans plans
          WHERE plans.created_at <= cabinet_pack_runs.requested_at
          ORDER BY plans.created_at DESC, plans.id DESC LIMIT 1)
    """))


def downgrade():
    with op.batch_alter_table("cabinet_pack_runs", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_cabinet_pack_runs_action_plan_id_action_plans"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_cabinet_pack_runs_action_plan_id"))
        batch_op.drop_column("action_plan_id")
    op.drop_index(INDEX, table_name="action_plans")
    with op.batch_alter_table("action_plans", schema=None) as batch_op:
        batch_op.drop_column("is_current")
