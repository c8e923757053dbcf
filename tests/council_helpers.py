"""Two councils with a full set of records each (issue 17), for the isolation tests.

Every text a council's records carry holds its marker (`ZQXMARKER-A`, `ZQXMARKER-B`), so a test
can say "nothing of council B appears in anything council A's staff are shown" by searching
every response for B's marker, and prove it could have failed by finding A's marker where it
belongs. One supplier organisation is known to both councils (a contract from each).
"""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta
from decimal import Decimal

from flask import current_app

from supplier_dd.models import (
    Contract,
    Council,
    Invitation,
    Supplier,
    Tender,
    TransparencyStatement,
)
from supplier_dd.models.base import utcnow
from supplier_dd.models.risk import CorrectiveAction, ReviewQuery
from supplier_dd.models.tenancy import acting_for
from supplier_dd.reports.data import FinancialYear
from supplier_dd.reports.editions import default_edition
from supplier_dd.services import audit, exclusions
from supplier_dd.services.api_keys import create_key
from supplier_dd.services.cabinet_packs import PackRequest, generate, start_run
from supplier_dd.services.councils import create_council
from supplier_dd.services.import_batches import store_upload
from supplier_dd.services.programme import (
    EvidenceDetails,
    ReferralDetails,
    TrainingDetails,
    add_charter_evidence,
    add_referral,
    add_training_record,
)
from tests.admin_helpers import add_outbox_message
from tests.bulk_helpers import add_bulk_records
from tests.declaration_helpers import add_declaration_records
from tests.factories import make_supplier, make_user
from tests.feedback_helpers import add_feedback_records
from tests.import_files import csv_bytes, register_rows
from tests.programme_helpers import import_seed
from tests.risk_helpers import add_risk_records, add_verification_records
from tests.statement_helpers import add_statement_records

STAFF_ROLES = ("officer", "legal", "admin", "safeguarding")
SHARED_SUPPLIER = "Commonwealth Facilities Ltd"
NOW = datetime(2026, 11, 20, 9, 0)


def marker(tag: str) -> str:
    return f"ZQXMARKER-{tag}"


def staff_email(role: str, tag: str) -> str:
    return f"{role}.{tag.lower()}@council-{tag.lower()}.example"


def contact_email(tag: str) -> str:
    return f"contact.{tag.lower()}@supplier-{tag.lower()}.example"


SHARED_CONTACT = "contact@commonwealth.example"


def second_council(session) -> int:
    council = create_council(session, f"{marker('B')} District Council", utcnow(), audit.CLI,
                             short_name="zqx-b")
    session.flush()
    return council.id


def _contract(tag: str, supplier_id: int, number: int) -> Contract:
    return Contract(reference=f"{marker(tag)}-C{number}",
                    title=f"{marker(tag)} cleaning contract {number}",
                    category=f"{marker(tag)} cleaning", value=Decimal("125000"),
                    start_date=date(2025, 4, 1), end_date=date(2027, 3, 31),
                    supplier_id=supplier_id)


