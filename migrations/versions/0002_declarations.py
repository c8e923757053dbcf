"""declarations: requests, supplier declarations, evidence files, immutability triggers

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 06:41:57

Written by hand from autogenerate output, keeping only this feature's tables. The triggers make a
submitted declaration and its evidence unchangeable even by SQL that bypasses the application;
columns that other tables' ON DELETE SET NULL may touch (who created/submitted, the request) are
left out so deleting an account or request still works.
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

# Columns that never change once a declaration leaves draft.
PROTECTED = (
    "supplier_id", "questionnaire_id", "questionnaire_version", "answers", "canonical_answers",
    "answers_sha256", "signatory_name", "signatory_role", "submitted_at", "submitted_ip",
    "supersedes_id", "created_at",
)
EVIDENCE_PROTECTED = (
    "declaration_id", "question_id", "original_filename", "stored_name", "content_type",
    "size_bytes", "sha256", "uploaded_at",
)
MESSAGE = "submitted declarations and their evidence cannot be changed"


def _sqlite_differs(columns):
    return " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)


def _postgres_differs(columns):
    # json has no equality operator in PostgreSQL, so compare every column as text.
    return " OR ".join(f"NEW.{c}::text IS DISTINCT FROM OLD.{c}::text" for c in columns)


def _create_triggers():
    bind = op.get_bind()
    status_change_ok = (
        "(NEW.status = OLD.status OR (OLD.status = 'submitted' AND NEW.status = 'superseded'))"
    )
    if bind.dialect.name == "sqlite":
        op.execute(f"""
            CREATE TRIGGER declarations_submitted_no_update BEFORE UPDATE ON declarations
            FOR EACH ROW WHEN OLD.status <> 'draft'
              AND (NOT {status_change_ok} OR {_sqlite_differs(PROTECTED)})
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """)
        op.execute(f"""
            CREATE TRIGGER declarations_submitted_no_delete BEFORE DELETE ON declarations
            FOR EACH ROW WHEN OLD.status <> 'draft'
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """)
        op.execute(f"""
            CREATE TRIGGER evidence_files_no_update BEFORE UPDATE ON evidence_files
            FOR EACH ROW WHEN {_sqlite_differs(EVIDENCE_PROTECTED)}
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """)
        op.execute(f"""
            CREATE TRIGGER evidence_files_submitted_no_delete BEFORE DELETE ON evidence_files
            FOR EACH ROW WHEN (SELECT status FROM declarations WHERE id = OLD.declaration_id)
              <> 'draft'
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """)
        op.execute(f"""
            CREATE TRIGGER evidence_files_submitted_no_insert BEFORE INSERT ON evidence_files
            FOR EACH ROW WHEN (SELECT status FROM declarations WHERE id = NEW.declaration_id)
              <> 'draft'
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END
        """)
        return
    op.execute(f"""
        CREATE FUNCTION declarations_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF TG_OP = 'DELETE' THEN
            IF OLD.status <> 'draft' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
            RETURN OLD;
          END IF;
          IF OLD.status <> 'draft'
             AND (NOT {status_change_ok} OR {_postgres_differs(PROTECTED)}) THEN
            RAISE EXCEPTION '{MESSAGE}';
          END IF;
          RETURN NEW;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER declarations_guard BEFORE UPDATE OR DELETE ON declarations
        FOR EACH ROW EXECUTE FUNCTION declarations_guard()
    """)
    op.execute(f"""
        CREATE FUNCTION evidence_files_guard() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE owner_status text;
        BEGIN
          IF TG_OP = 'UPDATE' THEN
            IF {_postgres_differs(EVIDENCE_PROTECTED)} THEN
              RAISE EXCEPTION '{MESSAGE}';
            END IF;
            RETURN NEW;
          END IF;
          SELECT status INTO owner_status FROM declarations
            WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.declaration_id
                            ELSE NEW.declaration_id END;
          IF owner_status <> 'draft' THEN RAISE EXCEPTION '{MESSAGE}'; END IF;
          IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
          RETURN NEW;
        END $$
    """)
    op.execute("""
        CREATE TRIGGER evidence_files_guard BEFORE INSERT OR UPDATE OR DELETE ON evidence_files
        FOR EACH ROW EXECUTE FUNCTION evidence_files_guard()
    """)


def _drop_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("declarations_submitted_no_update", "declarations_submitted_no_delete",
                     "evidence_files_no_update", "evidence_files_submitted_no_delete",
                     "evidence_files_submitted_no_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        return
    op.execute("DROP TRIGGER IF EXISTS evidence_files_guard ON evidence_files")
    op.execute("DROP FUNCTION IF EXISTS evidence_files_guard()")
    op.execute("DROP TRIGGER IF EXISTS declarations_guard ON declarations")
    op.execute("DROP FUNCTION IF EXISTS declarations_guard()")


def upgrade():
    op.create_table('declaration_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('natural_key', sa.String(length=120), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('tender_id', sa.Integer(), nullable=True),
    sa.Column('contract_id', sa.Integer(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('questionnaire_id', sa.String(length=50), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('requested_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('tender', 'contract', 'annual')", name=op.f('ck_declaration_requests_kind_known')),
    sa.ForeignKeyConstraint(['contract_id'], ['contracts.id'], name=op.f('fk_declaration_requests_contract_id_contracts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_declaration_requests_requested_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_declaration_requests_supplier_id_suppliers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tender_id'], ['tenders.id'], name=op.f('fk_declaration_requests_tender_id_tenders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declaration_requests')),
    sa.UniqueConstraint('natural_key', name=op.f('uq_declaration_requests_natural_key'))
    )
    with op.batch_alter_table('declaration_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declaration_requests_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('declarations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supplier_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('questionnaire_id', sa.String(length=50), nullable=False),
    sa.Column('questionnaire_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('review_question_ids', sa.JSON(), nullable=False),
    sa.Column('prefilled_from_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('canonical_answers', sa.Text(), nullable=True),
    sa.Column('answers_sha256', sa.String(length=64), nullable=True),
    sa.Column('signatory_name', sa.String(length=200), nullable=True),
    sa.Column('signatory_role', sa.String(length=200), nullable=True),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('submitted_ip', sa.String(length=45), nullable=True),
    sa.Column('submitted_by_id', sa.Integer(), nullable=True),
    sa.Column('supersedes_id', sa.Integer(), nullable=True),
    sa.Column('superseded_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("status = 'draft' OR (answers_sha256 IS NOT NULL AND canonical_answers IS NOT NULL AND submitted_at IS NOT NULL AND signatory_name IS NOT NULL)", name=op.f('ck_declarations_submitted_is_complete')),
    sa.CheckConstraint("status IN ('draft', 'submitted', 'superseded')", name=op.f('ck_declarations_status_known')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_declarations_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['prefilled_from_id'], ['declarations.id'], name=op.f('fk_declarations_prefilled_from_id_declarations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['declaration_requests.id'], name=op.f('fk_declarations_request_id_declaration_requests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_declarations_submitted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['supersedes_id'], ['declarations.id'], name=op.f('fk_declarations_supersedes_id_declarations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['supplier_id'], ['suppliers.id'], name=op.f('fk_declarations_supplier_id_suppliers'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_declarations')),
    sa.UniqueConstraint('supersedes_id', name=op.f('uq_declarations_supersedes_id'))
    )
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_declarations_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_declarations_supplier_id'), ['supplier_id'], unique=False)

    op.create_table('evidence_files',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('declaration_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=64), nullable=False),
    sa.Column('original_filename', sa.String(length=255), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['declaration_id'], ['declarations.id'], name=op.f('fk_evidence_files_declaration_id_declarations'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_evidence_files_uploaded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_files')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_evidence_files_stored_name'))
    )
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_files_declaration_id'), ['declaration_id'], unique=False)

    _create_triggers()


def downgrade():
    _drop_triggers()
    with op.batch_alter_table('evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_files_declaration_id'))
    op.drop_table('evidence_files')
    with op.batch_alter_table('declarations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declarations_supplier_id'))
        batch_op.drop_index(batch_op.f('ix_declarations_request_id'))
    op.drop_table('declarations')
    with op.batch_alter_table('declaration_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_declaration_requests_supplier_id'))
    op.drop_table('declaration_requests')
