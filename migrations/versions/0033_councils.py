"""A partnership of councils in one deployment (issue 17).

Creates `councils` with the one council this deployment has served (named from
SUPPLIER_DD_COUNCIL_NAME, as the header always was), gives every council-owned table a
`council_id` and assigns every existing row to that council, links every existing supplier to
it, and adds the supplier's consent to share declarations with other councils. Audit entries
get the council too, outside their hashed content, so the chain verifies as before, and so
does outgoing email (whose admins see it).

SQLite rebuilds a table to add a NOT NULL column; foreign keys are switched off for the rebuild
(Alembic's documented way), otherwise dropping the old table would cascade to its children.

Revision ID: 0033
Revises: 0032
"""
import os
import re

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

DEFAULT_COUNCIL_NAME = "Example District Council"
COUNCIL_OWNED = (
    "action_plan_priorities", "action_plans", "action_rag_changes", "answer_verifications",
    "api_keys", "assessment_reviews", "attestation_reminders", "attestation_schedules",
    "bulk_campaign_suppliers", "bulk_campaigns", "cabinet_pack_runs", "cabinet_packs",
    "charter_evidence", "charter_evidence_documents", "contracts", "corrective_action_events",
    "corrective_actions", "debarment_checks", "declaration_requests", "exclusion_decisions",
    "import_batches", "invitations", "pack_targets", "plan_actions", "recommendation_responses",
    "referrals", "removed_bidders", "review_queries", "risk_assessments",
    "risk_model_activations", "shared_answers", "supplier_evidence_files",
    "supplier_risk_summaries", "tenders", "training_records",
)
# Unique rules that held for the one council and now hold within each council.
REPLACED_UNIQUE_CONSTRAINTS = {
    "contracts": ("uq_contracts_reference", "uq_contracts_council_reference",
                  ["council_id", "reference"]),
    "tenders": ("uq_tenders_reference", "uq_tenders_council_reference",
                ["council_id", "reference"]),
    "declaration_requests": ("uq_declaration_requests_natural_key",
                             "uq_declaration_requests_council_natural_key",
                             ["council_id", "natural_key"]),
    "recommendation_responses": ("uq_recommendation_responses_declaration_key",
                                 "uq_recommendation_responses_declaration_key",
                                 ["council_id", "declaration_id", "recommendation_key"]),
}
PARTIAL_UNIQUE_INDEXES = {
    "attestation_schedules": ("uq_attestation_schedules_one_active_per_supplier",
                              ["supplier_id"], "status = 'active'"),
    "risk_assessments": ("uq_risk_assessments_one_current_per_supplier", ["supplier_id"],
                         "is_current"),
    "action_plans": ("uq_action_plans_one_current", ["is_current"], "is_current"),
    "answer_verifications": ("uq_answer_verifications_active",
                             ["declaration_id", "question_id", "kind"], "withdrawn_at IS NULL"),
}
SUMMARY_INDEXES = {
    "ix_risk_summary_rank_score": ["residual_rank", "residual_score"],
    "ix_risk_summary_sector_rank": ["sector", "residual_rank", "residual_score"],
    "ix_risk_summary_country_rank": ["country", "residual_rank", "residual_score"],
    "ix_risk_summary_sector_country_rank": ["sector", "country", "residual_rank",
                                            "residual_score"],
    "ix_risk_summary_review_rank": ["review_status", "residual_rank", "residual_score"],
    "ix_risk_summary_declaration_rank": ["latest_declaration_status", "residual_rank",
                                         "residual_score"],
    "ix_risk_summary_residual_score": ["residual_score", "supplier_id"],
    "ix_risk_summary_inherent_score": ["inherent_score", "supplier_id"],
    "ix_risk_summary_maturity": ["maturity_percent", "supplier_id"],
    "ix_risk_summary_red_flags": ["red_flag_count", "supplier_id"],
}
# Single-column sort indexes that now lead with the council.
SUMMARY_INDEXES_REPLACED = (
    ("ix_supplier_risk_summaries_name", "ix_risk_summary_name", "name"),
    ("ix_supplier_risk_summaries_next_due_on", "ix_risk_summary_next_due", "next_due_on"),
)
STAFF_HAVE_COUNCIL = (
    "(role IN ('officer', 'legal', 'safeguarding', 'admin')) = (council_id IS NOT NULL)")


