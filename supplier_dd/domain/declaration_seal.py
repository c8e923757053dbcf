"""What a declaration's seal holds, and how a declaration as stored now differs from it.

The seal is written into the hash-chained audit log when a declaration is submitted. Version 2
(issue 22) seals every field a reader relies on: whose declaration it is (supplier, request,
questionnaire), who submitted it from where and when, the signatory, the answers hash, its
status and the evidence files' hashes. Version 1 seals (written before) hold the answers hash,
signatory, time, submitting account and evidence; their supplier, request and the declaration
they replace are read from the same entry's details, and the submitted IP was not sealed.

Its later life is in the chain too: being superseded is its own chained event, so the status a
declaration should have now is what the chain says, not what its row says.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from supplier_dd.domain.audit_chain import canonical_json, sha256_hex

SEAL_VERSION = 2
SUBMITTED = "submitted"
SUPERSEDED = "superseded"

_V1_KEYS = ("answers_sha256", "signatory_name", "signatory_role", "submitted_at",
            "submitted_by_id", "evidence")

# (field, label) per check; values of the SHOWN fields are printed, the others are only named.
SIGNATORY_FIELDS = (("signatory_name", "name"), ("signatory_role", "role"),
                    ("submitted_at", "submission time"),
                    ("submitted_by_id", "submitting account"))
SUBMISSION_FIELDS = (("supplier_id", "supplier"), ("request_id", "request"),
                     ("questionnaire_id", "questionnaire"),
                     ("questionnaire_version", "questionnaire version"),
                     ("submitted_ip", "submitted IP"), ("supersedes_id", "declaration it replaces"))
_SHOWN = {key for key, _label in SUBMISSION_FIELDS} | {"submitted_by_id"}

_SEALED_KEYS = ("answers_sha256", "signatory_name", "signatory_role", "submitted_at",
                "submitted_by_id", "submitted_ip", "supplier_id", "request_id",
                "questionnaire_id", "questionnaire_version", "supersedes_id", "evidence")


def seal_content(facts: Mapping) -> dict:
    """The seal of a declaration being submitted, from its facts as plain values."""
    return {"seal_version": SEAL_VERSION, "status": SUBMITTED,
            **{key: facts.get(key) for key in _SEALED_KEYS}}


def seal_digest(content: Mapping) -> str:
    """The seal's own SHA-256, over the keys its version seals."""
    if content.get("seal_version", 1) == 1:
        covered = {key: content.get(key) for key in _V1_KEYS}
    else:
        covered = {key: value for key, value in content.items() if key != "seal_sha256"}
    return sha256_hex(canonical_json(covered))


def as_sealed(seal: Mapping, details: Mapping | None) -> dict:
    """A seal with what a version 1 entry kept beside it (in its details) filled in."""
    if seal.get("seal_version", 1) != 1:
        return dict(seal)
    details = details or {}
    kept = {"supplier_id": "supplier_id", "request_id": "request_id", "supersedes_id": "supersedes"}
    extra = {key: details[name] for key, name in kept.items() if name in details}
    return {**extra, **seal}


def differences(sealed: Mapping, current: Mapping,
                fields: Sequence[tuple[str, str]]) -> list[str]:
    """Labels of the sealed fields the declaration no longer has, with both values where they
    are ids or addresses. Fields a seal does not hold (older versions) are not compared."""
    found = []
    for key, label in fields:
        if key not in sealed or sealed[key] == current.get(key):
            continue
        if key in _SHOWN:
            found.append(f"{label} (sealed {_shown(sealed[key])}, now {_shown(current.get(key))})")
        else:
            found.append(label)
    return found


def _shown(value) -> str:
    return "none" if value is None else str(value)


def status_problem(current_status: str, current_superseded_at: str | None,
                   superseded: Mapping | None, superseded_sequence: int | None) -> str | None:
    """Why the declaration's status disagrees with its chained history, or None.

    `superseded` is the `after` of the chained 'declaration.superseded' entry, if any."""
    expected = SUPERSEDED if superseded is not None else SUBMITTED
    if current_status != expected:
        where = (f"superseded at audit entry {superseded_sequence}" if superseded is not None
                 else "submitted and never superseded")
        return f"the declaration is now {current_status}; the audit log records it {where}"
    sealed_at = (superseded or {}).get("superseded_at")
    if sealed_at is not None and sealed_at != current_superseded_at:
        return (f"superseded time changed (recorded {sealed_at}, now "
                f"{_shown(current_superseded_at)})")
    return None
