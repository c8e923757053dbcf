"""A partnership's councils on the web (issue 17): the consortium admin creates a council and its
first admin, who joins that council by the invitation and sees nothing of any other; the
consortium page shows counts, never a supplier; a council's admin changes its own settings."""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

import pytest
from sqlalchemy import select

from supplier_dd.domain.roles import Permission, Role, can, home_endpoint
from supplier_dd.models import AuditEntry, Council, Invitation, User
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import link_suppliers
from supplier_dd.services import ServiceError, audit, councils, two_factor
from supplier_dd.services.users import STAFF_ROLES, create_user, set_role
from supplier_dd.web.staff_roles import staff_role_choices
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import forms_in, text_of

NEW_COUNCIL = {"name": "East District Council", "short_name": "", "header_text": "",
               "statement_url": "www.east.example/modern-slavery",
               "admin_name": "Ann Lee", "admin_email": "Ann.Lee@East.example"}
NEW_PASSWORD = "a-long-enough-pass"


def _council_one(session) -> Council:
    return session.scalar(select(Council).order_by(Council.id).limit(1))


def _consortium_admin(client, session) -> User:
    user = make_user(session, "consortium_admin", email="consortium@example.org")
    session.commit()
    client.sign_in("consortium@example.org", PASSWORD)
    return user


def _sign_out(client):
    with client.session_transaction() as flask_session:
        flask_session.clear()


def _link_in(message) -> str:
    link = next(word for word in message.text().split() if "/invitation/" in word)
    return link.split("127.0.0.1:5000", 1)[1]


def _second_council(session, name="West Borough Council") -> Council:
    actor = audit.actor_or(None, None)
    council = councils.create_council(session, name, utcnow(), actor)
    session.commit()
    return council


def _error_summary(response) -> list[str]:
    html = response.get_data(as_text=True)
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return [unescape(re.sub(r"\s+", " ", text).strip())
            for text in re.findall(r"<a [^>]*>(.*?)</a>", summary, re.S)]


def test_a_new_councils_first_admin_joins_that_council_and_sees_none_of_another_councils(
        client, session, smtp_server):
    make_supplier(session, name="Marker Supplier Q7Z Ltd")  # council 1's only supplier
    make_user(session, "officer", email="officer.one@example.org")
    session.commit()
    _consortium_admin(client, session)

    response = client.submit("/consortium/councils/new", NEW_COUNCIL)
    assert response.status_code == 302 and response.headers["Location"] == "/consortium"
    page = text_of(client.get("/consortium"))
    assert "East District Council is created" in page
    council = session.scalar(select(Council).where(Council.name == "East District Council"))
    assert council.short_name == "east-district-council"
    assert council.header_text == "East District Council"
    assert council.statement_url == "https://www.east.example/modern-slavery"
    invitation = session.scalar(
        select(Invitation).where(Invitation.email == "ann.lee@east.example"))
    assert invitation.council_id == council.id and invitation.role == "admin"
    [message] = smtp_server.to("ann.lee@east.example")
    assert message.subject.strip().startswith("East District Council:")
    assert "Your role is Admin" in message.text()
    entries = {entry.action: entry for entry in session.scalars(select(AuditEntry))}
    assert entries["council.created"].after["name"] == "East District Council"
    assert entries["invitation.created"].council_id == council.id
    assert entries["invitation.created"].actor_email == "consortium@example.org"

    _sign_out(client)
    accepted = client.submit(_link_in(message), {"password": NEW_PASSWORD,
                                                 "confirm": NEW_PASSWORD})
    assert accepted.status_code == 302
    admin = session.scalar(select(User).where(User.email == "ann.lee@east.example"))
    assert admin.role == "admin" and admin.council_id == council.id

    suppliers = text_of(client.get("/officer/suppliers"))
    assert "Marker Supplier Q7Z Ltd" not in suppliers
    users = text_of(client.get("/admin/users"))
    assert "ann.lee@east.example" in users
    assert "officer.one@example.org" not in users and "consortium@example.org" not in users
    settings_page = client.get("/admin/council")
    assert settings_page.status_code == 200
    # The header names the new council, and its settings page is its own.
    assert "East District Council" in text_of(settings_page).split("<main", 1)[0]
    assert 'value="https://www.east.example/modern-slavery"' in text_of(settings_page)


def test_the_consortium_page_shows_each_councils_counts_and_never_a_supplier(client, session):
    one = _council_one(session)
    both = make_supplier(session, name="Shared Marker 8KP Ltd")
    only_one = make_supplier(session, name="Own Marker 3JD Ltd")
    make_user(session, "officer", email="officer.one@example.org")
    session.commit()
    west = _second_council(session)
    link_suppliers(session, [(west.id, both.id)])
    create_user(session, "admin.west@example.org", "admin", PASSWORD, council_id=west.id)
    session.commit()
    _consortium_admin(client, session)

    response = client.get("/consortium")
    page = text_of(response)
    html = response.get_data(as_text=True)
    for marker in ("Shared Marker 8KP Ltd", "Own Marker 3JD Ltd", "officer.one@example.org",
                   "admin.west@example.org"):
        assert marker not in html
    shared = page.split("Suppliers known to more than one council", 1)[1]
    assert re.match(r'\s*</dt>\s*<dd class="govuk-summary-list__value">\s*1\s*</dd>', shared)
    rows = dict(re.findall(r'<th scope="row"[^>]*>(.*?)<br>.*?</th>(.*?)</tr>', html, re.S))
    counts = {name: re.findall(r">([\d,]+)</td>", cells) for name, cells in rows.items()}
    assert counts[one.name] == ["2", "1"]  # suppliers known, staff
    assert counts["West Borough Council"] == ["1", "1"]
    assert only_one.id  # known to council one alone: counted there, named nowhere


