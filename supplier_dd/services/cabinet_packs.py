"""Generating, storing and reading back the annual Cabinet evidence packs.

A run records who asked for which year's pack and how far the build has got; `generate` builds
the ReportData, renders the PDF and XLSX and stores each under <upload_dir>/packs with its
SHA-256. Reading a pack back checks the file still has that checksum, so what is downloaded is
exactly what was generated.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from supplier_dd.domain.control_characters import control_character_problem
from supplier_dd.domain.pack_runs import STOPPED_MESSAGE, stale_before
from supplier_dd.models import ActionPlan, CabinetPack, CabinetPackRun, User
from supplier_dd.models.cabinet_pack import (
    PACK_KINDS,
    RUN_DONE,
    RUN_FAILED,
    RUN_QUEUED,
    RUN_RUNNING,
)
from supplier_dd.reports.data import FinancialYear, ReportData, ReportInputError
from supplier_dd.reports.editions import EDITION_2, default_edition
from supplier_dd.reports.pdf import render_pdf
from supplier_dd.reports.queries import build_report_data
from supplier_dd.reports.xlsx import render_xlsx
from supplier_dd.services import ServiceError
from supplier_dd.services.action_plans import current_plan

PACK_FOLDER = "packs"
MEDIA_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
RENDERERS = {"pdf": render_pdf, "xlsx": render_xlsx}


def pack_folder(upload_dir: str) -> Path:
    folder = Path(upload_dir) / PACK_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def file_stem(financial_year: str, version: str) -> str:
    """'cabinet-evidence-pack-2025-26-v1.0': how every file of a run is named."""
    return f"cabinet-evidence-pack-{financial_year.replace('/', '-')}-v{version}"


def download_name(pack: CabinetPack, version: str) -> str:
    return f"{file_stem(pack.financial_year, version)}.{pack.kind}"


@dataclass(frozen=True)
class PackRequest:
    year: FinancialYear
    cover_date: date
    author: str
    version: str
    # The action plan the pack reports; None when the council has none.
    action_plan_id: int | None = None
    # reports/editions.py: edition 1 for a year closed before edition 2, else edition 2.
    edition: int = EDITION_2


def check_request(year_text: str, cover_date: date | None, author: str, version: str,
                  today: date, *, session: Session,
                  action_plan_id: int | None = None) -> PackRequest:
    """Validate what a person asked for; ServiceError says what to change. With no action plan
    chosen, the pack reports the council's current plan (services.action_plans.current_plan)."""
    try:
        year = FinancialYear.parse(year_text)
    except ReportInputError as error:
        raise ServiceError(str(error)) from None
    # A year not started is the mistake to name first, before any cover date inside it.
    if year.first_day > today:
        raise ServiceError(f"The {year.label} financial year has not started yet.")
    cover_date = cover_date or today
    if cover_date < year.first_day:
        raise ServiceError(f"The cover date {cover_date:%d/%m/%Y} is before the {year.label} "
                           f"financial year starts on {year.first_day:%d/%m/%Y}.")
    for label, text in (("The author", author), ("The version", version)):
        if problem := control_character_problem(label, text):
            raise ServiceError(problem)
    author = " ".join((author or "").split())
    if not author:
        raise ServiceError("Enter the author's name for the cover.")
    version = (version or "").strip() or "1.0"
    if len(version) > 20 or len(author) > 200:
        raise ServiceError("Keep the version to 20 characters and the author to 200.")
    if action_plan_id is None:
        plan = current_plan(session)
    elif (plan := session.get(ActionPlan, action_plan_id)) is None:
        raise ServiceError("That action plan no longer exists; choose one from the list.")
    return PackRequest(year, cover_date, author, version, plan.id if plan else None,
                       default_edition(year))


def start_run(session: Session, request: PackRequest, user: User | None, requested_by: str,
              now: datetime) -> CabinetPackRun:
    run = CabinetPackRun(
        financial_year=request.year.label, cover_date=request.cover_date,
        version=request.version, author=request.author, action_plan_id=request.action_plan_id,
        edition=request.edition, status=RUN_QUEUED,
        step="Waiting to start", requested_by=user, requested_by_name=requested_by,
        requested_at=now, heartbeat_at=now,
    )
    session.add(run)
    session.flush()
    return run


def _store(folder: Path, kind: str, content: bytes) -> tuple[str, str]:
    stored_name = f"{secrets.token_hex(16)}.{kind}"
    # Written beside the final name and renamed, so a half-written file is never served.
    partial = folder / f"{stored_name}.partial"
    partial.write_bytes(content)
    partial.replace(folder / stored_name)
    return stored_name, hashlib.sha256(content).hexdigest()