def seed_council(session, council_id: int, tag: str,
                 shared_supplier_id: int | None = None) -> dict:
    """Staff of every role, a supplier of its own with a contact, the shared supplier (made if
    not given), and every kind of council record, each text carrying the council's marker.
    Returns the ids the route matrix's URLs take, named as tests/web/test_route_matrix.py names
    them, plus this council's own."""
    mark = marker(tag)
    with acting_for(session, council_id):
        users = {role: make_user(session, role, email=staff_email(role, tag))
                 for role in STAFF_ROLES}
        for user in users.values():
            user.name = f"{mark} {user.role} person"
        own = make_supplier(session, name=f"{mark} Own Cleaning Ltd",
                            sector="Cleaning and security services")
        contact = make_user(session, "supplier", email=contact_email(tag), supplier=own)
        contact.name = f"{mark} supplier contact"
        if shared_supplier_id is None:
            shared = make_supplier(session, name=SHARED_SUPPLIER)
            make_user(session, "supplier", email=SHARED_CONTACT, supplier=shared)
            shared_supplier_id = shared.id
        session.add_all([_contract(tag, own.id, 1), _contract(tag, shared_supplier_id, 2)])
        session.flush()
        # Known to this council now, by its contract: the session may load it.
        shared_supplier = session.get(Supplier, shared_supplier_id)
        tender = Tender(reference=f"{mark}-T1", title=f"{mark} tender",
                        description=f"{mark} tender description", invited_suppliers=[own])
        session.add(tender)
        session.flush()
        declaration_ids = add_declaration_records(session, own)
        shared_declaration = add_declaration_records(session, shared_supplier)
        risk_ids = add_risk_records(session, own, users["officer"])
        shared_risk = add_risk_records(session, shared_supplier)
        for query_id in (risk_ids["risk_query"], shared_risk["risk_query"]):
            query = session.get(ReviewQuery, query_id)
            query.question_text, query.comment = f"{mark} fees?", f"{mark} please check"
            query.review.reason = f"{mark} internal review reason"
        for action_id in (risk_ids["risk_action"], shared_risk["risk_action"]):
            session.get(CorrectiveAction, action_id).title = f"{mark} check agencies"
        feedback_ids = add_feedback_records(session, own, risk_ids["risk_action"])
        outbox_message = add_outbox_message(session, key=f"isolation:{tag}")
        session.flush()
        verification_ids = add_verification_records(session, own)
        exclusions.record_decision(session, own.id, outcome="not_excluded",
                                   likely_to_recur=False, reasons=f"{mark} exclusion reasons",
                                   decided_on=date(2026, 11, 2), user=users["legal"], now=NOW)
        plan = import_seed(session, title=f"{mark} action plan")
        referral = add_referral(session, ReferralDetails(
            referred_on=date(2026, 3, 2), referral_type="nrm", service_area=f"{mark} Housing",
            outcome=f"{mark} outcome", notes=f"{mark} referral notes", supplier_id=own.id),
            users["safeguarding"], NOW)
        add_training_record(session, TrainingDetails(
            staff_group="procurement_team", course=f"{mark} training course", completed=5,
            total=10, recorded_on=date(2026, 6, 1), notes=f"{mark} training notes"),
            users["officer"], NOW)
        add_charter_evidence(session, EvidenceDetails(
            commitment=3, evidenced_on=date(2026, 6, 1),
            description=f"{mark} charter evidence", tender_id=tender.id), users["officer"], NOW)
        bulk_ids = add_bulk_records(session, own, confirm_key=tag * 64,
                                    created_by_name=f"{mark} campaigner")
        api_key, api_secret = create_key(session, f"{mark} API key", users["admin"], NOW,
                                      audit.CLI)
        settings = current_app.config["SUPPLIER_DD_SETTINGS"]
        register = csv_bytes(register_rows([{
            "title": f"{mark} imported contract",
            "supplier": f"{mark} Imported Supplier Ltd", "value": "1000",
            "ref": f"{mark}-IMP1", "start": "2025-04-01", "end": "2026-03-31"}]))
        batch = store_upload(session, kind="contracts", filename=f"{mark}-register.csv",
                             stream=io.BytesIO(register), upload_dir=settings.upload_dir,
                             max_bytes=10_000_000, uploaded_by=users["officer"], now=NOW)
        invitation = Invitation(
            email=f"waiting.{tag.lower()}@council-{tag.lower()}.example", name=f"{mark} invitee",
            role="officer", token_hash=(mark + "0" * 64)[:64], created_at=NOW,
            sent_at=NOW, expires_at=utcnow() + timedelta(days=6))
        session.add(invitation)
        audit.record(session, "isolation.marker", audit.CLI, NOW, object_type="supplier",
                     object_id=own.id, details={"note": f"{mark} audit entry"})
        statement_ids = add_statement_records(session, users["legal"], council_id)
        draft = session.get(TransparencyStatement, statement_ids["draft_statement"])
        draft.narratives = {**draft.narratives, "risk": f"{mark} statement paragraph"}
        session.flush()
        ids = {
            **statement_ids,
            **declaration_ids, **risk_ids, **feedback_ids, **verification_ids, **bulk_ids,
            "outbox_message": outbox_message,
            "other_supplier": own.id, "own_supplier": own.id, "tender": tender.id,
            "supplier_user": contact.id, "staff_user": users["officer"].id,
            "action_plan": plan.id, "plan_action": plan.priorities[0].actions[0].id,
            "referral": referral.id, "api_key": api_key.id, "api_secret": api_secret,
            "import_token": batch.token,
            "invitation": invitation.id, "shared_supplier": shared_supplier.id,
            "shared_declaration": shared_declaration["other_declaration"],
            "shared_evidence": shared_declaration["other_evidence"],
            "shared_request": shared_declaration["other_request"],
            "shared_query": shared_risk["risk_query"], "shared_action": shared_risk["risk_action"],
            "council": council_id,
        }
    return ids


def build_pack(session, council_id: int, tag: str) -> tuple[int, list[int]]:
    """The council's Cabinet pack for 2026/27, built as the background job builds it: its run
    id and its packs' ids (PDF, XLSX)."""
    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    with acting_for(session, council_id):
        year = FinancialYear.parse("2026/27")
        request = PackRequest(year, date(2026, 11, 20), f"{marker(tag)} pack author", "1.0",
                              None, default_edition(year))
        run = start_run(session, request, None, f"{marker(tag)} requester", NOW)
        packs = generate(session, run, upload_dir=settings.upload_dir,
                         council=session.get(Council, council_id).name, now=utcnow)
        session.flush()
        return run.id, [pack.id for pack in packs]


def council_name(session, council_id: int) -> str:
    return session.get(Council, council_id).name
