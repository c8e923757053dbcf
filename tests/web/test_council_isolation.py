"""Nothing of one council reaches another council's staff (issue 17), on both databases.

Council A (the migration's council 1) and council B each get a full set of records, every B
text carrying `ZQXMARKER-B` (tests/council_helpers.py); one supplier is known to both. Then:
- every route that takes ids, given B's ids, answers 403 or 404 to each of A's roles (and a
  POST changes none of B's rows);
- every page, list, search, export, file and report A's staff can reach, and every page about
  A's own records (the shared supplier's included), holds no B marker, while A's marker shows
  where A's records are listed (so the check can fail);
- A's Cabinet pack (its PDF text and its XLSX cells) and the emails the jobs send hold nothing
  of B;
- a contact of B's own supplier sees nothing of A; the shared supplier's contact sees both
  councils' requests but no council's internal notes.

The records are made once per database (module scope): the checks read, and the POSTs are
refused, so one seed serves every test.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

import pytest
from sqlalchemy import select, text

from supplier_dd.extensions import db
from supplier_dd.models import Council, CouncilOwned, DigestItem, OutboxMessage, User
from supplier_dd.models.tenancy import ALL_COUNCILS
from tests.council_helpers import (
    SHARED_CONTACT,
    STAFF_ROLES,
    build_pack,
    contact_email,
    marker,
    second_council,
    seed_council,
    staff_email,
)
from tests.factories import PASSWORD, make_user
from tests.helpers import FormClient, any_csrf_token
from tests.plugins.apps import make_test_app
from tests.plugins.databases import _truncate_all
from tests.plugins.smtp import SmtpServer
from tests.sso_helpers import configure, sso_sign_in, start_provider

MARK_A, MARK_B = marker("A"), marker("B")
CONSORTIUM_ADMIN = "partnership@consortium.example"
FIRST_COUNCIL = 1  # migration 0033's council


@dataclass
class World:
    app: object
    smtp: SmtpServer
    a: dict
    b: dict


def _database_url(db_backend, migrated_template, tmp_dir) -> str:
    if db_backend == "sqlite":
        path = tmp_dir / "isolation.sqlite3"
        shutil.copyfile(migrated_template, path)
        return f"sqlite:///{path}"
    _truncate_all(migrated_template)
    return migrated_template


@pytest.fixture(scope="module")
def world(db_backend, migrated_template, tmp_path_factory):
    tmp_dir = tmp_path_factory.mktemp(f"isolation-{db_backend}")
    smtp = SmtpServer()
    smtp.start()
    app = make_test_app(_database_url(db_backend, migrated_template, tmp_dir), tmp_dir, smtp.env)
    app.test_client_class = FormClient
    with app.app_context():
        session = db.session
        b_council = second_council(session)
        a = seed_council(session, FIRST_COUNCIL, "A")
        b = seed_council(session, b_council, "B", shared_supplier_id=a["shared_supplier"])
        session.commit()
        a["pack_run"], a["packs"] = build_pack(session, FIRST_COUNCIL, "A")
        b["pack_run"], b["packs"] = build_pack(session, b_council, "B")
        session.commit()
        yield World(app, smtp, a, b)
        db.session.remove()
        db.engine.dispose()
    smtp.stop()


def signed_in(world: World, email: str) -> FormClient:
    client = world.app.test_client()
    client.sign_in(email, PASSWORD)
    return client


# Council A's staff who signed in through A's single sign-on (issue 18), their accounts made by
# it: they must be kept from B's records exactly as password accounts are.
SSO_ROLES = ("sso:officer", "sso:admin")


@pytest.fixture(scope="module")
def council_a_provider(world, tmp_path_factory):
    council = db.session.get(Council, FIRST_COUNCIL)
    provider = start_provider(tmp_path_factory.mktemp("provider"), [council.short_name], ["A"])
    configure(db.session, council, provider, datetime(2026, 12, 4, 9, 0))
    db.session.commit()
    yield council.short_name
    provider.stop()


def signed_in_as(world: World, role: str, request) -> FormClient:
    """A client signed in as council A's person with the role: a password account, or for
    "sso:<role>" one made by A's single sign-on."""
    if not role.startswith("sso:"):
        return signed_in(world, staff_email(role, "A"))
    short_name = request.getfixturevalue("council_a_provider")
    client = world.app.test_client()
    sso_sign_in(client, short_name, role.removeprefix("sso:"), "A")
    return client


