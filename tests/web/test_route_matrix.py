"""Every route, every role plus anonymous, the answer expected.

A new route fails `test_every_route_has_an_entry` until it is added here, so the matrix stays
complete. Ids in URLs point at *another* supplier's records, so a supplier role that got a 200 on
them would be an IDOR hole.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from supplier_dd.models import Contract, Council, ExclusionDecision, Tender, User
from tests.admin_helpers import add_outbox_message
from tests.bulk_helpers import add_bulk_records
from tests.declaration_helpers import add_declaration_records
from tests.factories import PASSWORD, make_supplier, make_user
from tests.feedback_helpers import add_feedback_records
from tests.helpers import any_csrf_token
from tests.programme_helpers import add_programme_records
from tests.risk_helpers import add_risk_records, add_verification_records
from tests.sso_helpers import configure, sso_email, sso_sign_in, start_provider

ROLES = ["anonymous", "supplier", "officer", "legal", "admin", "safeguarding", "consortium_admin"]


def expect(anonymous, supplier, officer, legal, admin, *, safeguarding=None,
           consortium_admin=None):
    """Safeguarding answers as legal unless given: both are staff outside procurement.

    A consortium admin (issue 17) holds none of a council's permissions: unless given, it
    answers as everyone signed in does where they all agree (public pages, its own account
    pages, signing out) and is refused (403) wherever the roles differ."""
    safeguarding = legal if safeguarding is None else safeguarding
    if consortium_admin is None:
        signed_in = {supplier, officer, legal, admin, safeguarding}
        consortium_admin = signed_in.pop() if len(signed_in) == 1 else 403
    answers = (anonymous, supplier, officer, legal, admin, safeguarding, consortium_admin)
    return dict(zip(ROLES, answers, strict=True))


PUBLIC = expect(200, 200, 200, 200, 200)
STAFF = expect(302, 403, 200, 200, 200)
PROCUREMENT = expect(302, 403, 200, 403, 200)
SUPPLIER_ONLY = expect(302, 200, 403, 403, 403)
ADMIN_ONLY = expect(302, 403, 403, 403, 200)
# Supplier routes given another supplier's ids: not found for a supplier, refused for staff.
OTHER_SUPPLIERS = expect(302, 404, 403, 403, 403)
# The council's programme records (issue 7): officers and safeguarding edit; referral entries
# are for safeguarding and admins only.
PROGRAMME_EDITORS = expect(302, 403, 200, 403, 200, safeguarding=200)
REFERRAL_ENTRIES = expect(302, 403, 403, 403, 200, safeguarding=200)
# The partnership's councils (issue 17): the consortium admin alone.
CONSORTIUM_ONLY = expect(302, 403, 403, 403, 403, safeguarding=403, consortium_admin=200)

# endpoint: (method, url, expected status by role). Signed-in people visiting /sign-in are sent
# home (302); everyone may sign out (302).
MATRIX: dict[str, tuple[str, str, dict]] = {
    # The council's programme records (issue 7).
    "programme.index": ("GET", "/programme/", STAFF),
    "programme.action_plans": ("GET", "/programme/action-plans", STAFF),
    "programme.import_action_plan": ("GET", "/programme/action-plans/import", PROGRAMME_EDITORS),
    "programme.action_plan": ("GET", "/programme/action-plans/{action_plan}", STAFF),
    # Officers and legal mark the council's current plan, the one the Cabinet pack reports.
    "programme.make_current_plan": ("POST", "/programme/action-plans/{action_plan}/current",
                                    expect(302, 403, 302, 302, 302, safeguarding=403)),
    "programme.action": ("GET", "/programme/actions/{plan_action}", STAFF),
    "programme.edit_action": ("GET", "/programme/actions/{plan_action}/edit", PROGRAMME_EDITORS),
    "programme.training": ("GET", "/programme/training", STAFF),
    "programme.new_training": ("GET", "/programme/training/new", PROGRAMME_EDITORS),
    "programme.referral_counts": ("GET", "/programme/referrals", STAFF),
    "programme.referrals": ("GET", "/programme/referrals/log", REFERRAL_ENTRIES),
    "programme.new_referral": ("GET", "/programme/referrals/log/new", REFERRAL_ENTRIES),
    "programme.edit_referral": (
        "GET", "/programme/referrals/log/{referral}/edit", REFERRAL_ENTRIES),
    "programme.charter": ("GET", "/programme/charter", STAFF),
    "programme.commitment_evidence": ("GET", "/programme/charter/3", STAFF),
    "programme.new_evidence": ("GET", "/programme/charter/3/evidence/new", PROGRAMME_EDITORS),
    # A partnership of councils (issue 17): the consortium admin's pages, counts only, and a
    # council's own settings for its admins.
    "consortium.index": ("GET", "/consortium", CONSORTIUM_ONLY),
    "consortium.new_council": ("GET", "/consortium/councils/new", CONSORTIUM_ONLY),
    "council_settings.edit": ("GET", "/admin/council", ADMIN_ONLY),
    # Single sign-on (issue 18). A council without a provider has no sign-in through one (404
    # for everyone); the signed-out page with no provider to sign out of sends you on (302).
    # The admin's page is the council's; adding a group with no name is 400, removing a group
    # that does not exist says so on the page it returns to (302).
    "single_sign_on.start": ("GET", "/sign-in/council/no-such-council", expect(
        404, 404, 404, 404, 404)),
    "single_sign_on.callback": ("GET", "/sign-in/council/no-such-council/callback", expect(
        404, 404, 404, 404, 404)),
    "single_sign_on.signed_out": ("GET", "/signed-out", expect(302, 302, 302, 302, 302)),
    "single_sign_on.settings": ("GET", "/admin/council/single-sign-on", ADMIN_ONLY),
    "single_sign_on.add_group": ("POST", "/admin/council/single-sign-on/groups",
                                 expect(302, 403, 403, 403, 400)),
    "single_sign_on.remove_group": ("POST", "/admin/council/single-sign-on/groups/999999/remove",
                                    expect(302, 403, 403, 403, 302)),
    "pages.index": ("GET", "/", expect(302, 302, 302, 302, 302)),
    "pages.accessibility": ("GET", "/accessibility", PUBLIC),
    "pages.health": ("GET", "/healthz", PUBLIC),
    "pages.keep_alive": ("GET", "/session/keep-alive", expect(302, 200, 200, 200, 200)),
    "auth.sign_in": ("GET", "/sign-in", expect(200, 302, 302, 302, 302)),
    "auth.sign_out": ("POST", "/sign-out", expect(302, 302, 302, 302, 302)),
    "account.notifications_page": (
        "GET", "/account/notifications", expect(302, 200, 200, 200, 200)),
    # Two-step sign-in and sessions (issue 18). The code pages need a password step first, so
    # without one everybody is sent to sign in; posting only the CSRF token changes nothing
    # for someone without a second step, and names no session of theirs.
    "two_factor.sign_in_code": ("GET", "/sign-in/code", expect(302, 302, 302, 302, 302)),
    "two_factor.sign_in_recovery_code": (
        "GET", "/sign-in/recovery-code", expect(302, 302, 302, 302, 302)),
    "two_factor.setup": ("GET", "/account/two-factor", expect(302, 200, 200, 200, 200)),
    "two_factor.new_recovery_codes": (
        "POST", "/account/two-factor/recovery-codes", expect(302, 302, 302, 302, 302)),
    "two_factor.turn_off": ("POST", "/account/two-factor/turn-off",
                            expect(302, 302, 302, 302, 302)),
    "account.sessions_page": ("GET", "/account/sessions", expect(302, 200, 200, 200, 200)),
    "account.end_session": ("POST", "/account/sessions/999999/end",
                            expect(302, 302, 302, 302, 302)),
    "account.end_other_sessions": ("POST", "/account/sessions/end-others",
                                   expect(302, 302, 302, 302, 302)),
    "account.sign_out_everywhere": ("POST", "/account/sessions/end-all",
                                    expect(302, 302, 302, 302, 302)),
    "admin.reset_two_factor": ("POST", "/admin/users/{supplier_user}/two-factor/reset",
                               expect(302, 403, 403, 403, 302)),
    "admin.end_user_sessions": ("POST", "/admin/users/{supplier_user}/sessions/end",
                                expect(302, 403, 403, 403, 302)),
    # Risk scoring and review (issue 4).
    "risk.dashboard": ("GET", "/officer/risk/", STAFF),
    "risk.export_csv": ("GET", "/officer/risk/export.csv", STAFF),
    "risk.export_xlsx": ("GET", "/officer/risk/export.xlsx", STAFF),
    "risk.overview": ("GET", "/officer/risk/overview", STAFF),
    "risk.kpis": ("GET", "/officer/risk/kpis", STAFF),  # council KPIs (issue 16)
    "risk.review": ("GET", "/officer/risk/suppliers/{other_supplier}/review", PROCUREMENT),
    "risk.new_action": ("GET", "/officer/risk/suppliers/{other_supplier}/actions/new", PROCUREMENT),
    # Verifying the evidence behind an answer (issue 16): officers only.
    "verification.verify": ("GET", "/officer/risk/suppliers/{other_supplier}/answers/"
                            "s54_has_statement/verify", PROCUREMENT),
    "verification.withdraw": ("GET", "/officer/risk/suppliers/{other_supplier}/verifications/"
                              "{answer_verification}/withdraw", PROCUREMENT),
    "risk.action": ("GET", "/officer/risk/actions/{risk_action}", STAFF),
    "corrective_actions.index": ("GET", "/officer/corrective-actions", STAFF),
    # Posting only the CSRF token: the form is re-shown with its errors (200).
    "risk.decide_action": ("POST", "/officer/risk/actions/{risk_action}/decision", PROCUREMENT),
    "risk.close_query": (
        "POST",
        "/officer/risk/queries/{risk_query}/close",
        expect(302, 403, 302, 403, 302),
    ),
    "supplier_risk.requests": ("GET", "/supplier/council-requests", SUPPLIER_ONLY),
    # Another supplier's query and action: not found for a supplier, refused for staff.
    "supplier_risk.query": (
        "GET",
        "/supplier/queries/{risk_query}",
        expect(302, 404, 403, 403, 403),
    ),
    "supplier_risk.action": (
        "GET",
        "/supplier/actions/{risk_action}",
        expect(302, 404, 403, 403, 403),
    ),
    # The supplier's feedback (issue 15): another supplier's declaration, action and file are
    # not found for a supplier; officers see responses and files, procurement makes actions.
    "supplier_feedback.feedback": ("GET", "/supplier/declarations/{other_declaration}/feedback",
                                   OTHER_SUPPLIERS),
    "supplier_feedback.respond": (
        "GET", "/supplier/declarations/{other_declaration}/feedback/pol_has_policy.no",
        OTHER_SUPPLIERS),
    "supplier_feedback.action_evidence": ("POST", "/supplier/actions/{risk_action}/evidence",
                                          OTHER_SUPPLIERS),
    "supplier_feedback.download": ("GET", "/supplier/evidence/{supplier_file}", OTHER_SUPPLIERS),
    "officer_feedback.responses": ("GET", "/officer/suppliers/{other_supplier}/feedback", STAFF),
    # No response to make an action from yet: not found for those who may make one.
    "officer_feedback.make_action": (
        "GET", "/officer/suppliers/{other_supplier}/feedback/pol_has_policy.no/action",
        expect(302, 403, 404, 403, 404)),
    "officer_feedback.download": ("GET", "/officer/supplier-evidence/{supplier_file}", STAFF),
    # Exclusion decisions (issue 16): legal and officers record them.
    "exclusions.decide": ("GET", "/officer/suppliers/{other_supplier}/exclusion-decision",
                          expect(302, 403, 200, 200, 200, safeguarding=403)),
    "exclusions.debarment_list": ("GET", "/officer/debarment-list",
                                  expect(302, 403, 200, 200, 200, safeguarding=403)),
    "auth.accept": ("GET", "/invitation/not-a-real-token", expect(404, 404, 404, 404, 404)),
    # Forgotten your password? (issue 21): public, and a made-up link is simply not found.
    "password_reset.forgotten": ("GET", "/forgotten-password", PUBLIC),
    "password_reset.sent": ("GET", "/forgotten-password/sent", PUBLIC),
    "password_reset.choose": ("GET", "/reset-password/not-a-real-token",
                              expect(404, 404, 404, 404, 404)),
    # Supplier declarations (issue 3). Ids are another supplier's: a supplier gets 404.
    "declarations.start": ("POST", "/supplier/requests/{other_request}/start", OTHER_SUPPLIERS),
    "declarations.overview": ("GET", "/supplier/declarations/{other_declaration}", OTHER_SUPPLIERS),
    "declarations.page": (
        "GET",
        "/supplier/declarations/{other_declaration}/sections/organisation/identity",
        OTHER_SUPPLIERS,
    ),
    "declarations.check": (
        "GET",
        "/supplier/declarations/{other_declaration}/check",
        OTHER_SUPPLIERS,
    ),
    "declarations.declare": (
        "GET",
        "/supplier/declarations/{other_declaration}/declare",
        OTHER_SUPPLIERS,
    ),
    "declarations.confirmation": (
        "GET",
        "/supplier/declarations/{other_declaration}/confirmation",
        OTHER_SUPPLIERS,
    ),
    "declarations.revise": (
        "POST",
        "/supplier/declarations/{other_declaration}/revise",
        OTHER_SUPPLIERS,
    ),
    "declarations.pdf": ("GET", "/supplier/declarations/{other_declaration}/pdf", OTHER_SUPPLIERS),
    "declarations.evidence": (
        "GET",
        "/supplier/declarations/{other_declaration}/evidence/{other_evidence}",
        OTHER_SUPPLIERS,
    ),
    "officer_declarations.index": ("GET", "/officer/declarations", STAFF),
    "officer_declarations.view": ("GET", "/officer/declarations/{other_declaration}", STAFF),
    "officer_declarations.pdf": ("GET", "/officer/declarations/{other_declaration}/pdf", STAFF),
    # Tamper evidence (issue 10): officers and legal check a declaration against what was signed.
    "officer_declarations.verify": (
        "GET",
        "/officer/declarations/{other_declaration}/verify",
        STAFF,
    ),
    "officer_declarations.evidence": (
        "GET",
        "/officer/declarations/{other_declaration}/evidence/{other_evidence}",
        STAFF,
    ),
    "officer_declarations.request_for_tender": (
        "GET",
        "/officer/tenders/{tender}/request-declarations",
        PROCUREMENT,
    ),
    "officer_declarations.request_for_supplier": (
        "GET",
        "/officer/suppliers/{other_supplier}/request-declaration",
        PROCUREMENT,
    ),
    # Requests in bulk by rule (issue 15): procurement only.
    "bulk_requests.index": ("GET", "/officer/declarations/bulk/", PROCUREMENT),
    "bulk_requests.new": ("GET", "/officer/declarations/bulk/new", PROCUREMENT),
    "bulk_requests.preview": ("GET", "/officer/declarations/bulk/preview?{bulk_rule}",
                              PROCUREMENT),
    "bulk_requests.confirm": ("GET", "/officer/declarations/bulk/confirm?{bulk_rule}",
                              PROCUREMENT),
    "bulk_requests.campaign": ("GET", "/officer/declarations/bulk/{bulk_campaign}", PROCUREMENT),
    "bulk_requests.engagement": (
        "GET", "/officer/declarations/bulk/{bulk_campaign}/engagement", PROCUREMENT),
    "officer.suppliers": ("GET", "/officer/suppliers", STAFF),
    "officer.new_supplier": ("GET", "/officer/suppliers/new", PROCUREMENT),
    "officer.supplier": ("GET", "/officer/suppliers/{other_supplier}", STAFF),
    "officer.edit_supplier": ("GET", "/officer/suppliers/{other_supplier}/edit", PROCUREMENT),
    "officer.invite_contact": ("GET", "/officer/suppliers/{other_supplier}/invite", PROCUREMENT),
    "officer.contracts": ("GET", "/officer/contracts", STAFF),
    "officer.export_contracts_csv": ("GET", "/officer/contracts/export.csv", STAFF),
    "officer.export_contracts_xlsx": ("GET", "/officer/contracts/export.xlsx", STAFF),
    # Tenders (issue 15): every member of staff reads them; procurement (officers, admins)
    # creates, changes, adds bidders, awards and closes. Posting only the CSRF token to add an
    # existing bidder names no supplier: the tender page says so (302).
    "tenders.index": ("GET", "/officer/tenders", STAFF),
    "tenders.show": ("GET", "/officer/tenders/{tender}", STAFF),
    "tenders.new": ("GET", "/officer/tenders/new", PROCUREMENT),
    "tenders.edit": ("GET", "/officer/tenders/{tender}/edit", PROCUREMENT),
    "tenders.bidders": ("GET", "/officer/tenders/{tender}/bidders", PROCUREMENT),
    "tenders.add_existing_bidder": (
        "POST",
        "/officer/tenders/{tender}/bidders/existing",
        expect(302, 403, 302, 403, 302),
    ),
    "tenders.remove_bidder": (
        "GET",
        "/officer/tenders/{tender}/bidders/{other_supplier}/remove",
        PROCUREMENT,
    ),
    "tenders.award": ("GET", "/officer/tenders/{tender}/award", PROCUREMENT),
    "tenders.close": ("GET", "/officer/tenders/{tender}/close", PROCUREMENT),
    "supplier.home": ("GET", "/supplier/", SUPPLIER_ONLY),
    # Tell us once across councils (issue 17): sharing another supplier's request is not found;
    # stopping sharing with a council the supplier does not share with is not found either.
    "sharing.share": ("GET", "/supplier/requests/{other_request}/share", OTHER_SUPPLIERS),
    "sharing.councils": ("GET", "/supplier/councils", SUPPLIER_ONLY),
    "sharing.stop_sharing": ("GET", "/supplier/councils/1/stop-sharing", OTHER_SUPPLIERS),
    "admin.users": ("GET", "/admin/users", ADMIN_ONLY),
    # API keys for the tender API (issue 15): admins only. Revoking a key that does not
    # exist is 404 for admins; everyone else is refused before the lookup.
    "api_keys.index": ("GET", "/admin/api-keys", ADMIN_ONLY),
    "api_keys.revoke": ("GET", "/admin/api-keys/999999/revoke", expect(302, 403, 403, 403, 404)),
    # The tender API answers only an API key, never a browser session: 401 for everyone here.
    "api.create_tender": ("POST", "/api/v1/tenders", expect(401, 401, 401, 401, 401)),
    "api.tender": ("GET", "/api/v1/tenders/T-1", expect(401, 401, 401, 401, 401)),
    "admin.audit_log": ("GET", "/admin/audit", ADMIN_ONLY),
    # Unlocking your own (unlocked) account is harmless; the point is who may reach it at all.
    "admin.unlock_user": (
        "POST",
        "/admin/users/{supplier_user}/unlock",
        expect(302, 403, 403, 403, 302),
    ),
    "admin.audit_export": ("GET", "/admin/audit/export.csv", ADMIN_ONLY),
    # The council's own Cabinet pack targets (issue 16, edition 2).
    "pack_targets.edit": ("GET", "/admin/pack-targets", ADMIN_ONLY),
    # Role changes and deactivation (issue 10). Posting only the CSRF token names no change:
    # admins get 400 and nothing changes; everyone else is refused before the lookup.
    "admin.user": ("GET", "/admin/users/{supplier_user}", ADMIN_ONLY),
    "admin.set_user_active": (
        "POST",
        "/admin/users/{supplier_user}/active",
        expect(302, 403, 403, 403, 400),
    ),
    # Staff accounts by invitation (issue 21). Resending with only the CSRF token names no send
    # count: admins get 400; no such invitation to withdraw: 404.
    "admin.new_staff_account": ("GET", "/admin/users/new", ADMIN_ONLY),
    "admin.invitations": ("GET", "/admin/invitations", ADMIN_ONLY),
    "admin.resend_invitation": (
        "POST", "/admin/invitations/999999/resend", expect(302, 403, 403, 403, 400)),
    "admin.withdraw_invitation": (
        "POST", "/admin/invitations/999999/withdraw", expect(302, 403, 403, 403, 404)),
    # One outbox message and its HTML part, for the sandboxed frame on its page (issue 21).
    "admin.outbox_message": ("GET", "/admin/outbox/{outbox_message}", ADMIN_ONLY),
    "admin.outbox_message_html": (
        "GET", "/admin/outbox/{outbox_message}/email.html", ADMIN_ONLY),
    "reminders.history": ("GET", "/officer/suppliers/{other_supplier}/reminders", STAFF),
    "reminders.contract_event": (
        "GET",
        "/officer/suppliers/{other_supplier}/contract-event",
        PROCUREMENT,
    ),
    "reminders.outbox": ("GET", "/admin/outbox", ADMIN_ONLY),
    # No such message: admins get 404; everyone else is refused before the lookup.
    "reminders.retry_message": (
        "POST",
        "/admin/outbox/999999/retry",
        expect(302, 403, 403, 403, 404),
    ),
    # The annual Cabinet evidence pack (issue 8): legal and admin generate; officers, legal and
    # admin read. No such run or pack: readers get 404; everyone else is refused before lookup.
    "reports.cabinet_packs": (
        "GET",
        "/reports/cabinet",
        expect(302, 403, 200, 200, 200, safeguarding=403),
    ),
    "reports.new_cabinet_pack": (
        "GET",
        "/reports/cabinet/new",
        expect(302, 403, 403, 200, 200, safeguarding=403),
    ),
    # The covering report for committee services (issue 19): a form, then the Word document.
    "reports.covering_report": (
        "GET",
        "/reports/cabinet/covering-report",
        expect(302, 403, 403, 200, 200, safeguarding=403),
    ),
    "reports.cabinet_run": (
        "GET",
        "/reports/cabinet/runs/999999",
        expect(302, 403, 404, 404, 404, safeguarding=403),
    ),
    # What the progress page's script asks for (issue 23), answered as the page is.
    "reports.cabinet_run_status": (
        "GET",
        "/reports/cabinet/runs/999999/status",
        expect(302, 403, 404, 404, 404, safeguarding=403),
    ),
    "reports.download_cabinet_pack": (
        "GET",
        "/reports/cabinet/packs/999999",
        expect(302, 403, 404, 404, 404, safeguarding=403),
    ),
    # The run's accessible editions (issue 19): its web page and the tagged PDF made from it,
    # for those who read the run.
    **{f"reports.{name}": ("GET", f"/reports/cabinet/runs/999999/{suffix}",
                           expect(302, 403, 404, 404, 404, safeguarding=403))
       for name, suffix in (("cabinet_run_html", "html"),
                            ("cabinet_run_accessible_pdf", "accessible.pdf"))},
    # The council's Transparency Statement (issue 19): officers, legal and admins draft and
    # write it; legal and admins approve and publish it. No such statement: 404 for those who
    # may act on one; everyone else is refused before the lookup. A published statement is for
    # anyone: none for a council that does not exist.
    "statements.index": ("GET", "/reports/statements",
                         expect(302, 403, 200, 200, 200, safeguarding=403)),
    **{f"statements.{name}": (method, f"/reports/statements/999999{suffix}",
                              expect(302, 403, 404, 404, 404, safeguarding=403))
       for name, method, suffix in (("view", "GET", ""), ("edit", "GET", "/edit"),
                                    ("refresh", "POST", "/refresh"),
                                    ("submit", "POST", "/submit"),
                                    ("new_version", "POST", "/new-version"),
                                    ("pdf", "GET", "/statement.pdf"))},
    **{f"statements.{name}": (method, f"/reports/statements/999999{suffix}",
                              expect(302, 403, 403, 404, 404, safeguarding=403))
       for name, method, suffix in (("approve", "GET", "/approve"),
                                    ("send_back", "GET", "/return"),
                                    ("publish", "POST", "/publish"))},
    "statements.published": ("GET", "/statements/no-such-council/2025-26",
                             expect(404, 404, 404, 404, 404)),
    "statements.published_version": ("GET", "/statements/no-such-council/2025-26/v1",
                                     expect(404, 404, 404, 404, 404)),
    "statements.published_pdf": ("GET", "/statements/no-such-council/2025-26/v1.pdf",
                                 expect(404, 404, 404, 404, 404)),
    "statements.published_pack": ("GET",
                                  "/statements/no-such-council/2025-26/v1/evidence-pack",
                                  expect(404, 404, 404, 404, 404)),
    "imports.index": ("GET", "/imports", PROCUREMENT),
    "imports.upload_contracts": ("GET", "/imports/contracts", PROCUREMENT),
    "imports.upload_registry": ("GET", "/imports/registry", ADMIN_ONLY),
    "imports.upload_tenders": ("GET", "/imports/tenders", PROCUREMENT),
    # No such upload: importers get 404; everyone else is refused before the lookup.
    "imports.show": ("GET", "/imports/not-a-real-token", expect(302, 403, 404, 403, 404)),
    "imports.confirm": (
        "POST",
        "/imports/not-a-real-token/confirm",
        expect(302, 403, 404, 403, 404),
    ),
    "imports.discard": (
        "POST",
        "/imports/not-a-real-token/discard",
        expect(302, 403, 404, 403, 404),
    ),
}


@pytest.fixture
def world(session):
    """Accounts for every role, and records that belong to a supplier other than the user's."""
    own = make_supplier(session, name="Own Organisation Ltd")
    other = make_supplier(session, name="Other Organisation Ltd")
    for role in ("officer", "legal", "admin", "safeguarding", "consortium_admin"):
        make_user(session, role, email=f"{role}@example.org")
    supplier_user = make_user(session, "supplier", email="supplier@example.org", supplier=own)
    contract = Contract(
        reference="C-OTHER-1",
        title="Other's contract",
        value=Decimal("1000"),
        start_date=date(2025, 1, 1),
        end_date=date(2026, 1, 1),
        supplier=other,
    )
    tender = Tender(reference="T-1", title="A tender", invited_suppliers=[other])
    session.add_all([contract, tender])
    session.commit()
    risk_ids = add_risk_records(session, other)
    session.commit()
    programme_ids = add_programme_records(session)
    session.commit()
    declaration_ids = add_declaration_records(session, other)
    session.commit()
    outbox_message = add_outbox_message(session)
    session.commit()
    feedback_ids = add_feedback_records(session, other, risk_ids["risk_action"])
    session.commit()
    bulk_ids = add_bulk_records(session, other, own)
    session.commit()
    session.add(ExclusionDecision(supplier_id=other.id, outcome="not_excluded", grounds=[],
                                  likely_to_recur=False, reasons="No ground reported",
                                  decided_on=date(2026, 11, 2)))
    session.commit()
    verification_ids = add_verification_records(session, other)
    session.commit()
    return {
        **verification_ids,
        "other_supplier": other.id,
        "own_supplier": own.id,
        "contract": contract.id,
        "supplier_user": supplier_user.id,
        "tender": tender.id,
        "outbox_message": outbox_message,
        **risk_ids,
        **programme_ids,
        **declaration_ids,
        **feedback_ids,
        **bulk_ids,
    }


