"""The annual Cabinet evidence packs: each generation run, and the files it stored.

A run is requested in the browser (built in the background, its progress shown) or from the
command line; each file it produces is stored once under the upload directory with its SHA-256,
so it can be downloaded again unchanged and checked against the checksum recorded here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Float, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.models.council import CouncilOwned

RUN_QUEUED = "queued"
RUN_RUNNING = "running"
RUN_DONE = "done"
RUN_FAILED = "failed"
PACK_KINDS = ("pdf", "xlsx")


class CabinetPackRun(CouncilOwned, db.Model):
    __tablename__ = "cabinet_pack_runs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')",
                        name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    financial_year: Mapped[str] = mapped_column(String(7), index=True)  # '2025/26'
    cover_date: Mapped[date]
    version: Mapped[str] = mapped_column(String(20))
    author: Mapped[str] = mapped_column(String(200))
    # The action plan the pack reports, chosen when the run was asked for (the council's
    # current plan unless another was picked), so a rebuild reads the same plan.
    action_plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("action_plans.id", ondelete="SET NULL"), index=True
    )
    # Which edition of the pack the run builds (reports/editions.py): a closed year keeps
    # edition 1, so rebuilding it gives the same bytes as before edition 2 existed.
    edition: Mapped[int] = mapped_column(default=1, server_default="1")
    status: Mapped[str] = mapped_column(String(20), default=RUN_QUEUED)
    # What the build is doing now, shown on the progress page.
    step: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text)
    # SHA-256 of the ReportData's canonical JSON, as printed on the cover.
    data_checksum: Mapped[str | None] = mapped_column(String(64))
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Kept as text so the record still names the person if the account is removed.
    requested_by_name: Mapped[str] = mapped_column(String(254))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # When the build last reported a step: a run silent for long has stopped (domain/pack_runs).
    heartbeat_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    requested_by = relationship("User")
    action_plan = relationship("ActionPlan")
    packs = relationship("CabinetPack", back_populates="run", order_by="CabinetPack.kind")


class CabinetPack(CouncilOwned, db.Model):
    """One stored file of a run: the PDF or the XLSX."""

    __tablename__ = "cabinet_packs"
    __table_args__ = (CheckConstraint("kind IN ('pdf', 'xlsx')", name="kind_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("cabinet_pack_runs.id", ondelete="RESTRICT"), index=True
    )
    financial_year: Mapped[str] = mapped_column(String(7), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    # A random name under <upload_dir>/packs, never the download name.
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    data_checksum: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_by_name: Mapped[str] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    run = relationship("CabinetPackRun", back_populates="packs")
    created_by = relationship("User")


class PackTarget(CouncilOwned, db.Model):
    """A target the council set for one of the pack's measures (percent). Rows are only added:
    edition 2 of the pack reads the latest row set by its as-of date, so a rebuilt pack reads
    the target as it stood then."""

    __tablename__ = "pack_targets"
    __table_args__ = (
        CheckConstraint("target >= 0 AND target <= 100", name="target_a_percentage"),
        Index("ix_pack_targets_measure_set_at", "measure", "set_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The measure's figure key, as in reports/queries.TARGETS.
    measure: Mapped[str] = mapped_column(String(80))
    target: Mapped[float] = mapped_column(Float)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Kept as text so the history still names the person if the account is removed.
    set_by_name: Mapped[str] = mapped_column(String(254))

    set_by = relationship("User")
