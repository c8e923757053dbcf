"""An admin opens one outbox message (issue 21): its status, attempts and error, the plain text
and the HTML part in a sandboxed frame that runs nothing; sign-in links are hidden."""

from __future__ import annotations

import re

from sqlalchemy import update

from supplier_dd.models import OutboxMessage
from supplier_dd.services.outbox import FAILED
from tests.admin_helpers import TOKEN, add_outbox_message
from tests.factories import PASSWORD, make_user
from tests.helpers import text_of


def _admin_and_message(client, session, **values) -> int:
    make_user(session, "admin", email="admin@example.org")
    message_id = add_outbox_message(session)
    if values:
        session.execute(update(OutboxMessage).values(**values))
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    return message_id


def test_admin_reads_a_message_with_its_delivery_record(client, session):
    message_id = _admin_and_message(client, session, status=FAILED, attempts=8,
                                    last_error="550 Mailbox does not exist")
    listing = client.get("/admin/outbox").get_data(as_text=True)
    assert f'href="/admin/outbox/{message_id}"' in listing

    page = client.get(f"/admin/outbox/{message_id}")
    assert page.status_code == 200
    text = text_of(page)
    assert "new.person@council.example" in text and "Set up your account" in text
    assert "Failed" in text and "550 Mailbox does not exist" in text
    assert re.search(r"Attempts\s*</dt>\s*<dd[^>]*>\s*8\s*</dd>", text)
    assert "Set your password using this link" in text
    assert "Retry this message" in text
    # The token in the link would let an admin set someone else's password: hidden.
    assert TOKEN not in text
    assert "/invitation/(hidden)" in text
    # The HTML part is never markup in the admin's page, only in a sandboxed frame.
    assert "<p>Hello,</p>" not in text and "&lt;p&gt;Hello" not in text
    frame = f'sandbox="" src="/admin/outbox/{message_id}/email.html"'
    assert f'<iframe class="app-email-frame" {frame}' in text


def test_the_html_part_is_served_sandboxed_for_this_site_only(client, session):
    message_id = _admin_and_message(
        client, session,
        body_html='<p onclick="steal()">Hi</p><script>alert(1)</script><img src="https://x.example/t.gif">')
    frame = client.get(f"/admin/outbox/{message_id}/email.html")
    assert frame.status_code == 200 and frame.mimetype == "text/html"
    policy = frame.headers["Content-Security-Policy"]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'self'" in policy and "script-src" not in policy
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"
    # The admin's own page keeps the site's policy, which refuses every frame elsewhere.
    page = client.get(f"/admin/outbox/{message_id}")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"
    assert client.get("/admin/outbox/999999/email.html").status_code == 404


def test_only_admins_read_messages(client, session):
    message_id = add_outbox_message(session)
    for role in ("officer", "legal", "safeguarding"):
        make_user(session, role, email=f"{role}@example.org")
    session.commit()
    for role in ("officer", "legal", "safeguarding"):
        with client.session_transaction() as flask_session:
            flask_session.clear()
        client.sign_in(f"{role}@example.org", PASSWORD)
        assert client.get(f"/admin/outbox/{message_id}").status_code == 403
        assert client.get(f"/admin/outbox/{message_id}/email.html").status_code == 403