def test_a_consortium_admin_has_no_council_and_no_council_permission(session):
    user = make_user(session, "consortium_admin", email="consortium@example.org")
    session.commit()
    assert user.council_id is None
    council_permissions = [p for p in Permission
                           if p not in (Permission.SIGNED_IN, Permission.MANAGE_COUNCILS)]
    assert not [p for p in council_permissions if can(Role.CONSORTIUM_ADMIN, p)]
    assert [role for role in Role if can(role, Permission.MANAGE_COUNCILS)] == [
        Role.CONSORTIUM_ADMIN]
    assert home_endpoint(Role.CONSORTIUM_ADMIN) == "consortium.index"
    # Like every member of staff, a consortium admin signs in with a second step when the
    # deployment requires one.
    assert two_factor.must_enrol(user, "required")
    # No council's admin can give or take the role: it is not among the staff roles offered.
    assert "consortium_admin" not in STAFF_ROLES
    assert "consortium_admin" not in [value for value, _label, _hint in staff_role_choices()]


def test_council_staff_and_a_consortium_admin_cannot_turn_into_each_other(session):
    officer = make_user(session, "officer", email="officer@example.org")
    consortium = make_user(session, "consortium_admin", email="consortium@example.org")
    session.commit()
    actor = audit.actor_or(None, None)
    with pytest.raises(ServiceError, match="works for no council"):
        set_role(session, officer, "consortium_admin", by=None, actor=actor, now=utcnow())
    with pytest.raises(ServiceError, match="works for no council"):
        set_role(session, consortium, "admin", by=None, actor=actor, now=utcnow())


def test_creating_a_council_explains_each_mistake_and_creates_nothing(
        client, session, smtp_server):
    make_user(session, "officer", email="taken@example.org")
    session.commit()
    _consortium_admin(client, session)
    before = len(councils.all_councils(session))

    empty = client.submit("/consortium/councils/new", {})
    assert _error_summary(empty) == [
        "Enter the council's name", "Enter the full name of the council's first admin",
        "Enter the email address of the council's first admin"]
    assert text_of(empty).startswith("<!DOCTYPE html>") and "<title>Error: " in text_of(empty)

    bad = client.submit("/consortium/councils/new", {
        **NEW_COUNCIL, "short_name": "East District", "statement_url": "not a web address"})
    assert _error_summary(bad) == [
        "Enter the statement page address in the correct format, like "
        "https://www.example.gov.uk/modern-slavery-statement"]
    bad = client.submit("/consortium/councils/new", {**NEW_COUNCIL, "short_name": "East District"})
    assert "The short name must be lower-case letters" in _error_summary(bad)[0]

    taken_name = client.submit("/consortium/councils/new",
                               {**NEW_COUNCIL, "name": _council_one(session).name})
    assert _error_summary(taken_name) == [
        f"There is already a council called ‘{_council_one(session).name}’"]

    # The admin's address is refused after the council was made: nothing of it is kept.
    taken_email = client.submit("/consortium/councils/new",
                                {**NEW_COUNCIL, "admin_email": "taken@example.org"})
    assert "taken@example.org already has an account" in _error_summary(taken_email)[0]
    assert 'href="#admin_email"' in taken_email.get_data(as_text=True)
    assert len(councils.all_councils(session)) == before
    assert not smtp_server.to("ann.lee@east.example")
    assert not session.scalars(select(AuditEntry).where(
        AuditEntry.action == "council.created")).all()


def test_pressing_create_twice_makes_one_council_and_sends_one_invitation(
        client, session, smtp_server):
    _consortium_admin(client, session)
    page = client.get("/consortium/councils/new").get_data(as_text=True)
    form = [f for f in forms_in(page) if f["method"].lower() == "post"][-1]  # not sign-out
    fields = {**form["fields"], **NEW_COUNCIL}
    first = client.post("/consortium/councils/new", data=fields)
    second = client.post("/consortium/councils/new", data=fields)
    assert first.status_code == second.status_code == 302
    assert "East District Council is created" in text_of(client.get("/consortium"))
    assert [c.name for c in councils.all_councils(session)].count("East District Council") == 1
    assert len(smtp_server.to("ann.lee@east.example")) == 1
    assert len(session.scalars(select(AuditEntry).where(
        AuditEntry.action == "council.created")).all()) == 1


