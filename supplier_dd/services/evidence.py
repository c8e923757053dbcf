"""Evidence files: checked by content, hashed, stored outside static/ under random names.

A file's type is decided by its bytes, never its name or the browser's claim, so a renamed
executable is refused. Files are only ever served as downloads (see web views).
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
import re
import secrets
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import filetype
from sqlalchemy.orm import Session

from supplier_dd.domain.questionnaire import Questionnaire, visible_questions
from supplier_dd.infrastructure.bounded_zip import ArchiveTooLarge, open_bounded, read_member
from supplier_dd.models import Declaration, EvidenceFile, User
from supplier_dd.services import ServiceError, audit

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ODT = "application/vnd.oasis.opendocument.text"
ALLOWED_TYPES = {
    PDF: "PDF", DOCX: "Word (DOCX)", ODT: "OpenDocument (ODT)", PNG: "PNG", JPEG: "JPEG",
}
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx", ODT: ".odt", PNG: ".png", JPEG: ".jpg"}
# Other spellings people use for the same type, kept as they are.
_ALSO_ACCEPTED = {JPEG: (".jpeg", ".jpe")}
ALLOWED_DESCRIPTION = "PDF, DOCX, ODT, PNG or JPEG"
MAX_FILES_PER_QUESTION = 5


def _zip_document_type(data: bytes) -> str | None:
    """DOCX and ODT are zip files; tell them apart (and from any other zip) by their manifests.

    Raises ArchiveTooLarge for a zip bomb, before inflating any of it."""
    try:
        with open_bounded(data) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                declared = read_member(archive, "mimetype").decode("ascii", "replace").strip()
                return ODT if declared == ODT else None
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                manifest = read_member(archive, "[Content_Types].xml").decode("utf-8", "replace")
                if "wordprocessingml.document.main+xml" in manifest:
                    return DOCX
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, RuntimeError, ValueError,
            NotImplementedError):
        return None
    return None


def detect_content_type(data: bytes) -> str | None:
    """The allowed type these bytes really are, or None. Raises ArchiveTooLarge."""
    kind = filetype.guess(data)
    if kind is None:
        return None
    if kind.mime in (PDF, PNG, JPEG):
        return kind.mime
    if kind.mime in ("application/zip", DOCX, ODT):
        return _zip_document_type(data)
    return None


def safe_filename(name: str) -> str:
    """The name to show and offer on download: no path, no control characters, not empty."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = "".join(
        ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C"
    )
    base = base.strip().strip(".") or "evidence"
    return base[:200]


def filename_for_type(name: str, content_type: str) -> str:
    """The safe name ending in the extension of the type its bytes really are.

    The computer that saves a download opens it by its extension, so a PDF uploaded as
    statement.html is offered as statement.pdf and opens in a PDF reader, never a browser. An
    extension the system knows for another type is replaced; any other dot is kept."""
    name = safe_filename(name)
    stem, dot, suffix = name.rpartition(".")
    suffix = f".{suffix.lower()}"
    if dot and suffix in (EXTENSIONS[content_type], *_ALSO_ACCEPTED.get(content_type, ())):
        return name
    if dot and stem and mimetypes.guess_type(name, strict=False)[0] is not None:
        name = stem
    return name + EXTENSIONS[content_type]


def _size_label(max_bytes: int) -> str:
    megabytes = max_bytes / (1024 * 1024)
    return f"{megabytes:g}MB"


