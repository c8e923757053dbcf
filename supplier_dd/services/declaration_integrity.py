"""Checking a submitted declaration against what was signed.

The stored `answers_sha256` covers the canonical answers (file answers included, with each file's
SHA-256). It does not cover who signed or the evidence rows, so at submission the declarations
service also writes a *seal* into the hash-chained audit log: the answers hash, the signatory,
the submission time and every evidence file's SHA-256. A declaration is intact when

- its canonical answers still hash to `answers_sha256`, and its working copy still gives them;
- the seal in the audit log still says the same answers hash, signatory and time;
- its evidence rows are the ones sealed, and the files on disk still hash to what was sealed.

Changing any of these with direct database access shows here and in `supplier-dd audit verify`;
changing the seal itself breaks the audit chain.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from supplier_dd.domain.audit_chain import canonical_json as audit_json
from supplier_dd.domain.audit_chain import sha256_hex
from supplier_dd.domain.questionnaire import canonical_json, load_questionnaire
from supplier_dd.models import AuditEntry, Declaration, EvidenceFile
from supplier_dd.models.declaration import STATUS_DRAFT
from supplier_dd.services.evidence import EvidenceStore

SUBMITTED_ACTION = "declaration.submitted"


def _evidence_rows(session: Session, declaration_id: int) -> list[EvidenceFile]:
    return list(session.scalars(
        select(EvidenceFile).where(EvidenceFile.declaration_id == declaration_id)
        .order_by(EvidenceFile.id)
    ))


def _evidence_facts(rows: list[EvidenceFile]) -> list[dict]:
    return [{"id": row.id, "question_id": row.question_id, "sha256": row.sha256,
             "size_bytes": row.size_bytes} for row in rows]


def _seal_content(declaration: Declaration, evidence: list[dict]) -> dict:
    submitted_at = declaration.submitted_at
    return {
        "answers_sha256": declaration.answers_sha256,
        "signatory_name": declaration.signatory_name,
        "signatory_role": declaration.signatory_role,
        "submitted_at": submitted_at.isoformat() if submitted_at is not None else None,
        "submitted_by_id": declaration.submitted_by_id,
        "evidence": evidence,
    }


def seal_hash(content: dict) -> str:
    return sha256_hex(audit_json({key: content.get(key) for key in (
        "answers_sha256", "signatory_name", "signatory_role", "submitted_at", "submitted_by_id",
        "evidence")}))


def seal_of(session: Session, declaration: Declaration) -> dict:
    """What the audit log keeps about a declaration as it is submitted."""
    content = _seal_content(declaration, _evidence_facts(_evidence_rows(session,
                                                                        declaration.id)))
    return {**content, "seal_sha256": seal_hash(content)}


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


def declaration_checks(declaration: Declaration, seal: dict | None,
                       evidence: list[EvidenceFile], upload_root: Path | None) -> list[Check]:
    """Each check of a submitted declaration, passed or failed, in the order shown to people."""
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
                                           declaration.questionnaire_version)
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
        sealed = {}
    else:
        intact = seal_hash(seal) == seal.get("seal_sha256")
        matches = seal.get("answers_sha256") == declaration.answers_sha256
        checks.append(Check(
            "Sealed in the audit log at submission", intact and matches,
            "the audit log holds the same answers hash" if intact and matches
            else "the audit log's seal does not match its own hash" if not intact
            else f"the audit log sealed answers hash {seal.get('answers_sha256')}, "
                 f"not {declaration.answers_sha256}",
        ))
        sealed = seal
    current = _seal_content(declaration, _evidence_facts(evidence))
    if sealed:
        differing = [label for key, label in (
            ("signatory_name", "name"), ("signatory_role", "role"),
            ("submitted_at", "submission time"), ("submitted_by_id", "submitting account"),
        ) if sealed.get(key) != current[key]]
        checks.append(Check(
            "Signatory as signed", not differing,
            f"{declaration.signatory_name}, {declaration.signatory_role}" if not differing
            else "changed since submission: " + ", ".join(differing),
        ))
        same_rows = sealed.get("evidence") == current["evidence"]
        checks.append(Check(
            "Evidence records as signed", same_rows,
            f"{len(evidence)} file{'' if len(evidence) == 1 else 's'} recorded" if same_rows
            else "the evidence records differ from those sealed at submission",
        ))
    named = _file_answers(canonical)
    by_id = {row.id: row.sha256 for row in evidence}
    checks.append(Check(
        "Evidence named in the answers", named == by_id,
        "every file in the answers has its record" if named == by_id
        else "the files named in the answers differ from the evidence records",
    ))
    if upload_root is not None:
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
        checks.append(Check(
            "Evidence files unchanged", not broken,
            "every file still has its SHA-256" if not broken else "; ".join(broken),
        ))
    return checks


def seals(session: Session, declaration_ids: list[int] | None = None) -> dict[int, dict]:
    """Submission seals from the audit log, by declaration id (the latest if written twice)."""
    statement = select(AuditEntry.object_id, AuditEntry.after).where(
        AuditEntry.action == SUBMITTED_ACTION, AuditEntry.object_type == "declaration"
    ).order_by(AuditEntry.sequence)
    if declaration_ids is not None:
        statement = statement.where(AuditEntry.object_id.in_([str(i) for i in declaration_ids]))
    found = {}
    for object_id, after in session.execute(statement):
        if object_id and object_id.isdigit() and isinstance(after, dict):
            found[int(object_id)] = after
    return found


def check_declaration(session: Session, declaration: Declaration,
                      upload_root: Path | None) -> list[Check]:
    seal = seals(session, [declaration.id]).get(declaration.id)
    return declaration_checks(declaration, seal, _evidence_rows(session, declaration.id),
                              upload_root)


@dataclass(frozen=True)
class DeclarationBreak:
    declaration_id: int
    failed: list[Check]


def verify_all(session: Session, upload_root: Path | None,
               batch: int = 500) -> Iterator[DeclarationBreak | int]:
    """Walk every submitted (or superseded) declaration in id order. Yields a break for each one
    that fails, and the number checked at the end."""
    all_seals = seals(session)
    last, checked = 0, 0
    while True:
        rows = session.scalars(
            select(Declaration).where(Declaration.id > last, Declaration.status != STATUS_DRAFT)
            .order_by(Declaration.id).limit(batch)
        ).all()
        if not rows:
            break
        evidence: dict[int, list[EvidenceFile]] = {row.id: [] for row in rows}
        for item in session.scalars(
            select(EvidenceFile).where(EvidenceFile.declaration_id.in_(list(evidence)))
            .order_by(EvidenceFile.id)
        ):
            evidence[item.declaration_id].append(item)
        for row in rows:
            checks = declaration_checks(row, all_seals.get(row.id), evidence[row.id],
                                        upload_root)
            failed = [check for check in checks if not check.passed]
            if failed:
                yield DeclarationBreak(row.id, failed)
        checked += len(rows)
        last = rows[-1].id
    yield checked