SETTINGS = {"header_text": "  East   District  ", "statement_url": "https://east.example/mss",
            "time_zone": "Europe/London", "reattestation_months": "12",
            "reminder_days": "7, 30 ,14,14", "pack_author": "Head of Procurement",
            "pack_approvers": "Director of Finance\r\n\r\n  Chief Executive  "}


def test_a_councils_admin_changes_its_own_settings_audited(client, session):
    west = _second_council(session)
    create_user(session, "admin.west@example.org", "admin", PASSWORD, council_id=west.id)
    session.commit()
    one_before = {column: getattr(_council_one(session), column)
                  for column in ("header_text", "time_zone", "reminder_days")}
    client.sign_in("admin.west@example.org", PASSWORD)
    assert "Council settings" in text_of(client.get("/admin/users"))

    response = client.submit("/admin/council", SETTINGS)
    assert response.status_code == 302
    assert "The council&#39;s settings are saved" in text_of(client.get("/admin/council"))
    session.refresh(west)
    assert (west.header_text, west.statement_url, west.time_zone, west.reattestation_months,
            west.reminder_days, west.pack_author, west.pack_approvers) == (
        "East District", "https://east.example/mss", "Europe/London", 12, "30,14,7",
        "Head of Procurement", "Director of Finance\nChief Executive")
    [entry] = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "council.settings_changed")).all()
    assert entry.council_id == west.id and entry.actor_email == "admin.west@example.org"
    assert entry.after["reminder_days"] == "30,14,7" and entry.before["reminder_days"] is None
    assert "time_zone" not in entry.after  # unchanged, so not listed
    # The header shows the new text; the other council is untouched.
    assert "East District" in text_of(client.get("/admin/council")).split("<main", 1)[0]
    session.refresh(_council_one(session))
    assert {column: getattr(_council_one(session), column) for column in one_before} == one_before

    # Blank months go back to the risk band; the same values again change nothing.
    client.submit("/admin/council", {**SETTINGS, "reattestation_months": ""})
    session.refresh(west)
    assert west.reattestation_months is None
    again = client.submit("/admin/council", {**SETTINGS, "reattestation_months": ""})
    assert again.status_code == 302
    assert len(session.scalars(select(AuditEntry).where(
        AuditEntry.action == "council.settings_changed")).all()) == 2


@pytest.mark.parametrize(("field", "value", "message"), [
    ("header_text", "", "Enter the header text, like the council's name"),
    ("time_zone", "Mars/Olympus", "‘Mars/Olympus’ is not a time zone we know: enter one like "
                                  "Europe/London"),
    ("time_zone", "../../etc/passwd", "is not a time zone we know"),
    ("reattestation_months", "0", "Months between declarations must be a whole number from 1"),
    ("reattestation_months", "twelve", "Months between declarations must be a whole number"),
    ("reminder_days", "30, fourteen", "Enter reminder days as whole numbers separated by commas"),
    ("reminder_days", "400", "Each reminder day must be from 1 to 365"),
    ("statement_url", "javascript:alert(1)", "Enter the statement page address in the correct"),
])
def test_a_mistake_in_the_councils_settings_is_explained_and_nothing_changes(
        client, session, field, value, message):
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    before = _council_one(session).time_zone, _council_one(session).header_text
    client.sign_in("admin@example.org", PASSWORD)
    response = client.submit("/admin/council", {**SETTINGS, field: value})
    assert response.status_code == 200
    [shown] = _error_summary(response)
    assert message in shown
    assert f'href="#{field}"' in response.get_data(as_text=True)
    session.refresh(_council_one(session))
    assert (_council_one(session).time_zone, _council_one(session).header_text) == before


def test_the_header_names_the_partnership_for_a_consortium_admin_and_for_suppliers(
        app, client, session):
    service_name = app.config["SUPPLIER_DD_SETTINGS"].council_name
    one = _council_one(session)
    one.header_text = "Council One Header"
    contact = make_user(session, "supplier", email="contact@example.org")
    make_user(session, "officer", email="officer@example.org")
    session.commit()

    def header(email: str) -> str:
        _sign_out(client)
        client.sign_in(email, PASSWORD)
        page = client.get("/account/notifications").get_data(as_text=True)
        return page.split("<main", 1)[0]

    assert "Council One Header" in header("officer@example.org")
    _sign_out(client)
    _consortium_admin(client, session)
    page = client.get("/consortium").get_data(as_text=True).split("<main", 1)[0]
    assert "Council One Header" not in page and service_name in page
    # One council: its supplier contacts see it named. Several: the partnership's name.
    assert "Council One Header" in header(contact.email)
    _second_council(session)
    assert "Council One Header" not in header(contact.email)
    assert service_name in header(contact.email)
    # A partnership names itself: then no page for no one council shows council one's name.
    app.config["SUPPLIER_DD_SETTINGS"] = replace(app.config["SUPPLIER_DD_SETTINGS"],
                                                 partnership_name="Three Rivers Partnership")
    for email in (contact.email, "consortium@example.org"):
        shown = header(email)
        assert "Three Rivers Partnership" in shown
        assert one.name not in shown and "Council One Header" not in shown
    assert "Council One Header" in header("officer@example.org")