def _short_name(name: str) -> str:
    words = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return (words or "council")[:40].strip("-")


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def _foreign_keys(on: bool) -> None:
    if _sqlite():
        with op.get_context().autocommit_block():
            op.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _create_tables() -> None:
    op.create_table(
        "councils",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=40), nullable=False),
        sa.Column("header_text", sa.String(length=200), nullable=False),
        sa.Column("statement_url", sa.String(length=500), nullable=True),
        sa.Column("time_zone", sa.String(length=60), nullable=False),
        sa.Column("reattestation_months", sa.Integer(), nullable=True),
        sa.Column("reminder_days", sa.String(length=60), nullable=True),
        sa.Column("pack_author", sa.String(length=200), nullable=True),
        sa.Column("pack_approvers", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_councils")),
        sa.UniqueConstraint("name", name=op.f("uq_councils_name")),
        sa.UniqueConstraint("short_name", name=op.f("uq_councils_short_name")),
    )
    op.create_table(
        "council_suppliers",
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"],
                                name=op.f("fk_council_suppliers_council_id_councils"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"],
                                name=op.f("fk_council_suppliers_supplier_id_suppliers"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("council_id", "supplier_id", name=op.f("pk_council_suppliers")),
    )
    op.create_index("ix_council_suppliers_supplier_id", "council_suppliers", ["supplier_id"])
    op.create_table(
        "sharing_consents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("council_id", sa.Integer(), nullable=False),
        sa.Column("declaration_id", sa.Integer(), nullable=False),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(), nullable=True),
        sa.Column("withdrawn_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"],
                                name=op.f("fk_sharing_consents_supplier_id_suppliers"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["council_id"], ["councils.id"],
                                name=op.f("fk_sharing_consents_council_id_councils"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["declaration_id"], ["declarations.id"],
                                name=op.f("fk_sharing_consents_declaration_id_declarations"),
                                ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["granted_by_id"], ["users.id"],
                                name=op.f("fk_sharing_consents_granted_by_id_users"),
                                ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["withdrawn_by_id"], ["users.id"],
                                name=op.f("fk_sharing_consents_withdrawn_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sharing_consents")),
    )
    op.create_index("ix_sharing_consents_supplier_id", "sharing_consents", ["supplier_id"])


def _the_one_council() -> None:
    name = (os.environ.get("SUPPLIER_DD_COUNCIL_NAME") or DEFAULT_COUNCIL_NAME).strip()
    op.execute(sa.text(
        "INSERT INTO councils (id, name, short_name, header_text, time_zone, pack_approvers,"
        " created_at) VALUES (1, :name, :short_name, :name, 'Europe/London', '',"
        " CURRENT_TIMESTAMP)").bindparams(name=name, short_name=_short_name(name)))
    op.execute("INSERT INTO council_suppliers (council_id, supplier_id, linked_at)"
               " SELECT 1, id, CURRENT_TIMESTAMP FROM suppliers")


def _add_council(table: str, nullable: bool = False) -> None:
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("council_id", sa.Integer(), nullable=True))
    op.execute(f"UPDATE {table} SET council_id = 1")
    with op.batch_alter_table(table) as batch:
        if not nullable:
            batch.alter_column("council_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(f"fk_{table}_council_id_councils", "councils",
                                 ["council_id"], ["id"], ondelete="RESTRICT")
        if table == "supplier_risk_summaries":  # the key and every index lead with it
            batch.create_index("ix_supplier_risk_summaries_supplier_id", ["supplier_id"])
        else:
            batch.create_index(f"ix_{table}_council_id", ["council_id"])
        if table in REPLACED_UNIQUE_CONSTRAINTS:
            old, new, columns = REPLACED_UNIQUE_CONSTRAINTS[table]
            batch.drop_constraint(old, type_="unique")
            batch.create_unique_constraint(new, columns)
        if table in PARTIAL_UNIQUE_INDEXES:
            name, columns, where = PARTIAL_UNIQUE_INDEXES[table]
            batch.drop_index(name)
            if columns == ["is_current"]:  # one current plan per council, not per value
                columns = []
            batch.create_index(name, ["council_id", *columns], unique=True,
                               sqlite_where=sa.text(where), postgresql_where=sa.text(where))
        if table == "supplier_risk_summaries":
            batch.drop_constraint("pk_supplier_risk_summaries", type_="primary")
            batch.create_primary_key("pk_supplier_risk_summaries", ["council_id", "supplier_id"])
            for index, columns in SUMMARY_INDEXES.items():
                batch.drop_index(index)
                batch.create_index(index, ["council_id", *columns])
            for old, index, column in SUMMARY_INDEXES_REPLACED:
                batch.drop_index(old)
                batch.create_index(index, ["council_id", column, "supplier_id"])


def upgrade():
    _create_tables()
    _the_one_council()
    _foreign_keys(on=False)
    for table in COUNCIL_OWNED:
        _add_council(table)
    with op.batch_alter_table("shared_answers") as batch:
        batch.add_column(sa.Column("consent_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_shared_answers_consent_id_sharing_consents",
                                 "sharing_consents", ["consent_id"], ["id"], ondelete="RESTRICT")
        batch.create_index("ix_shared_answers_consent_id", ["consent_id"])
    _add_council("audit_entries", nullable=True)
    _add_council("outbox_messages", nullable=True)
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("council_id", sa.Integer(), nullable=True))
    op.execute("UPDATE users SET council_id = 1"
               " WHERE role IN ('officer', 'legal', 'safeguarding', 'admin')")
    with op.batch_alter_table("users") as batch:
        batch.create_foreign_key("fk_users_council_id_councils", "councils", ["council_id"],
                                 ["id"], ondelete="RESTRICT")
        batch.create_index("ix_users_council_id", ["council_id"])
        batch.create_check_constraint("staff_have_council", STAFF_HAVE_COUNCIL)
    _foreign_keys(on=True)


def downgrade():
    raise NotImplementedError(
        "Councils cannot be taken apart again: restore the backup taken before the upgrade")