def run_report_data(session: Session, run: CabinetPackRun, *, council: str,
                    progress: Callable[[str], None] | None = None) -> ReportData:
    """The pack's data from the run's own parameters (year, cover date, author, version, action
    plan, edition): what its files were built from, or, if the records have changed since, what
    they would be built from now (the checksum tells which)."""
    return build_report_data(session, run.financial_year, run.cover_date, run.author,
                             council=council, version=run.version, progress=progress,
                             action_plan_id=run.action_plan_id, edition=run.edition)


def generate(session: Session, run: CabinetPackRun, *, upload_dir: str, council: str,
             now: Callable[[], datetime], kinds: Sequence[str] = PACK_KINDS,
             progress: Callable[[str], None] | None = None) -> list[CabinetPack]:
    """Build the pack for `run` and store a file per kind. Flushes; the caller commits.
    `progress(step)` is called as each step starts, after the run's heartbeat is set, so a
    caller that commits there shows both to the status page."""

    def report(step: str) -> None:
        run.heartbeat_at = now()
        if progress is not None:
            progress(step)

    run.status = RUN_RUNNING
    data = run_report_data(session, run, council=council, progress=report)
    checksum = data.checksum()
    folder = pack_folder(upload_dir)
    packs = []
    for kind in kinds:
        report(f"Rendering the {kind.upper()}")
        stored_name, sha256 = _store(folder, kind, RENDERERS[kind](data))
        pack = CabinetPack(
            run=run, financial_year=run.financial_year, kind=kind, sha256=sha256,
            size_bytes=(folder / stored_name).stat().st_size, stored_name=stored_name,
            data_checksum=checksum, created_by_id=run.requested_by_id,
            created_by_name=run.requested_by_name, created_at=now(),
        )
        session.add(pack)
        packs.append(pack)
    run.data_checksum = checksum
    run.status = RUN_DONE
    run.step = "Finished"
    run.finished_at = now()
    session.flush()
    return packs


def mark_failed(run: CabinetPackRun, message: str, now: datetime) -> None:
    run.status = RUN_FAILED
    run.error = message
    run.step = "Failed"
    run.finished_at = now


def fail_stopped_runs(session: Session, now: datetime) -> list[CabinetPackRun]:
    """Mark failed, and audit, the unfinished runs whose build has stopped reporting
    (`domain.pack_runs`). Safe to repeat; called by the scheduler and before runs are shown.
    Flushes; the caller commits."""
    from supplier_dd.services import audit

    stopped = list(session.scalars(
        select(CabinetPackRun).where(
            CabinetPackRun.status.in_((RUN_QUEUED, RUN_RUNNING)),
            func.coalesce(CabinetPackRun.heartbeat_at, CabinetPackRun.requested_at)
            < stale_before(now),
        ).with_for_update(skip_locked=True)
    ))
    for run in stopped:
        before = {"status": run.status, "step": run.step}
        last_heard = run.heartbeat_at or run.requested_at
        mark_failed(run, STOPPED_MESSAGE, now)
        audit.record(session, "cabinet_pack.stopped", audit.SYSTEM, now,
                     object_type="cabinet_pack_run", object_id=run.id, before=before,
                     after={"status": run.status},
                     details={"year": run.financial_year, "last_heard": last_heard.isoformat()})
    session.flush()
    return stopped


def read_pack(upload_dir: str, pack: CabinetPack) -> bytes:
    """The stored file, checked against the checksum recorded when it was generated."""
    path = pack_folder(upload_dir) / pack.stored_name
    try:
        content = path.read_bytes()
    except FileNotFoundError:
        raise ServiceError("The stored file for this pack is missing; generate the pack again."
                           ) from None
    if hashlib.sha256(content).hexdigest() != pack.sha256:
        raise ServiceError("The stored file no longer matches its checksum, so it is not "
                           "served; generate the pack again.")
    return content


def runs_page(session: Session, page: int, per_page: int) -> tuple[list[CabinetPackRun], int]:
    total = session.scalar(select(func.count(CabinetPackRun.id))) or 0
    rows = session.scalars(
        select(CabinetPackRun).options(selectinload(CabinetPackRun.packs))
        .order_by(CabinetPackRun.requested_at.desc(), CabinetPackRun.id.desc())
        .limit(per_page).offset((page - 1) * per_page)
    ).all()
    return list(rows), total
