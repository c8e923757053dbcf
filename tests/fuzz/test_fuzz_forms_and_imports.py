"""Hostile input on every form and every CLI import: never a 5xx, never a partial write.

Forms are found, not listed: every GET route in the role matrix is visited as each role, and
every form on every page that role can reach is filled with hypothesis-generated values (long
strings, unicode, control characters, SQL and HTML fragments, huge numbers, bad dates, random
files). A POST route no role reaches must say why below, so a new form cannot slip past.

Imports: `supplier-dd import contracts|registry|tenders|action-plan` with generated files. A
refused import must leave every table's row count as it was.

Example counts are modest; `make soak` (SUPPLIER_DD_SOAK=1) runs many more.
"""

from __future__ import annotations

import io
import os
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.exceptions import MethodNotAllowed, NotFound

from supplier_dd.demo.declarations import demo_answers
from supplier_dd.extensions import db
from supplier_dd.models import Contract, Tender
from supplier_dd.models.base import utcnow
from supplier_dd.models.risk import CorrectiveAction
from supplier_dd.services import api_keys, audit, password_resets
from supplier_dd.services import declarations as declaration_service
from supplier_dd.services.invitations import create_invitation
from tests.admin_helpers import add_outbox_message
from tests.bulk_helpers import add_bulk_records
from tests.declaration_helpers import add_declaration_records, make_request
from tests.factories import PASSWORD, make_supplier, make_user
from tests.feedback_helpers import add_crawl_feedback, add_feedback_records, crawl_feedback_pages
from tests.import_files import LGTC_HEADERS, REGISTRY_HEADERS, csv_bytes, registry_row
from tests.programme_helpers import NHDC_PLAN, add_programme_records
from tests.risk_helpers import add_risk_records, add_verification_records
from tests.statement_helpers import add_statement_records
from tests.web.test_route_matrix import MATRIX

pytestmark = pytest.mark.fuzz

SOAK = os.environ.get("SUPPLIER_DD_SOAK", "") not in ("", "0")
FORM_EXAMPLES = 60 if SOAK else 4
IMPORT_EXAMPLES = 200 if SOAK else 12
SETTINGS = dict(deadline=None, database=None, derandomize=not SOAK,
                suppress_health_check=list(HealthCheck))

# POST routes no form reaches in the fuzz world, and why that is safe to leave to other tests.
NOT_FUZZED = {
    "auth.sign_out": "ends the session under test; tests/web/test_security.py covers it",
    "imports.confirm": "its form appears only after a valid upload's preview; "
                       "tests/web/test_imports_web.py posts it",
    "imports.discard": "its form appears only after a valid upload's preview; "
                       "tests/web/test_imports_web.py posts it",
    "reminders.retry_message": "its form appears only beside a failed email; "
                               "tests/integration/test_reminders.py posts it",
    "api.create_tender": "JSON with a Bearer key, not a form: tests/integration/test_tender_api.py "
                         "sends it bad and hostile fields",
    # Two-step sign-in and sessions (issue 18): tests/web/test_two_factor.py posts each one.
    "two_factor.sign_in_code": "needs an enrolled account's password step first; "
                               "tests/web/test_two_factor.py sends it hostile codes",
    "two_factor.sign_in_recovery_code": "needs an enrolled account's password step first; "
                                        "tests/web/test_two_factor.py sends it hostile codes",
    "two_factor.new_recovery_codes": "shown only to an account with a second step",
    "two_factor.turn_off": "shown only to an account with a second step",
    "admin.reset_two_factor": "shown only for an account with a second step",
    "account.end_session": "shown only beside another open session of the same person",
    "account.end_other_sessions": "shown only beside another open session of the same person",
    # Sharing across councils (issue 17): tests/web/test_sharing_pages.py posts each one
    # unconfirmed, confirmed and for another supplier's records.
    "sharing.share": "shown only for another council's request that a declaration the "
                     "supplier made for one council can answer",
    "sharing.stop_sharing": "shown only while the supplier shares with a council",
    # Single sign-on (issue 18): tests/web/test_single_sign_on_settings.py posts it.
    "single_sign_on.remove_group": "shown only beside a group the council's provider maps",
}

