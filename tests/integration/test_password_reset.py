"""'Forgotten your password?' (issue 21): a link by email through the outbox and real SMTP, one
use, one hour, the same answer for every address, and every other session ended."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from supplier_dd.jobs.reminders import run_send
from supplier_dd.models import AuditEntry, OutboxMessage, PasswordResetToken, User, UserSession
from supplier_dd.models.base import utcnow
from supplier_dd.services.password_resets import LINK_LIFETIME
from tests.factories import PASSWORD, make_user
from tests.helpers import any_csrf_token, text_of

NEW_PASSWORD = "correct horse battery staple"


def _ask(client, email: str):
    response = client.submit("/forgotten-password", {"email": email})
    assert response.status_code == 302
    assert response.headers["Location"] == "/forgotten-password/sent"
    page = text_of(client.get(response.headers["Location"]))
    # What the person reads: the main content, without tags (the nonce and token differ).
    main = re.search(r"<main.*?</main>", page).group(0)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)).strip()


def _link_path(app, session, smtp_server, email: str) -> str:
    run_send(app, session, utcnow)
    [message] = smtp_server.to(email)
    assert message.subject.endswith(": reset your password")
    link = next(word for word in message.text().split() if "/reset-password/" in word)
    assert link in message.html()
    return "/reset-password/" + link.split("/reset-password/", 1)[1]


@pytest.fixture
def officer(session):
    user = make_user(session, "officer", email="officer@example.org")
    session.commit()
    return user


def test_a_reset_link_works_once_and_ends_every_other_session(
    app, client, session, smtp_server, officer
):
    other_browser = app.test_client()  # a FormClient too: the client fixture set the class
    other_browser.sign_in("officer@example.org", PASSWORD)
    assert other_browser.get("/officer/risk/").status_code == 200

    page = _ask(client, "Officer@Example.org ")
    assert "If officer@example.org has an account, we have sent it a link" in page
    path = _link_path(app, session, smtp_server, "officer@example.org")
    stored = session.query(PasswordResetToken).one()
    assert path.rsplit("/", 1)[1] not in stored.token_hash  # only the hash is kept
    assert stored.expires_at - stored.created_at == LINK_LIFETIME == timedelta(hours=1)

    form = client.get(path)
    assert form.status_code == 200 and "officer@example.org" in text_of(form)
    too_short = client.submit(path, {"password": "short", "confirm": "short"})
    assert "Password must be 12 characters or more" in text_of(too_short)
    assert "There is a problem" in text_of(too_short)

    changed = client.submit(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert changed.status_code == 302 and changed.headers["Location"] == "/officer/risk/"
    landed = text_of(client.get("/officer/risk/"))
    assert "Your password has been changed. You have been signed out everywhere else." in landed

    # The other browser is signed out; the old password no longer works, the new one does.
    assert other_browser.get("/officer/risk/").status_code == 302
    ended = session.query(UserSession).filter(UserSession.ended_reason == "password_reset")
    assert ended.count() == 1
    fresh = app.test_client()
    assert "Enter a correct email address and password" in text_of(
        fresh.submit("/sign-in", {"email": "officer@example.org", "password": PASSWORD}))
    assert fresh.submit("/sign-in", {"email": "officer@example.org",
                                     "password": NEW_PASSWORD}).status_code == 302

    # The link is used up: a clear page with the way to ask for another, and no change.
    again = fresh.get(path)
    assert again.status_code == 410
    assert "already been used" in text_of(again) and "Ask for a new link" in text_of(again)
    actions = [a for (a,) in session.query(AuditEntry.action)]
    assert "auth.password_reset_requested" in actions and "auth.password_reset" in actions


def test_an_expired_link_is_refused_and_the_password_is_unchanged(
    app, client, session, smtp_server, officer
):
    _ask(client, "officer@example.org")
    path = _link_path(app, session, smtp_server, "officer@example.org")
    record = session.query(PasswordResetToken).one()
    record.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    expired = client.get(path)
    assert expired.status_code == 410
    assert "This link has expired" in text_of(expired)
    assert "/forgotten-password" in expired.get_data(as_text=True)
    posted = client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD,
                                     "csrf_token": any_csrf_token(client)})
    assert posted.status_code == 410
    client.sign_in("officer@example.org", PASSWORD)  # the old password still works

    altered = client.get(path[:-4] + "abcd")
    assert altered.status_code == 404 and "not valid" in text_of(altered)


def test_a_newer_link_replaces_the_older_one(app, client, session, smtp_server, officer):
    _ask(client, "officer@example.org")
    first = _link_path(app, session, smtp_server, "officer@example.org")
    _ask(client, "officer@example.org")
    run_send(app, session, utcnow)
    second = next(word for word in smtp_server.to("officer@example.org")[1].text().split()
                  if "/reset-password/" in word)
    assert client.get(first).status_code == 410
    assert client.get("/reset-password/" + second.split("/reset-password/")[1]).status_code == 200


def test_an_unknown_address_gets_the_same_page_and_no_email(
    app, client, session, smtp_server, officer
):
    known = _ask(client, "officer@example.org")
    unknown = _ask(client, "nobody@example.org")
    assert unknown == known.replace("officer@example.org", "nobody@example.org")
    run_send(app, session, utcnow)
    assert smtp_server.to("nobody@example.org") == []
    assert session.query(OutboxMessage).filter_by(recipient="nobody@example.org").count() == 0
    assert len(smtp_server.to("officer@example.org")) == 1

    # A deactivated account is treated as unknown.
    officer = session.get(User, officer.id)
    officer.active = False
    session.commit()
    _ask(client, "officer@example.org")
    run_send(app, session, utcnow)
    assert len(smtp_server.to("officer@example.org")) == 1


def test_bad_addresses_are_explained_and_asking_is_rate_limited(client, session, officer):
    empty = client.submit("/forgotten-password", {"email": ""})
    assert empty.status_code == 200 and "Enter your email address" in text_of(empty)
    malformed = client.submit("/forgotten-password", {"email": "not an address"})
    assert "Enter an email address in the correct format" in text_of(malformed)
    for _ in range(3):
        client.submit("/forgotten-password", {"email": "someone@example.org"})
    blocked = client.submit("/forgotten-password", {"email": "someone@example.org"})
    assert blocked.status_code == 429


def test_the_sign_in_page_links_to_the_reset(client):
    page = client.get("/sign-in").get_data(as_text=True)
    assert 'href="/forgotten-password">Forgotten your password?</a>' in page


def test_one_account_gets_at_most_three_links_an_hour(app, client, session, smtp_server,
                                                      officer):
    app.config["RATELIMIT_ENABLED"] = False
    for _ in range(5):
        _ask(client, "officer@example.org")
    run_send(app, session, utcnow)
    assert len(smtp_server.to("officer@example.org")) == 3
