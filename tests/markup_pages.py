"""Records behind the five pages that once showed their own HTML as text (issue 15), built
through the same services as the web journey, and the role that sees each page.

The evidence file's name holds an ampersand on purpose: the page must show it once, escaped
once in the HTML (`&amp;`), never as `&amp;amp;`.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from flask import current_app

from supplier_dd.demo.declarations import demo_answers
from supplier_dd.domain.questionnaire import current_version
from supplier_dd.models import CabinetPackRun
from supplier_dd.models.base import utcnow
from supplier_dd.services import declarations as service
from supplier_dd.services.evidence import EvidenceStore, add_evidence
from tests.declaration_helpers import PDF_BYTES
from tests.factories import make_supplier, make_user

EVIDENCE_FILENAME = "Statement & policy.pdf"
PACK_CHECKSUM = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SUPPLIER_EMAIL = "jane@acme.example"
STAFF_ROLES = ("officer", "legal", "admin", "safeguarding")
STAFF_EMAILS = tuple(f"{role}@example.org" for role in STAFF_ROLES)
# Safeguarding staff do not read Cabinet packs.
PACK_READER_EMAILS = STAFF_EMAILS[:3]


def _submit(session, store, draft, contact, now) -> None:
    draft.answers = {**demo_answers(draft.supplier, "acme", "good", now.date()),
                     **{k: v for k, v in (draft.answers or {}).items()
                        if k == "s54_statement_file"}}
    session.flush()
    if not draft.evidence:
        add_evidence(session, store, current_version("modern_slavery"), draft,
                     "s54_statement_file", EVIDENCE_FILENAME, PDF_BYTES, contact, now,
                     10 * 1024 * 1024)
    service.submit(session, draft, signatory_name="Jane Smith", signatory_role="Director",
                   confirms_true=True, confirms_authority=True, ip="198.51.100.7", user=contact,
                   now=now)


def add_markup_pages(session) -> dict:
    """A supplier with a first declaration replaced by a second (both with evidence), a third
    version in draft whose answers are copied, and a finished Cabinet pack run."""
    supplier = make_supplier(session, name="Acme Facilities Ltd", turnover_band="under-36m")
    contact = make_user(session, "supplier", email=SUPPLIER_EMAIL, supplier=supplier)
    officer, *_others = [make_user(session, role, email=email)
                         for role, email in zip(STAFF_ROLES, STAFF_EMAILS, strict=True)]
    session.commit()
    store = EvidenceStore(Path(current_app.config["SUPPLIER_DD_SETTINGS"].upload_dir))
    now = utcnow()
    request, _created = service.request_for_supplier(
        session, supplier, now.date() + timedelta(days=30), officer, now)
    first = service.start_or_resume(session, store, request, contact, now)
    _submit(session, store, first, contact, now)
    session.commit()
    second = service.revise(session, store, first, contact, now)
    _submit(session, store, second, contact, now)
    session.commit()
    draft = service.revise(session, store, second, contact, now)
    session.commit()
    run = CabinetPackRun(financial_year="2024/25", cover_date=date(2025, 5, 20), version="1.0",
                         author="Head of Legal", status="done", step="Done",
                         data_checksum=PACK_CHECKSUM, requested_by_name="Helen Legal",
                         requested_at=now, finished_at=now)
    session.add(run)
    session.commit()
    assert draft.review_question_ids, "a revision marks its copied answers for review"
    return {
        "first": first.id, "second": second.id, "draft": draft.id, "run": run.id,
        "evidence": [item.id for item in second.evidence],
    }


def markup_page_urls(ids: dict) -> dict[str, tuple[tuple[str, ...], str]]:
    """Each page's name: (the emails of every role that sees it, its URL)."""
    supplier = (SUPPLIER_EMAIL,)
    return {
        "confirmation": (supplier, f"/supplier/declarations/{ids['second']}/confirmation"),
        "fingerprint and evidence links": (
            STAFF_EMAILS, f"/officer/declarations/{ids['second']}"),
        "replaced declaration": (STAFF_EMAILS, f"/officer/declarations/{ids['first']}"),
        "supplier's own declaration": (supplier, f"/supplier/declarations/{ids['second']}"),
        "copied answers": (supplier, f"/supplier/declarations/{ids['draft']}/check"),
        "pack run": (PACK_READER_EMAILS, f"/reports/cabinet/runs/{ids['run']}"),
    }
