from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned


class ImportBatch(CouncilOwned, db.Model):
    """One uploaded file, from preview to import (or discard): the audit of what came in.

    The upload itself waits in the upload directory under `stored_name` between preview and
    confirmation, and is deleted once the batch is imported or discarded.
    """

    __tablename__ = "import_batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Random and unguessable: it names the batch in URLs and the held file on disk.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)  # "contracts" or "registry"
    filename: Mapped[str] = mapped_column(String(255))
    file_sha256: Mapped[str] = mapped_column(String(64))
    stored_name: Mapped[str | None] = mapped_column(String(100))
    status: Mapped[str] = mapped_column(String(20), default="previewed")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None]
    # The preview, then the result, as JSON: counts, rejected rows, matches, notices.
    summary: Mapped[str] = mapped_column(Text, default="{}")

    uploaded_by = relationship("User")


class RegistryStatement(db.Model):
    """One organisation's statement for one registry year, from StatementSummaries{YEAR}.csv.

    Kept apart from suppliers: it is matched to them when read (by company number, else by
    normalised name), so suppliers added after an import still find their statements.
    """

    __tablename__ = "registry_statements"
    __table_args__ = (
        UniqueConstraint("statement_year", "organisation_key",
                         name="uq_registry_statements_year_organisation"),
        Index("ix_registry_statements_company_number", "company_number"),
        Index("ix_registry_statements_normalised_name", "normalised_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_year: Mapped[int]
    # The company number, or "name:" + the normalised name when the registry has no number.
    organisation_key: Mapped[str] = mapped_column(String(320))
    organisation_name: Mapped[str] = mapped_column(String(300))
    normalised_name: Mapped[str] = mapped_column(String(300))
    company_number: Mapped[str | None] = mapped_column(String(8))
    statement_url: Mapped[str | None] = mapped_column(String(2000))
    summary_url: Mapped[str | None] = mapped_column(String(2000))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    approved_on: Mapped[date | None]
    includes_organisation_structure: Mapped[bool] = mapped_column(default=False)
    includes_policies: Mapped[bool] = mapped_column(default=False)
    includes_risk_assessment: Mapped[bool] = mapped_column(default=False)
    includes_due_diligence: Mapped[bool] = mapped_column(default=False)
    includes_training: Mapped[bool] = mapped_column(default=False)
    includes_monitoring: Mapped[bool] = mapped_column(default=False)
    turnover_band: Mapped[str | None] = mapped_column(String(20))
    sectors: Mapped[str] = mapped_column(Text, default="")  # one per line
    group_submission: Mapped[bool] = mapped_column(default=False)
    parent_name: Mapped[str | None] = mapped_column(String(300))
    last_updated: Mapped[datetime | None]
    import_batch_id: Mapped[int | None] = mapped_column(
        ForeignKey("import_batches.id", ondelete="SET NULL")
    )
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