# --- What a response says, whatever its format --------------------------------------------------

def readable(response) -> str:
    """The response's text: HTML, CSV and JSON as they are, an XLSX's XML parts unzipped, a
    PDF's text as pdftotext reads it."""
    body = response.get_data()
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace")
                             for name in archive.namelist() if name.endswith(".xml"))
    if body[:5] == b"%PDF-":
        if not body.rstrip().endswith(b"%%EOF") or len(body) < 200:
            return body.decode("latin-1")  # a fixture's stub PDF: nothing to extract
        extracted = subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True,
                                   check=True)
        return extracted.stdout.decode("utf-8", "replace") + body.decode("latin-1")
    return body.decode("utf-8", "replace")


# --- Building every route's URL from one council's records --------------------------------------

# Which record each URL argument names, by the argument's name; some endpoints name another.
ARGUMENTS = {
    "supplier_id": "other_supplier", "declaration_id": "other_declaration",
    "evidence_id": "other_evidence", "action_id": "risk_action", "query_id": "risk_query",
    "tender_id": "tender", "campaign_id": "bulk_campaign", "plan_id": "action_plan",
    "referral_id": "referral", "request_id": "other_request", "invitation_id": "invitation",
    "key_id": "api_key", "verification_id": "answer_verification", "file_id": "supplier_file",
    "user_id": "staff_user", "message_id": "outbox_message", "run_id": "pack_run",
    "session_id": "staff_session", "token": "import_token", "reference": "tender_reference",
    "council_id": "council", "statement_id": "draft_statement",
}
BY_ENDPOINT = {
    ("officer_declarations.view", "declaration_id"): "other_declaration",
    ("reports.download_cabinet_pack", "pack_id"): "pack",
}
FIXED = {"question_id": "s54_has_statement", "key": "pol_has_policy.no",
         "section_id": "organisation", "page_id": "identity", "number": 3, "pack_id": None}
# Token routes that are not a council's records: an invitation or reset link is the secret.
# The tender API answers an API key only (tested with A's key below); a person's own sessions
# are looked up by their owner, so another's id is quietly the list again (tested below).
NOT_COUNCIL_RECORDS = {"auth.accept", "password_reset.choose", "api.tender",
                       "account.end_session"}


def _value(ids: dict, endpoint: str, argument: str):
    if argument == "pack_id":
        return ids["packs"][0]
    if argument == "action_id" and endpoint.startswith("programme."):
        return ids["plan_action"]  # an action of the action plan, not a corrective action
    name = BY_ENDPOINT.get((endpoint, argument)) or ARGUMENTS.get(argument)
    if name is not None:
        return ids[name]
    return FIXED[argument]


