"""Admins create council staff accounts on the web (issue 21): an invitation email to set a
password, through the outbox; the invitations still open, resent or withdrawn."""

from __future__ import annotations

from sqlalchemy import select

from supplier_dd.models import AuditEntry, Invitation, User
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import csrf_token_in, forms_in, text_of

NEW_PERSON = {"name": "Priya Shah", "email": "Priya.Shah@Council.example", "role": "legal"}


def _admin(client, session):
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)


def _link_in(message) -> str:
    link = next(word for word in message.text().split() if "/invitation/" in word)
    return link.split("127.0.0.1:5000", 1)[1]


def _sign_out(client):
    with client.session_transaction() as flask_session:
        flask_session.clear()


def _form(client, button: str) -> dict:
    """The first invitation's Resend or Withdraw form on the invitations page."""
    page = client.get("/admin/invitations").get_data(as_text=True)
    return next(f for f in forms_in(page) if f["action"].endswith(f"/{button}"))


def _press(client, button: str):
    form = _form(client, button)
    return client.post(form["action"], data=form["fields"])


def _actions(session) -> list[str]:
    return session.scalars(select(AuditEntry.action).order_by(AuditEntry.sequence)).all()


def test_admin_creates_a_staff_account_and_the_person_sets_their_password(
        client, session, smtp_server):
    _admin(client, session)
    form = text_of(client.get("/admin/users/new"))
    for role in ("Officer", "Legal", "Safeguarding", "Admin"):
        assert role in form

    response = client.submit("/admin/users/new", NEW_PERSON)
    assert response.status_code == 302 and response.headers["Location"] == "/admin/invitations"
    [message] = smtp_server.to("priya.shah@council.example")
    assert "set up your account" in message.subject
    assert "Your role is Legal" in message.text()
    assert "Set your password and sign in" in message.html()
    listed = text_of(client.get("/admin/invitations"))
    assert "Invitation sent to priya.shah@council.example" in listed
    assert "Priya Shah" in listed and "Legal" in listed and "Expires" in listed
    created = session.scalar(select(AuditEntry).where(AuditEntry.action == "invitation.created"))
    assert created.after["role"] == "legal" and created.actor_email == "admin@example.org"

    path = _link_in(message)
    _sign_out(client)
    assert "as <strong>legal</strong>" in text_of(client.get(path))
    accepted = client.submit(path, {"password": "a-long-enough-pass",
                                    "confirm": "a-long-enough-pass"})
    assert accepted.status_code == 302
    user = session.scalar(select(User).where(User.email == "priya.shah@council.example"))
    assert user.role == "legal" and user.supplier_id is None and user.name == "Priya Shah"
    assert "invitation.accepted" in _actions(session)


def test_an_address_with_an_account_or_an_open_invitation_is_refused(
        client, session, smtp_server):
    _admin(client, session)
    make_user(session, "officer", email="taken@council.example")
    session.commit()
    refused = client.submit("/admin/users/new", {**NEW_PERSON, "email": "Taken@council.example"})
    assert refused.status_code == 200
    page = text_of(refused)
    assert "There is a problem" in page
    assert "taken@council.example already has an account" in page
    assert smtp_server.messages == []

    client.submit("/admin/users/new", NEW_PERSON)
    again = client.submit("/admin/users/new", {**NEW_PERSON, "name": "P Shah"})
    assert "An invitation to priya.shah@council.example is already waiting" in text_of(again)
    assert len(smtp_server.messages) == 1
    assert session.query(Invitation).count() == 1


def test_the_same_create_form_sent_twice_sends_one_invitation(client, session, smtp_server):
    _admin(client, session)
    page = client.get("/admin/users/new").get_data(as_text=True)
    data = {**NEW_PERSON, "csrf_token": csrf_token_in(page)}
    first = client.post("/admin/users/new", data=data)
    second = client.post("/admin/users/new", data=data)
    assert first.status_code == second.status_code == 302
    assert len(smtp_server.to("priya.shah@council.example")) == 1
    assert session.query(Invitation).count() == 1
    assert _actions(session).count("invitation.created") == 1


def test_resending_sends_a_new_link_once_and_the_old_link_stops_working(
        client, session, smtp_server):
    _admin(client, session)
    client.submit("/admin/users/new", NEW_PERSON)
    [first] = smtp_server.messages
    old_path = _link_in(first)

    # Two copies of the same press (a double click): the form carries the same send count.
    resend = _form(client, "resend")
    for _ in range(2):
        answer = client.post(resend["action"], data=resend["fields"])
        assert answer.status_code == 302
    assert len(smtp_server.messages) == 2
    second = smtp_server.messages[1]
    assert second.key != first.key
    new_path = _link_in(second)
    assert new_path != old_path
    assert "no longer works" in text_of(client.get("/admin/invitations"))
    assert _actions(session).count("invitation.resent") == 1
    resent = session.scalar(select(AuditEntry).where(AuditEntry.action == "invitation.resent"))
    assert resent.before["send_count"] == 1 and resent.after["send_count"] == 2

    # A press made from the refreshed page is a new press: it sends again.
    _press(client, "resend")
    assert len(smtp_server.messages) == 3

    _sign_out(client)
    assert client.get(old_path).status_code == 404
    assert "not valid" in text_of(client.get(old_path))
    assert client.get(new_path).status_code == 404  # superseded by the third email
    assert client.get(_link_in(smtp_server.messages[2])).status_code == 200


def test_withdrawing_an_invitation_ends_its_link(client, session, smtp_server):
    _admin(client, session)
    client.submit("/admin/users/new", NEW_PERSON)
    path = _link_in(smtp_server.messages[0])
    withdrawn = _press(client, "withdraw")
    assert withdrawn.status_code == 302
    page = text_of(client.get("/admin/invitations"))
    assert "The invitation to priya.shah@council.example is withdrawn" in page
    assert "Every invitation has been accepted or withdrawn" in page
    assert "invitation.withdrawn" in _actions(session)
    _sign_out(client)
    gone = client.get(path)
    assert gone.status_code == 404 and "withdrawn" in text_of(gone)


def test_supplier_contact_invitations_are_listed_and_resent_with_their_organisation(
        client, session, smtp_server):
    supplier = make_supplier(session, name="Acme Cleaning Ltd")
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    client.submit(f"/officer/suppliers/{supplier.id}/invite",
                  {"name": "Jo Bloggs", "email": "jo@acme.example"})
    _sign_out(client)
    _admin(client, session)
    listed = text_of(client.get("/admin/invitations"))
    assert "Supplier contact for Acme Cleaning Ltd" in listed
    _press(client, "resend")
    resent = smtp_server.to("jo@acme.example")
    assert len(resent) == 2 and "Acme Cleaning Ltd" in resent[1].text()


def test_only_admins_reach_the_staff_account_pages(client, session):
    for role in ("officer", "legal", "safeguarding"):
        make_user(session, role, email=f"{role}@example.org")
    session.commit()
    for role in ("officer", "legal", "safeguarding"):
        _sign_out(client)
        client.sign_in(f"{role}@example.org", PASSWORD)
        assert client.get("/admin/users/new").status_code == 403
        assert client.get("/admin/invitations").status_code == 403
