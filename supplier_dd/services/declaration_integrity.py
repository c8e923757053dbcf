"""Checking a submitted declaration against what was signed.

The stored `answers_sha256` covers the canonical answers (file answers included, with each file's
SHA-256). It does not cover who signed, whose declaration it is or the evidence rows, so at
submission the declarations service also writes a *seal* into the hash-chained audit log
(domain/declaration_seal.py: supplier, request, questionnaire, submitting account and IP, time,
signatory, answers hash, evidence hashes). Being superseded is a chained event of its own. A
declaration is intact when

- its canonical answers still hash to `answers_sha256`, and its working copy still gives them;
- the seal in the audit log still says the same answers hash, and every other sealed field
  still has its sealed value;
- its status is the one its chained history gives (submitted, or superseded by a later one);
- its evidence rows are the ones sealed, and the files on disk still hash to what was sealed.

`verify_all` walks the seals, not the declarations, so a sealed declaration deleted or set back
to draft is found too. Changing any of these with direct database access shows here and in
`supplier-dd audit verify`; changing the seal itself breaks the audit chain, and re-hashing the
chain to hide that breaks its HMACs (services/audit.py).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.domain.declaration_seal import (
    SIGNATORY_FIELDS,
    SUBMISSION_FIELDS,
    as_sealed,
    differences,
    seal_content,
    seal_digest,
    status_problem,
)
from supplier_dd.domain.questionnaire import canonical_json, load_questionnaire
from supplier_dd.models import AuditEntry, Declaration, EvidenceFile
from supplier_dd.models.declaration import STATUS_DRAFT
from supplier_dd.models.tenancy import ALL_COUNCILS
from supplier_dd.services.evidence import EvidenceStore

SUBMITTED_ACTION = "declaration.submitted"
SUPERSEDED_ACTION = "declaration.superseded"


def _evidence_rows(session: Session, declaration_id: int) -> list[EvidenceFile]:
    return list(session.scalars(
        select(EvidenceFile).where(EvidenceFile.declaration_id == declaration_id)
        .order_by(EvidenceFile.id)
    ))


def _evidence_facts(rows: list[EvidenceFile]) -> list[dict]:
    return [{"id": row.id, "question_id": row.question_id, "sha256": row.sha256,
             "size_bytes": row.size_bytes} for row in rows]


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _facts(declaration: Declaration, evidence: list[dict]) -> dict:
    """The declaration's sealed fields as they are stored now, as plain values."""
    return {
        "answers_sha256": declaration.answers_sha256,
        "signatory_name": declaration.signatory_name,
        "signatory_role": declaration.signatory_role,
        "submitted_at": _iso(declaration.submitted_at),
        "submitted_by_id": declaration.submitted_by_id,
        "submitted_ip": declaration.submitted_ip,
        "supplier_id": declaration.supplier_id,
        "request_id": declaration.request_id,
        "questionnaire_id": declaration.questionnaire_id,
        "questionnaire_version": declaration.questionnaire_version,
        "supersedes_id": declaration.supersedes_id,
        "evidence": evidence,
    }


def seal_hash(content: dict) -> str:
    return seal_digest(content)


def seal_of(session: Session, declaration: Declaration) -> dict:
    """What the audit log keeps about a declaration as it is submitted."""
    content = seal_content(_facts(declaration, _evidence_facts(_evidence_rows(
        session, declaration.id))))
    return {**content, "seal_sha256": seal_digest(content)}


@dataclass(frozen=True)
class ChainedHistory:
    """A declaration's life as the audit chain records it."""

    seal: dict | None = None
    seal_details: dict | None = None
    seal_sequence: int | None = None
    superseded: dict | None = None
    superseded_sequence: int | None = None


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str


def _file_answers(canonical_answers: str | None) -> dict[int, str]:
    """evidence id -> SHA-256 named in the signed answers."""
    try:
        answers = json.loads(canonical_answers or "{}").get("answers", {})
    except (ValueError, AttributeError):
        return {}
    found = {}
    for value in answers.values():
        if isinstance(value, list):
            for item in value:
                if isinstance(item, dict) and "evidence_id" in item and "sha256" in item:
                    found[item["evidence_id"]] = item["sha256"]
    return found