def routes_with_ids(app):
    """(endpoint, method, rule) for every route whose URL names a record."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.endpoint, r.rule)):
        if rule.endpoint == "static" or rule.endpoint in NOT_COUNCIL_RECORDS:
            continue
        if not set(rule.arguments) & (set(ARGUMENTS) | {"pack_id"}):
            continue
        for method in ("GET", "POST"):
            if method in rule.methods:
                yield rule.endpoint, method, rule


def path_for(app, endpoint: str, rule, ids: dict) -> str:
    values = {argument: _value(ids, endpoint, argument) for argument in rule.arguments}
    with app.test_request_context():
        adapter = app.url_map.bind("localhost")
        return adapter.build(endpoint, values, method=next(iter(rule.methods - {"HEAD",
                                                                               "OPTIONS"})))


def routes_without_ids(app):
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint != "static" and not rule.arguments and "GET" in rule.methods:
            yield rule.endpoint, rule.rule


# Searches matching both councils' records by what A's staff might type (never B's whole
# marker, which the page would show back), and filters naming B's records by id.
def searches(ids_b: dict) -> list[str]:
    return [
        f"/officer/suppliers?{urlencode({'q': 'ZQXMARKER'})}",
        f"/officer/suppliers?{urlencode({'q': 'Own Cleaning'})}",
        f"/officer/contracts?{urlencode({'q': 'ZQXMARKER'})}",
        f"/officer/contracts?{urlencode({'supplier': ids_b['other_supplier']})}",
        f"/officer/contracts/export.csv?{urlencode({'q': 'ZQXMARKER'})}",
        f"/officer/contracts/export.xlsx?{urlencode({'q': 'ZQXMARKER'})}",
        f"/officer/tenders?{urlencode({'q': 'ZQXMARKER'})}",
        f"/officer/risk/?{urlencode({'q': 'Own Cleaning'})}",
        f"/officer/risk/?{urlencode({'tender': ids_b['tender']})}",
        f"/officer/risk/export.csv?{urlencode({'tender': ids_b['tender']})}",
        f"/admin/audit?{urlencode({'q': 'ZQXMARKER'})}",
        f"/admin/audit/export.csv?{urlencode({'object_id': ids_b['other_supplier']})}",
    ]


def _staff_session_of(world: World, tag: str) -> int:
    """A signed-in session of the council's officer, for the end-session routes."""
    from supplier_dd.models import UserSession

    signed_in(world, staff_email("officer", tag))
    ids = world.a if tag == "A" else world.b
    return db.session.scalar(
        select(UserSession.id).where(UserSession.user_id == ids["staff_user"])
        .order_by(UserSession.id.desc()).limit(1).execution_options(**{ALL_COUNCILS: True}))


def _complete_ids(world: World) -> None:
    for tag, ids in (("A", world.a), ("B", world.b)):
        ids.setdefault("staff_session", _staff_session_of(world, tag))
        ids.setdefault("tender_reference", f"{marker(tag)}-T1")


# --- B's rows, to show a refused POST changed nothing --------------------------------------------

def council_rows(council_id: int) -> dict[str, list]:
    """Every row of every council-owned table, the council's staff and its audit entries, read
    past the session's scoping."""
    tables = {mapper.local_table for mapper in db.Model.registry.mappers
              if issubclass(mapper.class_, CouncilOwned)}
    rows = {}
    with db.engine.connect() as connection:
        for table in sorted(tables, key=lambda t: t.name):
            rows[table.name] = sorted(
                tuple(str(value) for value in row) for row in connection.execute(
                    table.select().where(table.c.council_id == council_id)))
        for name, statement in (
                ("users", select(User.__table__).where(User.council_id == council_id)),
                ("audit_entries", text("SELECT sequence, action, object_id FROM audit_entries "
                                       "WHERE council_id = :council"))):
            rows[name] = sorted(tuple(str(value) for value in row) for row in connection.execute(
                statement, {"council": council_id}))
    return rows


# --- The tests ------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", STAFF_ROLES + SSO_ROLES)
def test_another_councils_records_by_id_are_refused(world, role, request):
    _complete_ids(world)
    app, b = world.app, world.b
    db.session.commit()
    client = signed_in_as(world, role, request)
    before = council_rows(b["council"])
    token = any_csrf_token(client)
    leaks = []
    for endpoint, method, rule in routes_with_ids(app):
        for supplier_key in ("other_supplier", "shared_supplier") if (
                "supplier_id" in rule.arguments) else ("other_supplier",):
            ids = dict(b, other_supplier=b[supplier_key])
            if supplier_key == "shared_supplier":
                # The shared supplier is A's too: only B's records about it must be refused.
                ids.update(other_declaration=b["shared_declaration"],
                           other_evidence=b["shared_evidence"], risk_query=b["shared_query"],
                           risk_action=b["shared_action"])
                if not set(rule.arguments) - {"supplier_id", "question_id", "key"}:
                    continue
            path = path_for(app, endpoint, rule, ids)
            if method == "GET":
                response = client.get(path)
            else:
                # A send count too, so a resend reaches its lookup rather than a 400 first.
                response = client.post(path, data={"csrf_token": token, "send_count": "0"})
            if response.status_code not in (403, 404):
                leaks.append(f"{method} {path} ({endpoint}): {response.status_code}")
            elif MARK_B in readable(response):
                leaks.append(f"{method} {path} ({endpoint}): refusal names B's record")
    db.session.rollback()
    after = council_rows(b["council"])
    changed = [name for name in before if before[name] != after[name]]
    assert not leaks, "council A's " + role + " reached council B's records:\n" + "\n".join(leaks)
    assert not changed, f"refused POSTs changed council B's {changed}"