HOSTILE_SAMPLES = [
    "", " ", "0", "-1", "1e308", "NaN", "99999999999999999999999999", "-99999999999999999999",
    "2026-02-30", "31/31/2026", "0000-00-00", "yes", "no", "new", "GB", "none",
    "' OR '1'='1", "'; DROP TABLE suppliers; --", "%' UNION SELECT password_hash FROM users --",
    "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "{{ 7*7 }}", "${7*7}",
    "../../../etc/passwd", "\x00", "a\x00b", "\r\n\r\nSet-Cookie: x=1", "\u202egnp.exe",
    "😀" * 50, "Z̷̡͉a̵l̶g̷o̸", "=HYPERLINK(\"http://evil.example\")", "A" * 5000,
]
HOSTILE = st.one_of(
    st.sampled_from(HOSTILE_SAMPLES),
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF,
                                   exclude_categories=("Cs",)), max_size=200),
    st.integers().map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
)


class _Forms(HTMLParser):
    """Every form with the names of all its fields (radios and checkboxes too)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self._form = {"action": attrs.get("action") or "", "method":
                          (attrs.get("method") or "get").lower(),
                          "multipart": "multipart" in (attrs.get("enctype") or ""),
                          "fields": set(), "files": set(), "csrf": None}
            self.forms.append(self._form)
        elif self._form is not None and tag in ("input", "select", "textarea"):
            name = attrs.get("name")
            kind = (attrs.get("type") or "text").lower()
            if not name or kind in ("submit", "button", "image", "reset"):
                return
            if name == "csrf_token":
                self._form["csrf"] = attrs.get("value")
            elif kind == "file":
                self._form["files"].add(name)
            else:
                self._form["fields"].add(name)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


@pytest.fixture
def world(session):
    """Records for every role to reach every form: the supplier's own request, draft and
    submitted declaration, queries and actions; a tender; programme records."""
    own = make_supplier(session, name="Own Organisation Ltd")
    staff = {role: make_user(session, role, email=f"{role}@example.org")
             for role in ("officer", "legal", "admin", "safeguarding", "consortium_admin")}
    contact = make_user(session, "supplier", email="supplier@example.org", supplier=own)
    # A locked account (the unlock button) and an open invitation (the set-password form).
    locked = make_user(session, "officer", email="locked@example.org")
    locked.locked_until = utcnow() + timedelta(hours=1)
    _invitation, token = create_invitation(session, own, "invited@example.org", "Invited",
                                           staff["officer"], utcnow(), 72)
    contract = Contract(reference="C-OWN-1", title="A contract", value=1000,
                        start_date=utcnow().date(), end_date=utcnow().date(), supplier=own)
    tender = Tender(reference="T-1", title="A tender", invited_suppliers=[own])
    session.add_all([contract, tender])
    # Not yet a bidder: a search for it shows the 'add as a bidder' form.
    make_supplier(session, name="Prospective Bidder Ltd")
    session.commit()
    ids = {**add_risk_records(session, own), **add_programme_records(session)}
    session.commit()
    submitted = add_declaration_records(session, own)
    draft = declaration_service.start_or_resume(session, None, make_request(session, own),
                                                contact, utcnow())
    # Complete answers, so the sign-and-submit page shows its form rather than redirecting.
    draft.answers = demo_answers(own, "own", "good", utcnow().date())
    unstarted = make_request(session, own)
    open_action = CorrectiveAction(supplier_id=own.id, title="Check agencies", owner="A Person",
                                   due_date=utcnow().date() + timedelta(days=30), status="open",
                                   created_at=utcnow())
    session.add(open_action)
    session.commit()
    ids.update(other_supplier=own.id, supplier_user=contact.id, tender=tender.id,
               other_request=unstarted.id, other_declaration=draft.id,
               other_evidence=submitted["other_evidence"])
    # An email in the outbox: its page (issue 21) has no form, but the route matrix names it.
    ids.update(outbox_message=add_outbox_message(session))
    session.commit()
    ids.update(submitted_declaration=submitted["other_declaration"], invitation=token,
               open_action=open_action.id, staff_user=staff["officer"].id)
    # An accepted declaration with a response, and a file on the open action (issue 15).
    ids.update(own_supplier=own.id, **add_crawl_feedback(session, own.id),
               **add_feedback_records(session, own, open_action.id))
    # A bulk campaign and a rule that matches: the preview, confirmation and campaign forms.
    ids.update(add_bulk_records(session, own))
    # The accepted declaration above answered every waiting request (one declaration answers
    # several): a request made after it keeps the 'start' form. An API key (its revoke form)
    # and a working password reset link (the choose-a-password form).
    ids["other_request"] = make_request(session, own).id
    api_key, _secret = api_keys.create_key(session, "Tenders system", staff["admin"], utcnow(),
                                           audit.actor_or(None, staff["admin"]))
    session.flush()
    ids["api_key"] = api_key.id
    ids["reset_token"] = password_resets.request_reset(session, "officer@example.org",
                                                       utcnow()).token
    # The verify-evidence and withdraw forms (issue 16).
    ids.update(add_verification_records(session, own))
    # Transparency statements (issue 19) in each state that has forms: a draft (edit, refresh,
    # submit), a submitted one (approve, send back) and an approved one (publish, new version).
    ids.update(add_statement_records(session, staff["legal"]))
    session.commit()
    return ids


def _pages(world: dict) -> list[str]:
    pages = [url.format(**world) for _endpoint, (method, url, _expected) in MATRIX.items()
             if method == "GET"]
    pages.append(f"/supplier/declarations/{world['submitted_declaration']}")  # 'new version'
    pages.append(f"/officer/suppliers/{world['other_supplier']}")
    pages.append(f"/supplier/actions/{world['open_action']}")
    pages.append(f"/admin/users/{world['staff_user']}")  # the role form (staff only)
    pages.append(f"/invitation/{world['invitation']}")
    pages.append(f"/reset-password/{world['reset_token']}")
    pages.append(f"/admin/api-keys/{world['api_key']}/revoke")
    pages.append(f"/officer/tenders/{world['tender']}/bidders?q=Prospective")
    for state in ("draft_statement", "submitted_statement", "approved_statement"):
        pages.append(f"/reports/statements/{world[state]}")
    pages.append(f"/reports/statements/{world['draft_statement']}/edit")
    pages.append(f"/reports/statements/{world['submitted_statement']}/approve")
    pages.append(f"/reports/statements/{world['submitted_statement']}/return")
    pages += [url for _what, url, _roles in crawl_feedback_pages(world)]
    # Closing the tender ends its other forms, so its close page comes after them.
    return sorted(set(pages), key=lambda page: (page.endswith("/close"), page))


def _endpoint(app, path: str, method: str) -> str | None:
    try:
        endpoint, _args = app.url_map.bind("localhost").match(urlsplit(path).path,
                                                              method=method.upper())
    except (NotFound, MethodNotAllowed):
        return None
    return endpoint


def _fuzz_form(client, page: str, form: dict, role: str) -> None:
    action = form["action"] or page
    fields = sorted(form["fields"])
    files = sorted(form["files"])

    @settings(max_examples=FORM_EXAMPLES, **SETTINGS)
    @given(values=st.fixed_dictionaries({name: HOSTILE for name in fields}),
           uploads=st.fixed_dictionaries({name: st.tuples(st.binary(max_size=2048), HOSTILE)
                                          for name in files}))
    def attempt(values, uploads):
        if form["method"] == "get":
            response = client.get(action, query_string=values)
        else:
            data = {**values, "csrf_token": form["csrf"] or ""}
            for name, (content, filename) in uploads.items():
                data[name] = (io.BytesIO(content), filename.replace("\x00", "") or "f")
            response = client.post(action, data=data,
                                   content_type="multipart/form-data" if uploads or
                                   form["multipart"] else None)
        assert response.status_code < 500, (
            f"{role}: {form['method'].upper()} {action} from {page} gave "
            f"{response.status_code} for {values!r}")

    attempt()


ORDER = ["anonymous", "supplier", "officer", "legal", "safeguarding", "consortium_admin", "admin"]


def test_every_form_survives_hostile_input(app, client, session, world):
    del client  # requested so that app.test_client() gives FormClients (sign_in, submit)
    post_endpoints = {rule.endpoint for rule in app.url_map.iter_rules()
                      if "POST" in rule.methods and rule.endpoint != "static"}
    reached: set[str] = set()
    fuzzed = 0
    for role in ORDER:  # admin last: its forms could change the other accounts
        client = app.test_client()  # a fresh browser for each role
        if role != "anonymous":
            client.sign_in(f"{role}@example.org", PASSWORD)
        seen: set[tuple] = set()
        for page in _pages(world):
            response = client.get(page)
            if response.status_code != 200 or "text/html" not in response.content_type:
                continue
            for form in _forms(response.get_data(as_text=True)):
                action = form["action"] or page
                if urlsplit(action).path == "/sign-out":
                    continue
                key = (form["method"], urlsplit(action).path, tuple(sorted(form["fields"])))
                if key in seen:
                    continue
                seen.add(key)
                endpoint = _endpoint(app, action, form["method"] if form["method"] == "get"
                                     else "POST")
                if endpoint in post_endpoints and form["method"] == "post":
                    reached.add(endpoint)
                _fuzz_form(client, page, form, role)
                fuzzed += 1
                if role != "anonymous" and client.get("/session/keep-alive").status_code != 200:
                    client.sign_in(f"{role}@example.org", PASSWORD)  # a form signed us out
    assert fuzzed > 20
    missed = sorted(post_endpoints - reached - set(NOT_FUZZED))
    assert not missed, f"POST routes whose forms no role reached (add a world record or a " \
                       f"reason to NOT_FUZZED): {missed}"
    # Hostile input never breaks the audit trail.
    assert audit.verify(session) is None


# --- CLI imports ------------------------------------------------------------------------------


def _row_counts(session) -> dict[str, int]:
    session.rollback()
    return {table.name: session.scalar(select(func.count()).select_from(table))
            for table in db.metadata.sorted_tables}


def _cells(headers: list[str]):
    return st.lists(st.lists(HOSTILE, min_size=len(headers), max_size=len(headers)),
                    min_size=1, max_size=4)


def _contracts_file():
    hostile_rows = _cells(LGTC_HEADERS).map(lambda rows: csv_bytes([LGTC_HEADERS] + rows))
    mixed = st.tuples(st.sampled_from(["Cleaning", "", "X" * 400]), HOSTILE, HOSTILE).map(
        lambda parts: csv_bytes([LGTC_HEADERS, ["C-1", parts[0], "Housing", "", parts[1],
                                                "01234567", parts[2], "0", "2025-01-01",
                                                "2026-01-01", "", "Cleaning", "", "SME"]]))
    return st.one_of(hostile_rows, mixed, st.binary(max_size=4096),
                     st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass")))


def _registry_file():
    good = registry_row(year=2025, name="Acme Facilities Ltd", number="01234567")

    def damaged(args):
        position, value = args
        row = list(good)
        row[position % len(row)] = value
        return csv_bytes([REGISTRY_HEADERS, row])

    return st.one_of(st.tuples(st.integers(0, 100), HOSTILE).map(damaged),
                     _cells(REGISTRY_HEADERS).map(lambda rows: csv_bytes([REGISTRY_HEADERS]
                                                                         + rows)),
                     st.binary(max_size=4096))


def _action_plan_file():
    lines = NHDC_PLAN.read_text(encoding="utf-8").splitlines()

    def damaged(args):
        position, column, value = args
        changed = list(lines)
        line = position % len(changed)
        cells = changed[line].split("\t")
        cells[column % len(cells)] = value.replace("\t", " ")
        changed[line] = "\t".join(cells)
        return "\n".join(changed).encode("utf-8", "surrogatepass")

    return st.one_of(st.tuples(st.integers(0, 500), st.integers(0, 20), HOSTILE).map(damaged),
                     st.binary(max_size=4096),
                     st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass")))


TENDER_HEADERS = ["Tender Reference", "Title", "Closing Date", "Procurement Route", "Risk Tier",
                  "Estimated Value", "CPV Code", "Lot"]


def _tenders_file():
    good = ["T-1", "Office cleaning", "31/12/2099", "Open procedure", "High", "£25,000",
            "90910000", "Lot 1"]

    def damaged(args):
        position, value = args
        row = list(good)
        row[position % len(row)] = value
        return csv_bytes([TENDER_HEADERS, row, good[:1] + ["Second"] + good[2:]])

    return st.one_of(st.tuples(st.integers(0, 100), HOSTILE).map(damaged),
                     _cells(TENDER_HEADERS).map(lambda rows: csv_bytes([TENDER_HEADERS]
                                                                       + rows)),
                     st.binary(max_size=4096))


IMPORTS = {
    "contracts": (_contracts_file, ".csv"),
    "tenders": (_tenders_file, ".csv"),
    "registry": (_registry_file, ".csv"),
    "action-plan": (_action_plan_file, ".txt"),
}


@pytest.mark.parametrize("kind", sorted(IMPORTS))
def test_every_cli_import_refuses_hostile_files_cleanly_and_whole(runner, session, tmp_path,
                                                                  kind):
    make_supplier(session, name="Acme Facilities Ltd", companies_house_number="01234567")
    session.commit()
    strategy, suffix = IMPORTS[kind]
    counter = iter(range(10**9))

    @settings(max_examples=IMPORT_EXAMPLES, **SETTINGS)
    @given(content=strategy())
    def attempt(content):
        path = tmp_path / f"upload-{next(counter)}{suffix}"
        path.write_bytes(content)
        before = _row_counts(session)
        result = runner.invoke(args=["import", kind, str(path)])
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            f"import {kind} crashed: {result.exception!r}\n{result.output}")
        assert "Traceback" not in result.output
        if result.exit_code != 0:
            assert "Error:" in result.output and len(result.output.strip()) > 10, result.output
            assert _row_counts(session) == before, f"a refused {kind} import changed rows"

    attempt()