@dataclass(frozen=True)
class EvidenceStore:
    """Files on disk under the configured upload directory (never under static/)."""

    root: Path

    def path_for(self, stored_name: str) -> Path:
        if not re.fullmatch(r"[a-f0-9]{64}", stored_name):
            raise ValueError("not a stored evidence name")
        return self.root / stored_name[:2] / stored_name

    def write(self, data: bytes) -> str:
        stored_name = secrets.token_hex(32)
        path = self.path_for(stored_name)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".part")
        with open(temporary, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
        return stored_name

    def read(self, stored_name: str) -> bytes:
        return self.path_for(stored_name).read_bytes()

    def delete(self, stored_name: str) -> None:
        self.path_for(stored_name).unlink(missing_ok=True)


def file_answer(evidence: list[EvidenceFile]) -> list[dict]:
    """The JSON answer for a file question: what the signed, hashed record holds."""
    return [
        {"evidence_id": item.id, "filename": item.original_filename, "sha256": item.sha256}
        for item in evidence
    ]


def evidence_for(declaration: Declaration, question_id: str) -> list[EvidenceFile]:
    return [item for item in declaration.evidence if item.question_id == question_id]


def _refresh_answer(declaration: Declaration, question_id: str) -> None:
    answers = dict(declaration.answers or {})
    files = file_answer(evidence_for(declaration, question_id))
    if files:
        answers[question_id] = files
    else:
        answers.pop(question_id, None)
    declaration.answers = answers


def checked_content_type(data: bytes, max_bytes: int) -> str:
    """The allowed type an uploaded file really is, or a ServiceError saying what is wrong."""
    if not data:
        raise ServiceError("The selected file is empty")
    if len(data) > max_bytes:
        raise ServiceError(f"The selected file must be smaller than {_size_label(max_bytes)}")
    try:
        content_type = detect_content_type(data)
    except ArchiveTooLarge as reason:
        raise ServiceError(
            f"The selected file cannot be opened safely: {reason}. Save it again from your "
            "word processor, or upload it as a PDF"
        ) from None
    if content_type is None:
        raise ServiceError(f"The selected file must be a {ALLOWED_DESCRIPTION}")
    return content_type


def add_evidence(
    session: Session, store: EvidenceStore, questionnaire: Questionnaire,
    declaration: Declaration, question_id: str, filename: str, data: bytes, user: User | None,
    now: datetime, max_bytes: int, *, actor: audit.Actor | None = None,
) -> EvidenceFile:
    if not declaration.is_draft:
        raise ServiceError("This declaration has been submitted and cannot be changed")
    shown = {q.id: q for q in visible_questions(questionnaire, declaration.answers or {})}
    question = shown.get(question_id)
    if question is None or question.type != "file":
        raise ServiceError("That question does not take a file")
    content_type = checked_content_type(data, max_bytes)
    if len(evidence_for(declaration, question_id)) >= MAX_FILES_PER_QUESTION:
        raise ServiceError(
            f"You can upload up to {MAX_FILES_PER_QUESTION} files here; remove one first"
        )
    name = filename_for_type(filename, content_type)
    stored_name = store.write(data)
    record = EvidenceFile(
        declaration=declaration, question_id=question_id, original_filename=name,
        stored_name=stored_name, content_type=content_type, size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user, uploaded_at=now,
    )
    session.add(record)
    session.flush()
    _refresh_answer(declaration, question_id)
    declaration.updated_at = now
    session.flush()
    audit.record(session, "evidence.uploaded", audit.actor_or(actor, user), now,
                 object_type="evidence_file", object_id=record.id,
                 after={"declaration_id": declaration.id, "question_id": question_id,
                        "filename": name, "content_type": content_type,
                        "size_bytes": record.size_bytes, "sha256": record.sha256})
    return record


def remove_evidence(session: Session, store: EvidenceStore, declaration: Declaration,
                    evidence_id: int, now: datetime, *, actor: audit.Actor | None = None,
                    user: User | None = None) -> None:
    if not declaration.is_draft:
        raise ServiceError("This declaration has been submitted and cannot be changed")
    record = next((item for item in declaration.evidence if item.id == evidence_id), None)
    if record is None:
        raise ServiceError("That file is not part of this declaration")
    question_id, stored_name = record.question_id, record.stored_name
    removed = {"declaration_id": declaration.id, "question_id": question_id,
               "filename": record.original_filename, "size_bytes": record.size_bytes,
               "sha256": record.sha256}
    session.delete(record)
    session.flush()
    session.expire(declaration, ["evidence"])
    _refresh_answer(declaration, question_id)
    declaration.updated_at = now
    session.flush()
    audit.record(session, "evidence.removed", audit.actor_or(actor, user), now,
                 object_type="evidence_file", object_id=evidence_id, before=removed)
    # Only after the row is gone, so a failed flush never leaves a row without its file.
    store.delete(stored_name)


def copy_evidence(session: Session, store: EvidenceStore, source: EvidenceFile,
                  target: Declaration, now: datetime) -> EvidenceFile | None:
    """Copy a file into a new draft ('tell us once'); the copy has its own stored name so
    removing it from the draft never touches the submitted original."""
    try:
        data = store.read(source.stored_name)
    except (FileNotFoundError, ValueError):
        return None
    record = EvidenceFile(
        declaration=target, question_id=source.question_id,
        original_filename=source.original_filename, stored_name=store.write(data),
        content_type=source.content_type, size_bytes=source.size_bytes, sha256=source.sha256,
        uploaded_by=source.uploaded_by, uploaded_at=now,
    )
    session.add(record)
    session.flush()
    return record