def test_one_councils_admins_see_none_of_another_councils_emails(world):
    client = signed_in(world, staff_email("admin", "A"))
    outbox = readable(client.get("/admin/outbox"))
    message = client.get(f"/admin/outbox/{world.b['outbox_message']}")
    assert MARK_B not in outbox and message.status_code == 404


def test_the_consortium_admin_sees_no_councils_records(world):
    """Counts only (issue 17): never a council's notes, reviews, referrals or programme
    records, by list or by id."""
    with world.app.app_context():
        if db.session.scalar(select(User.id).where(User.email == CONSORTIUM_ADMIN)) is None:
            make_user(db.session, "consortium_admin", email=CONSORTIUM_ADMIN)
            db.session.commit()
    client = signed_in(world, CONSORTIUM_ADMIN)
    seen, reached = [], []
    for _endpoint, path in routes_without_ids(world.app):
        response = client.get(path)
        if response.status_code == 200:
            seen.append(readable(response))
    for endpoint, method, rule in routes_with_ids(world.app):
        if method == "GET":
            path = path_for(world.app, endpoint, rule, world.b)
            status = client.get(path).status_code
            if status not in (403, 404):
                reached.append(f"{path}: {status}")
    assert not reached, f"the consortium admin reached a council's records: {reached}"
    text_seen = "\n".join(seen)
    assert "ZQXMARKER-B District Council" in text_seen  # the partnership's councils, by name
    for tag in ("A", "B"):
        for record in (" Own Cleaning Ltd", " referral notes", " internal review reason",
                       " training course", " exclusion reasons", " charter evidence",
                       " cleaning contract", " audit entry"):
            assert marker(tag) + record not in text_seen


def test_another_councils_supplier_cannot_be_named_in_a_form(world):
    """B's own supplier, named by id in A's forms (a bidder to add), is not found: A neither
    learns its name nor comes to know it."""
    from supplier_dd.models import CouncilSupplier

    client = signed_in(world, staff_email("officer", "A"))
    tender, b_supplier = world.a["tender"], world.b["other_supplier"]
    search = client.get(f"/officer/tenders/{tender}/bidders?{urlencode({'q': 'Own Cleaning'})}")
    assert search.status_code == 200 and MARK_B not in readable(search)
    added = client.post(f"/officer/tenders/{tender}/bidders/existing", data={
        "csrf_token": any_csrf_token(client), "supplier_id": str(b_supplier)},
        follow_redirects=True)
    assert MARK_B not in readable(added)
    db.session.rollback()
    linked = db.session.scalar(select(CouncilSupplier.supplier_id).where(
        CouncilSupplier.council_id == FIRST_COUNCIL, CouncilSupplier.supplier_id == b_supplier)
        .execution_options(**{ALL_COUNCILS: True}))
    assert linked is None


def test_the_api_key_of_one_council_finds_none_of_another_councils_tenders(world):
    client = world.app.test_client()
    key = {"Authorization": f"Bearer {world.a['api_secret']}"}
    assert client.get(f"/api/v1/tenders/{MARK_A}-T1", headers=key).status_code == 200
    refused = client.get(f"/api/v1/tenders/{MARK_B}-T1", headers=key)
    assert refused.status_code == 404 and MARK_B not in readable(refused).replace(
        f"{MARK_B}-T1", "")
    changed = client.put(f"/api/v1/tenders/{MARK_B}-T1", headers=key,
                         json={"title": "Taken over"})
    assert changed.status_code in (403, 404)


