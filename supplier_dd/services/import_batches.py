"""Uploaded import files from preview to import: held on disk, recorded, audited.

Between preview and confirmation the file waits in `<upload_dir>/imports/` under a random
name (never under static/), and its batch row keeps the preview. Confirming re-reads the same
file, so the import cannot differ from a file that changed in between; the SHA-256 in the
batch and audit entry says exactly which file it was.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import time
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.infrastructure import tabular
from supplier_dd.models import ImportBatch
from supplier_dd.services import ServiceError, audit
from supplier_dd.services.contract_import import (
    ContractImportSummary,
    Progress,
    import_contracts,
    preview_contracts,
)
from supplier_dd.services.statement_registry import (
    RegistryImportSummary,
    import_registry,
    preview_registry,
)
from supplier_dd.services.tender_import import (
    TenderImportSummary,
    import_tenders,
    preview_tenders,
)

CONTRACTS = "contracts"
REGISTRY = "registry"
TENDERS = "tenders"
KINDS = {CONTRACTS: "Contracts register", REGISTRY: "Statement registry",
         TENDERS: "Tenders register"}
PREVIEWED, IMPORTED, DISCARDED = "previewed", "imported", "discarded"
# An upload nobody confirmed is deleted after this long; the officer uploads it again.
HOLD_HOURS = 24
_COPY_CHUNK = 1024 * 1024


def imports_dir(upload_dir: str | Path) -> Path:
    path = Path(upload_dir) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def held_path(batch: ImportBatch, upload_dir: str | Path) -> Path | None:
    if not batch.stored_name:
        return None
    return imports_dir(upload_dir) / batch.stored_name


Summary = ContractImportSummary | RegistryImportSummary | TenderImportSummary


def summary_of(batch: ImportBatch) -> Summary:
    data = json.loads(batch.summary or "{}")
    if batch.kind == REGISTRY:
        return RegistryImportSummary.from_dict(data)
    if batch.kind == TENDERS:
        return TenderImportSummary.from_dict(data)
    return ContractImportSummary.from_dict(data)


def failure_reason(batch: ImportBatch) -> str | None:
    """Why a previewed file can never be imported as it is (a contracts file with a row that
    has a problem, or nothing to import), for the list of uploads; None while it can be."""
    if batch.status != PREVIEWED:
        return None
    summary = summary_of(batch)
    if isinstance(summary, RegistryImportSummary):
        return None if summary.can_import else "No statement in the file could be read."
    if isinstance(summary, TenderImportSummary):
        return None if summary.can_import else summary.refusal_message()
    return summary.refusal_message() if summary.rejected or summary.rows == 0 else None


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_COPY_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _preview(session: Session, kind: str, path: Path, resolutions=None,
             progress: Progress | None = None, now: datetime | None = None):
    rows = tabular.iter_rows(path)
    if kind == REGISTRY:
        return preview_registry(session, rows, progress=progress)
    if kind == TENDERS:
        return preview_tenders(session, rows, now=now)
    return preview_contracts(session, rows, resolutions=resolutions, progress=progress)


def _import(session: Session, kind: str, path: Path, *, now: datetime, batch_id: int | None,
            actor: audit.Actor, resolutions=None, progress: Progress | None = None):
    rows = tabular.iter_rows(path)
    if kind == REGISTRY:
        return import_registry(session, rows, now=now, batch_id=batch_id, progress=progress)
    if kind == TENDERS:
        return import_tenders(session, rows, now=now, actor=actor)
    return import_contracts(session, rows, now=now, resolutions=resolutions, progress=progress)


def _file_problem(error: Exception) -> ServiceError:
    return ServiceError(str(error))


def clean_up_abandoned(upload_dir: str | Path) -> int:
    """Delete held uploads older than HOLD_HOURS; returns how many went."""
    cutoff = time.time() - HOLD_HOURS * 3600
    removed = 0
    for path in imports_dir(upload_dir).iterdir():
        if path.is_file() and path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def store_upload(session: Session, *, kind: str, filename: str, stream, upload_dir: str | Path,
                 max_bytes: int, uploaded_by, now: datetime) -> ImportBatch:
    """Save an uploaded file, check it is a readable table, preview it, record the batch.

    Raises ServiceError with a message for the uploader when the file is empty, too large, not
    CSV/XLSX, or lacks required columns; the file is then not kept.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown import kind {kind!r}")
    clean_up_abandoned(upload_dir)
    token = secrets.token_urlsafe(24)
    partial = imports_dir(upload_dir) / f"{token}.part"
    digest = hashlib.sha256()
    size = 0
    try:
        with open(partial, "wb") as handle:
            while chunk := stream.read(_COPY_CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise ServiceError(
                        f"The file is larger than {max_bytes // (1024 * 1024)} MB. Split it, "
                        "or ask an administrator to raise SUPPLIER_DD_UPLOAD_MAX_MB."
                    )
                digest.update(chunk)
                handle.write(chunk)
        if size == 0:
            raise ServiceError("The selected file is empty.")
        try:
            file_kind = tabular.sniff_kind(partial)
        except tabular.TableFileError as error:
            raise _file_problem(error) from None
        stored = imports_dir(upload_dir) / f"{token}.{file_kind}"
        os.replace(partial, stored)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    try:
        summary = _preview(session, kind, stored, now=now)
    except (tabular.TableFileError, ServiceError) as error:
        stored.unlink(missing_ok=True)
        raise _file_problem(error) from None
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    batch = ImportBatch(
        token=token, kind=kind, filename=(Path(filename or "upload").name or "upload")[:255],
        file_sha256=digest.hexdigest(), stored_name=stored.name, status=PREVIEWED,
        uploaded_by_id=getattr(uploaded_by, "id", None), created_at=now,
        summary=json.dumps(summary.to_dict(), default=str),
    )
    session.add(batch)
    session.flush()
    return batch


def repreview(session: Session, batch: ImportBatch, upload_dir: str | Path,
              resolutions: Mapping[str, str] | None = None):
    """Preview a held file again (after supplier choices), keeping the result on the batch."""
    path = _held_or_error(batch, upload_dir)
    try:
        summary = _preview(session, batch.kind, path, resolutions)
    except tabular.TableFileError as error:
        raise _file_problem(error) from None
    batch.summary = json.dumps(summary.to_dict(), default=str)
    session.flush()
    return summary


def _held_or_error(batch: ImportBatch, upload_dir: str | Path) -> Path:
    path = held_path(batch, upload_dir)
    if batch.status != PREVIEWED or path is None or not path.exists():
        raise ServiceError(
            "This upload is no longer held (uploads are kept for "
            f"{HOLD_HOURS} hours, and only until they are imported or discarded). "
            "Upload the file again."
        )
    return path


def confirm(session: Session, batch: ImportBatch, *, upload_dir: str | Path,
            actor: audit.Actor, now: datetime,
            resolutions: Mapping[str, str] | None = None):
    """Import a previewed batch: everything or, on any problem, nothing (ImportRefused).

    The caller commits, then calls `remove_held_file`."""
    path = _held_or_error(batch, upload_dir)
    try:
        summary = _import(session, batch.kind, path, now=now, batch_id=batch.id, actor=actor,
                          resolutions=resolutions)
    except tabular.TableFileError as error:
        raise _file_problem(error) from None
    batch.status = IMPORTED
    batch.completed_at = now
    batch.summary = json.dumps(summary.to_dict(), default=str)
    _audit(session, batch, summary, actor, now)
    session.flush()
    return summary


def _audit(session: Session, batch: ImportBatch, summary, actor: audit.Actor,
           now: datetime) -> None:
    counts = {"rows": summary.rows, "created": summary.to_create, "updated": summary.to_update,
              "unchanged": summary.unchanged}
    if isinstance(summary, ContractImportSummary):
        counts["suppliers_created"] = summary.new_supplier_count
    elif isinstance(summary, RegistryImportSummary):
        counts["skipped"] = summary.skipped
    audit.record(session, f"import.{batch.kind}", actor, now, object_type="import_batch",
                 object_id=batch.id,
                 details={"filename": batch.filename, "sha256": batch.file_sha256, **counts})


def discard(session: Session, batch: ImportBatch, upload_dir: str | Path,
            now: datetime) -> None:
    if batch.status == PREVIEWED:
        batch.status = DISCARDED
        batch.completed_at = now
    session.flush()


def remove_held_file(batch: ImportBatch, upload_dir: str | Path) -> None:
    path = held_path(batch, upload_dir)
    if path is not None:
        path.unlink(missing_ok=True)


def import_file(session: Session, *, kind: str, path: str | Path, apply: bool,
                actor: audit.Actor, now: datetime,
                resolutions: Mapping[str, str] | None = None,
                progress: Progress | None = None):
    """For the command line: preview (apply=False) or import a file where it lies.

    An import is recorded as a batch (without a held copy) and audited like a web import.
    """
    path = Path(path)
    try:
        tabular.sniff_kind(path)
        if not apply:
            return _preview(session, kind, path, resolutions, progress, now=now)
        batch = ImportBatch(
            token=secrets.token_urlsafe(24), kind=kind, filename=path.name[:255],
            file_sha256=file_sha256(path), stored_name=None, status=PREVIEWED,
            uploaded_by_id=actor.id, created_at=now,
        )
        session.add(batch)
        session.flush()
        summary = _import(session, kind, path, now=now, batch_id=batch.id, actor=actor,
                          resolutions=resolutions, progress=progress)
    except tabular.TableFileError as error:
        raise _file_problem(error) from None
    batch.status = IMPORTED
    batch.completed_at = now
    batch.summary = json.dumps(summary.to_dict(), default=str)
    _audit(session, batch, summary, actor, now)
    session.flush()
    return summary


def recent_batches(session: Session, kinds: set[str], limit: int = 20) -> list[ImportBatch]:
    return list(session.scalars(
        select(ImportBatch).where(ImportBatch.kind.in_(kinds))
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc()).limit(limit)
    ))