def _file_sha256(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        return None
    return digest.hexdigest()


def declaration_checks(declaration: Declaration, history: ChainedHistory | dict | None,
                       evidence: list[EvidenceFile], upload_root: Path | None) -> list[Check]:
    """Each check of a submitted declaration, passed or failed, in the order shown to people.
    `history` may be a bare seal (as callers before issue 22 passed it)."""
    if not isinstance(history, ChainedHistory):
        history = ChainedHistory(seal=history)
    seal = history.seal
    checks: list[Check] = []
    canonical = declaration.canonical_answers or ""
    hashed = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    checks.append(Check(
        "Answers match their stored SHA-256", hashed == declaration.answers_sha256,
        f"stored {declaration.answers_sha256}" if hashed == declaration.answers_sha256
        else f"the answers now hash to {hashed}, not the stored {declaration.answers_sha256}",
    ))
    try:
        questionnaire = load_questionnaire(declaration.questionnaire_id,
                                           declaration.questionnaire_version
                                           ).at_level(declaration.form_level)
        working = canonical_json(questionnaire, declaration.answers or {})
    except (KeyError, ValueError, TypeError, FileNotFoundError):
        working = None
    checks.append(Check(
        "Answers as kept match the signed answers", working == canonical,
        "the answers kept with the declaration give the signed text" if working == canonical
        else "the answers kept with the declaration differ from the signed text",
    ))

    if seal is None:
        checks.append(Check("Sealed in the audit log at submission", False,
                            "no audit entry records this declaration's submission"))
    else:
        intact = seal_digest(seal) == seal.get("seal_sha256")
        matches = seal.get("answers_sha256") == declaration.answers_sha256
        checks.append(Check(
            "Sealed in the audit log at submission", intact and matches,
            "the audit log holds the same answers hash" if intact and matches
            else "the audit log's seal does not match its own hash" if not intact
            else f"the audit log sealed answers hash {seal.get('answers_sha256')}, "
                 f"not {declaration.answers_sha256}",
        ))
    current = _facts(declaration, _evidence_facts(evidence))
    if seal is not None:
        sealed = as_sealed(seal, history.seal_details)
        checks += _sealed_field_checks(declaration, sealed, current, history)
    named = _file_answers(canonical)
    by_id = {row.id: row.sha256 for row in evidence}
    checks.append(Check(
        "Evidence named in the answers", named == by_id,
        "every file in the answers has its record" if named == by_id
        else "the files named in the answers differ from the evidence records",
    ))
    if upload_root is not None:
        checks.append(_files_check(evidence, upload_root))
    return checks


def _sealed_field_checks(declaration: Declaration, sealed: dict, current: dict,
                         history: ChainedHistory) -> list[Check]:
    signatory = differences(sealed, current, SIGNATORY_FIELDS)
    submission = differences(sealed, current, SUBMISSION_FIELDS)
    status = status_problem(declaration.status, _iso(declaration.superseded_at),
                            history.superseded, history.superseded_sequence)
    same_rows = sealed.get("evidence") == current["evidence"]
    count = len(current["evidence"])
    return [
        Check("Signatory as signed", not signatory,
              f"{declaration.signatory_name}, {declaration.signatory_role}" if not signatory
              else "changed since submission: " + ", ".join(signatory)),
        Check("Supplier, request and submission as sealed", not submission,
              f"{declaration.supplier.name} (supplier {declaration.supplier_id}), submitted "
              f"from {declaration.submitted_ip or 'an unrecorded address'}" if not submission
              else "changed since submission: " + ", ".join(submission)),
        Check("Status as the audit log records it", status is None,
              f"{declaration.status}, as recorded" if status is None else status),
        Check("Evidence records as signed", same_rows,
              f"{count} file{'' if count == 1 else 's'} recorded" if same_rows
              else "the evidence records differ from those sealed at submission"),
    ]


def _files_check(evidence: list[EvidenceFile], upload_root: Path) -> Check:
    broken = []
    store = EvidenceStore(upload_root)
    for row in evidence:
        try:
            path = store.path_for(row.stored_name)
        except (TypeError, ValueError):
            path = None  # not a name the service ever gives a file
        actual = _file_sha256(path) if path is not None else None
        if actual is None:
            broken.append(f"{row.original_filename} is missing")
        elif actual != row.sha256:
            broken.append(f"{row.original_filename} has changed")
    return Check("Evidence files unchanged", not broken,
                 "every file still has its SHA-256" if not broken else "; ".join(broken))


def chained_histories(session: Session,
                      declaration_ids: list[int] | None = None) -> dict[int, ChainedHistory]:
    """Each sealed declaration's life from the audit log, by id (the latest seal if written
    twice)."""
    statement = select(AuditEntry.sequence, AuditEntry.action, AuditEntry.object_id,
                       AuditEntry.after, AuditEntry.details).where(
        AuditEntry.action.in_([SUBMITTED_ACTION, SUPERSEDED_ACTION]),
        AuditEntry.object_type == "declaration",
    ).order_by(AuditEntry.sequence).execution_options(
        # The seal is read wherever the declaration is seen (a partner it was shared with).
        **{ALL_COUNCILS: True})
    if declaration_ids is not None:
        statement = statement.where(AuditEntry.object_id.in_([str(i) for i in declaration_ids]))
    found: dict[int, ChainedHistory] = {}
    for row in session.execute(statement):
        if not (row.object_id and row.object_id.isdigit() and isinstance(row.after, dict)):
            continue
        ident = int(row.object_id)
        known = found.get(ident, ChainedHistory())
        if row.action == SUBMITTED_ACTION:
            known = ChainedHistory(row.after, row.details if isinstance(row.details, dict)
                                   else None, row.sequence, known.superseded,
                                   known.superseded_sequence)
        else:
            known = ChainedHistory(known.seal, known.seal_details, known.seal_sequence,
                                   row.after, row.sequence)
        found[ident] = known
    return found


def seals(session: Session, declaration_ids: list[int] | None = None) -> dict[int, dict]:
    """Submission seals from the audit log, by declaration id."""
    return {ident: history.seal for ident, history in
            chained_histories(session, declaration_ids).items() if history.seal is not None}


def history_of(session: Session, declaration: Declaration) -> ChainedHistory:
    return chained_histories(session, [declaration.id]).get(declaration.id, ChainedHistory())


def check_declaration(session: Session, declaration: Declaration,
                      upload_root: Path | None) -> list[Check]:
    return declaration_checks(declaration, history_of(session, declaration),
                              _evidence_rows(session, declaration.id), upload_root)


@dataclass(frozen=True)
class DeclarationBreak:
    declaration_id: int
    failed: list[Check]


def _missing(ident: int, history: ChainedHistory) -> DeclarationBreak:
    files = len((history.seal or {}).get("evidence") or [])
    return DeclarationBreak(ident, [Check(
        "Still held", False,
        f"sealed at audit entry {history.seal_sequence} with {files} evidence "
        f"record{'' if files == 1 else 's'}, it no longer exists in the database",
    )])


def verify_all(session: Session, upload_root: Path | None,
               batch: int = 500) -> Iterator[DeclarationBreak | int]:
    """Check every declaration the audit log sealed, and every declaration stored as submitted
    or superseded, in id order. Yields a break for each that fails (a sealed declaration that is
    gone fails too), and the number checked at the end."""
    histories = chained_histories(session)
    stored_ids = set(session.scalars(
        select(Declaration.id).where(Declaration.status != STATUS_DRAFT)))
    wanted = sorted(stored_ids | {i for i, h in histories.items() if h.seal is not None})
    checked = 0
    for offset in range(0, len(wanted), batch):
        ids = wanted[offset:offset + batch]
        rows = {row.id: row for row in session.scalars(
            select(Declaration).where(Declaration.id.in_(ids)))}
        evidence: dict[int, list[EvidenceFile]] = {ident: [] for ident in rows}
        for item in session.scalars(
            select(EvidenceFile).where(EvidenceFile.declaration_id.in_(list(rows)))
            .order_by(EvidenceFile.id)
        ):
            evidence[item.declaration_id].append(item)
        for ident in ids:
            history = histories.get(ident, ChainedHistory())
            row = rows.get(ident)
            if row is None:
                yield _missing(ident, history)
                continue
            checks = declaration_checks(row, history, evidence[ident], upload_root)
            failed = [check for check in checks if not check.passed]
            if failed:
                yield DeclarationBreak(ident, failed)
        checked += len(ids)
    yield checked