def test_ending_another_persons_session_ends_nothing(world):
    _complete_ids(world)
    client = signed_in(world, staff_email("admin", "A"))
    response = client.post(f"/account/sessions/{world.b['staff_session']}/end",
                           data={"csrf_token": any_csrf_token(client)})
    assert response.status_code == 302
    from supplier_dd.models import UserSession

    db.session.expire_all()
    ended = db.session.execute(select(UserSession.ended_at).where(
        UserSession.id == world.b["staff_session"]).execution_options(
        **{ALL_COUNCILS: True})).scalar_one()
    assert ended is None


@pytest.mark.parametrize("role", STAFF_ROLES + SSO_ROLES)
def test_nothing_of_another_council_in_any_page_list_export_or_file(world, role, request):
    _complete_ids(world)
    app, a = world.app, world.a
    client = signed_in_as(world, role, request)
    role = role.removeprefix("sso:")
    leaks, errors, shown = [], [], {}
    paths = [path for _endpoint, path in routes_without_ids(app)] + searches(world.b)
    for endpoint, method, rule in routes_with_ids(app):
        if method == "GET":
            paths.append(path_for(app, endpoint, rule, a))
            if "supplier_id" in rule.arguments:
                paths.append(path_for(app, endpoint, rule, dict(
                    a, other_supplier=a["shared_supplier"],
                    other_declaration=a["shared_declaration"],
                    other_evidence=a["shared_evidence"])))
    for path in paths:
        response = client.get(path)
        if response.status_code >= 500:
            errors.append(f"{path}: {response.status_code}")
        if response.status_code != 200:
            continue
        body = readable(response)
        shown[path] = MARK_A in body
        if MARK_B in body:
            where = body.index(MARK_B)
            leaks.append(f"{path}: …{body[max(0, where - 120):where + 60]!r}…")
    assert not errors, "\n".join(errors)
    assert not leaks, f"council A's {role} was shown council B's records:\n" + "\n".join(leaks)
    # A's own records are there, so the search for B's marker searched something.
    expected = {"/officer/suppliers", "/officer/contracts/export.csv",
                "/officer/contracts/export.xlsx", "/officer/risk/", "/officer/tenders",
                "/programme/training"}
    if role == "admin":
        expected |= {"/admin/audit", "/admin/audit/export.csv", "/admin/users"}
    if role in ("admin", "safeguarding"):
        expected |= {"/programme/referrals/log"}
    missing = sorted(path for path in expected if not shown.get(path))
    assert not missing, f"council A's own records were not shown on {missing}"


def test_the_cabinet_pack_of_one_council_holds_nothing_of_another(world):
    client = signed_in(world, staff_email("legal", "A"))
    texts = []
    for pack_id in world.a["packs"]:
        response = client.get(f"/reports/cabinet/packs/{pack_id}")
        assert response.status_code == 200
        texts.append(readable(response))
    pdf_text, xlsx_text = texts
    assert "ZQXMARKER-A" in pdf_text.replace("\n", " ") or MARK_A in xlsx_text
    for part in texts:
        assert MARK_B not in part
    for pack_id in world.b["packs"]:
        assert client.get(f"/reports/cabinet/packs/{pack_id}").status_code == 404