def test_every_route_has_an_entry(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    missing = sorted(endpoints - set(MATRIX))
    assert not missing, f"routes missing from the role matrix: {missing}"
    stale = sorted(set(MATRIX) - endpoints)
    assert not stale, f"matrix entries for routes that no longer exist: {stale}"


def route_failures(client, world, role) -> list[str]:
    token = None
    failures = []
    for endpoint, (method, url, expected) in MATRIX.items():
        if endpoint in SIGNS_OUT:
            continue  # signing out mid-loop would end the session; tested below
        path = url.format(**world)
        if method == "GET":
            response = client.get(path)
        else:
            token = token or any_csrf_token(client)
            response = client.post(path, data={"csrf_token": token})
        if response.status_code != expected[role]:
            failures.append(f"{method} {path}: {response.status_code}, expected {expected[role]}")
    return failures


@pytest.mark.parametrize("role", ROLES)
def test_route_answers_by_role(app, client, world, role):
    if role != "anonymous":
        client.sign_in(f"{role}@example.org", PASSWORD)
    failures = route_failures(client, world, role)
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("role", ["officer", "legal", "safeguarding", "admin"])
def test_accounts_made_by_single_sign_on_answer_as_their_role(client, session, world, role,
                                                              tmp_path):
    """An account made at first sign-in through the council's provider (issue 18) is the role
    its group gives, no more: every route answers it as it answers a password account."""
    council = session.get(Council, 1)
    provider = start_provider(tmp_path, [council.short_name], [""])
    try:
        configure(session, council, provider, datetime(2026, 12, 4, 9, 0))
        session.commit()
        sso_sign_in(client, council.short_name, role)
        assert session.scalar(select(User.sso_subject).where(User.email == sso_email(role)))
        failures = route_failures(client, world, role)
    finally:
        provider.stop()
    assert not failures, "\n".join(failures)


# Routes that end the session they are called from: not in the loop, each tested below.
SIGNS_OUT = {"auth.sign_out": "/sign-out",
             "account.sign_out_everywhere": "/account/sessions/end-all"}


@pytest.mark.parametrize("endpoint", sorted(SIGNS_OUT))
@pytest.mark.parametrize("role", ROLES)
def test_sign_out_answers_by_role(client, world, role, endpoint):
    if role != "anonymous":
        client.sign_in(f"{role}@example.org", PASSWORD)
    token = any_csrf_token(client)
    response = client.post(SIGNS_OUT[endpoint], data={"csrf_token": token})
    assert response.status_code == MATRIX[endpoint][2][role]
    assert client.get("/officer/suppliers").status_code == 302