def test_emails_and_digests_for_one_council_hold_nothing_of_another(world):
    from supplier_dd.jobs import scheduler
    from supplier_dd.jobs.delivery import run_send_pass  # noqa: F401  the send job uses it

    app = world.app
    with app.app_context():
        # Everyone of both councils takes the daily digest, so held news is digested per person.
        db.session.execute(User.__table__.update().values(notification_delivery="daily_digest"))
        db.session.commit()
    # The shared supplier's contact answers B's query: news for B's officers only.
    contact = signed_in(world, SHARED_CONTACT)
    answered = contact.submit(f"/supplier/queries/{world.b['shared_query']}",
                              {"response": f"{MARK_B} our answer"})
    assert answered.status_code == 302
    # And A's own supplier answers A's query: news for A's officer who raised it.
    own_contact = signed_in(world, contact_email("A"))
    assert own_contact.submit(f"/supplier/queries/{world.a['risk_query']}",
                              {"response": f"{MARK_A} our answer"}).status_code == 302
    for job in (scheduler.sweep_job, scheduler.action_deadlines_job, scheduler.digest_job):
        job(app)
    scheduler.send_job(app)
    a_people = {staff_email(role, "A") for role in STAFF_ROLES} | {contact_email("A")}
    b_people = {staff_email(role, "B") for role in STAFF_ROLES} | {contact_email("B")}
    leaks = []
    for message in world.smtp.messages:
        content = f"{message.subject}\n{message.text()}\n{message.html()}"
        for recipient in message.recipients:
            if recipient in a_people and MARK_B in content:
                leaks.append(f"{recipient} was sent B's news: {message.subject}")
            if recipient in b_people and MARK_A in content:
                leaks.append(f"{recipient} was sent A's news: {message.subject}")
    # The news of B's query (its emails and digest items are keyed by query and person) went to
    # none of A's people.
    with app.app_context():
        a_ids = set(db.session.scalars(select(User.id).where(User.email.in_(a_people))
                                       .execution_options(**{ALL_COUNCILS: True})))
        keys = [*db.session.scalars(select(DigestItem.dedupe_key)),
                *db.session.scalars(select(OutboxMessage.dedupe_key))]
    about_b_query = f"query_answered:query:{world.b['shared_query']}:user:"
    told = [key for key in keys if key.startswith(about_b_query)
            and int(key.rsplit(":", 1)[1]) in a_ids]
    assert not told, f"council A's people were told of B's query: {told}"
    assert not leaks, "\n".join(leaks)
    # Each council's officer had their digest, naming their own supplier's answer.
    for tag in ("A", "B"):
        digests = [m for m in world.smtp.messages if m.key and m.key.startswith(
            "notification_digest:") and staff_email("officer", tag) in m.recipients]
        assert digests, f"council {tag}'s officer got no digest"
        assert any(marker(tag) in m.text() or "answered" in m.text() for m in digests)


def test_a_suppliers_contact_sees_only_the_councils_that_asked_it(world):
    b_contact = signed_in(world, contact_email("B"))
    b_home = readable(b_contact.get("/supplier/"))
    assert MARK_B in b_home and MARK_A not in b_home
    requests_page = readable(b_contact.get("/supplier/council-requests"))
    assert MARK_A not in requests_page

    # Nothing of A's by id either: every supplier page given A's records is not found.
    token = any_csrf_token(b_contact)
    reached = []
    for endpoint, method, rule in routes_with_ids(world.app):
        if not rule.rule.startswith("/supplier/"):
            continue
        path = path_for(world.app, endpoint, rule, world.a)
        response = (b_contact.get(path) if method == "GET"
                    else b_contact.post(path, data={"csrf_token": token}))
        if response.status_code not in (403, 404) or MARK_A in readable(response):
            reached.append(f"{method} {path}: {response.status_code}")
    assert not reached, f"B's supplier's contact reached A's records: {reached}"

    shared = signed_in(world, SHARED_CONTACT)
    pages = [readable(shared.get(path)) for path in ("/supplier/", "/supplier/council-requests")]
    for ids in (world.a, world.b):
        pages.append(readable(shared.get(f"/supplier/declarations/{ids['shared_declaration']}")))
        pages.append(readable(shared.get(f"/supplier/queries/{ids['shared_query']}")))
        pages.append(readable(shared.get(f"/supplier/actions/{ids['shared_action']}")))
    seen = "\n".join(pages)
    for tag in ("A", "B"):
        mark = marker(tag)
        for internal in (f"{mark} exclusion reasons", f"{mark} referral notes",
                         f"{mark} internal review reason", f"{mark} training",
                         f"{mark} audit entry", f"{mark} charter evidence"):
            assert internal not in seen, f"the shared supplier's contact saw {internal!r}"
    # Both councils' requests are its own to answer: B names itself (its name holds B's marker).
    assert MARK_B in pages[0]
