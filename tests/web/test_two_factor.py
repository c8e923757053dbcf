"""Two-step sign-in through the real app: the code page after the password, replay refused,
recovery codes used once, the 5-minute wait, staff kept on set-up until enrolled, the sessions
page and an admin's reset.

The suite's app runs with SUPPLIER_DD_STAFF_MFA=optional (tests/plugins/apps.py) so the rest of
the suite can sign staff in with a password; these tests turn "required" back on, the default a
council runs with. The clock the code pages read is fixed (monkeypatched `utcnow`), so a code
never changes under a test at a 30-second boundary."""

from __future__ import annotations

from datetime import datetime, timedelta

import pyotp
import pytest

from supplier_dd.models import AuditEntry, OutboxMessage, User, UserSession
from supplier_dd.models.base import utcnow
from supplier_dd.services import audit, two_factor
from tests.factories import PASSWORD, make_user
from tests.helpers import FormClient, any_csrf_token, csrf_token_in, text_of

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def app_env():
    # The default councils run with; the rest of the suite uses "optional" (see module doc).
    return {"SUPPLIER_DD_STAFF_MFA": "required", "SUPPLIER_DD_LOGIN_RATE_LIMIT": "100 per minute"}


@pytest.fixture
def clock(monkeypatch):
    """The time the code pages see, moved on by tests."""
    # Five seconds into a 30-second step, so a test that moves on a few seconds stays in the
    # same step (a start at :27 moved on 5 s would be a new step, and a new code, 1 run in 6).
    now = utcnow().replace(microsecond=0)
    state = {"now": now - timedelta(seconds=now.second % 30) + timedelta(seconds=5)}
    monkeypatch.setattr("supplier_dd.web.two_factor.utcnow", lambda: state["now"])
    return state


def enrol(session, user, now: datetime) -> list[str]:
    user.totp_secret = SECRET
    user.totp_enrolled_at = now - timedelta(days=1)
    codes = two_factor.regenerate_recovery_codes(session, user, now, actor=audit.SYSTEM)
    session.commit()
    return codes


def code_at(moment: datetime) -> str:
    return pyotp.TOTP(SECRET).at(moment)


def actions(session, action: str) -> list[AuditEntry]:
    return session.query(AuditEntry).filter_by(action=action).all()


def post(client, path: str):
    """Press a button on a page: a POST with the session's CSRF token and nothing else."""
    return client.post(path, data={"csrf_token": any_csrf_token(client)})


def sign_out(client) -> None:
    assert client.post("/sign-out", data={"csrf_token": any_csrf_token(client)}).status_code == 302


def password_step(client, email: str):
    response = client.submit("/sign-in", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def test_the_password_alone_signs_nobody_in_and_the_code_finishes_it(client, session, clock):
    officer = make_user(session, "officer", email="officer@example.org")
    enrol(session, officer, clock["now"])

    response = password_step(client, "officer@example.org")
    assert response.headers["Location"].endswith("/sign-in/code")
    assert client.get("/officer/risk/").status_code == 302  # not signed in yet
    assert session.query(UserSession).count() == 0

    page = client.get("/sign-in/code")
    assert "Enter the 6-digit code from your authenticator app" in text_of(page)
    response = client.submit("/sign-in/code", {"code": code_at(clock["now"])})
    assert response.status_code == 302
    assert client.get("/officer/risk/").status_code == 200
    [entry] = actions(session, "auth.sign_in")
    assert entry.details["second_step"] == "totp"


def test_a_wrong_code_is_refused_counted_and_audited(client, session, clock):
    officer = make_user(session, "officer", email="officer@example.org")
    enrol(session, officer, clock["now"])
    password_step(client, "officer@example.org")
    wrong = "000000" if code_at(clock["now"]) != "000000" else "111111"

    response = client.submit("/sign-in/code", {"code": wrong})
    assert response.status_code == 200
    assert "The code is not right" in text_of(response)
    assert "There is a problem" in text_of(response)
    assert client.get("/officer/risk/").status_code == 302
    session.refresh(officer)
    assert officer.failed_sign_ins == 1
    [entry] = actions(session, "auth.mfa_failed")
    assert entry.details == {"method": "totp", "reason": "wrong"}


def test_wrong_codes_lock_the_account_like_wrong_passwords(client, session, clock):
    officer = make_user(session, "officer", email="officer@example.org")
    enrol(session, officer, clock["now"])
    password_step(client, "officer@example.org")
    for _ in range(10):
        client.submit("/sign-in/code", {"code": "999999"})
    response = client.submit("/sign-in/code", {"code": code_at(clock["now"])})
    assert "Too many wrong attempts" in text_of(response)
    assert client.get("/officer/risk/").status_code == 302
    assert actions(session, "auth.account_locked")


def test_a_code_used_once_is_refused_the_second_time(client, session, clock, app):
    officer = make_user(session, "officer", email="officer@example.org")
    enrol(session, officer, clock["now"])
    password_step(client, "officer@example.org")
    client.submit("/sign-in/code", {"code": code_at(clock["now"])})
    sign_out(client)

    clock["now"] += timedelta(seconds=5)
    password_step(client, "officer@example.org")
    response = client.submit("/sign-in/code", {"code": code_at(clock["now"])})
    assert "This code has already been used - wait for the next one" in text_of(response)
    assert client.get("/officer/risk/").status_code == 302


def test_a_code_from_the_previous_window_is_refused_once_a_newer_one_was_used(
        client, session, clock):
    officer = make_user(session, "officer", email="officer@example.org")
    enrol(session, officer, clock["now"])
    earlier = clock["now"]
    clock["now"] += timedelta(seconds=30)
    password_step(client, "officer@example.org")
    client.submit("/sign-in/code", {"code": code_at(clock["now"])})
    sign_out(client)

    # Within the clock-drift window, so only the replay rule stops it.
    password_step(client, "officer@example.org")
    response = client.submit("/sign-in/code", {"code": code_at(earlier)})
    assert "already been used" in text_of(response)
    assert client.get("/officer/risk/").status_code == 302


def test_a_recovery_code_signs_in_once_only(client, session, clock):
    officer = make_user(session, "officer", email="officer@example.org")
    codes = enrol(session, officer, clock["now"])
    password_step(client, "officer@example.org")
    response = client.submit("/sign-in/recovery-code", {"code": codes[0].upper()})
    assert response.status_code == 302
    assert "You have 9 recovery codes left" in text_of(client.get("/officer/risk/"))
    sign_out(client)

    password_step(client, "officer@example.org")
    response = client.submit("/sign-in/recovery-code", {"code": codes[0]})
    assert "That recovery code is not right or has already been used" in text_of(response)
    assert client.get("/officer/risk/").status_code == 302


def test_the_code_page_waits_five_minutes_then_asks_for_the_password_again(
        client, session, clock):
    officer = make_user(session, "officer", email="officer@example.org")
    enrol(session, officer, clock["now"])
    password_step(client, "officer@example.org")
    token = csrf_token_in(client.get("/sign-in/code").get_data(as_text=True))
    clock["now"] += timedelta(minutes=6)
    response = client.post("/sign-in/code", data={"code": code_at(clock["now"]),
                                                  "csrf_token": token})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sign-in")
    assert "longer than 5 minutes" in text_of(client.get("/sign-in"))
    assert client.get("/officer/risk/").status_code == 302


def test_staff_without_a_second_step_are_kept_on_set_up_until_they_enrol(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    response = password_step(client, "officer@example.org")
    assert response.headers["Location"].endswith("/account/two-factor")
    dashboard = client.get("/officer/risk/")
    assert dashboard.status_code == 302 and dashboard.headers["Location"].endswith(
        "/account/two-factor")
    assert client.get("/account/sessions").status_code == 302

    page = client.get("/account/two-factor")
    assert "Council staff must use two-step sign-in" in text_of(page)
    secret = session.query(User).filter_by(email="officer@example.org").one().totp_secret
    assert " ".join(secret[i:i + 4] for i in range(0, 32, 4)) in text_of(page)
    response = client.submit("/account/two-factor", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 200
    assert "Save your recovery codes" in text_of(response)
    assert text_of(response).count("<li><code>") == 10
    assert client.get("/officer/risk/").status_code == 200
    assert actions(session, "auth.mfa_enrolled")


def test_suppliers_may_sign_in_without_a_second_step(client, session):
    make_user(session, "supplier", email="supplier@example.org")
    session.commit()
    response = password_step(client, "supplier@example.org")
    assert not response.headers["Location"].endswith("/account/two-factor")
    assert "Protect your account with a second step" in text_of(client.get("/account/sessions"))


def test_sessions_page_ends_other_sessions_and_everywhere(app, client, session):
    make_user(session, "supplier", email="supplier@example.org")
    session.commit()
    app.test_client_class = FormClient
    other = app.test_client()
    other.sign_in("supplier@example.org", PASSWORD)
    client.sign_in("supplier@example.org", PASSWORD)

    page = text_of(client.get("/account/sessions"))
    assert "This device" in page and page.count("govuk-summary-card__title\"") == 2
    post(client, "/account/sessions/end-others")
    assert other.get("/account/sessions").status_code == 302
    assert client.get("/account/sessions").status_code == 200
    [entry] = actions(session, "auth.session_ended")
    assert entry.details["reason"] == "ended_by_user"

    response = post(client, "/account/sessions/end-all")
    assert response.headers["Location"].endswith("/sign-in")
    assert client.get("/account/sessions").status_code == 302


def test_an_admin_resets_a_second_step_signs_them_out_and_emails_them(app, client, session,
                                                                       clock):
    officer = make_user(session, "officer", email="officer@example.org")
    make_user(session, "admin", email="admin@example.org")
    enrol(session, officer, clock["now"])
    app.test_client_class = FormClient
    theirs = app.test_client()
    password_step(theirs, "officer@example.org")
    theirs.submit("/sign-in/code", {"code": code_at(clock["now"])})
    assert theirs.get("/officer/risk/").status_code == 200

    admin = session.query(User).filter_by(email="admin@example.org").one()
    enrol(session, admin, clock["now"])
    password_step(client, "admin@example.org")
    client.submit("/sign-in/code", {"code": code_at(clock["now"] + timedelta(seconds=30))})
    page = client.get(f"/admin/users/{officer.id}")
    assert "Reset two-step sign-in" in text_of(page)
    response = post(client, f"/admin/users/{officer.id}/two-factor/reset")
    assert response.status_code == 302

    session.refresh(officer)
    assert officer.totp_enrolled_at is None and officer.totp_secret is None
    assert theirs.get("/officer/risk/").status_code == 302
    [entry] = actions(session, "auth.mfa_reset")
    assert entry.details["sessions_ended"] == 1
    message = session.query(OutboxMessage).filter_by(kind="two_factor_reset").one()
    assert message.recipient == "officer@example.org"


def test_an_admin_signs_a_leaver_out_everywhere(app, client, session):
    make_user(session, "admin", email="admin@example.org")
    leaver = make_user(session, "supplier", email="supplier@example.org")
    session.commit()
    app.test_client_class = FormClient
    theirs = app.test_client()
    theirs.sign_in("supplier@example.org", PASSWORD)
    admin = session.query(User).filter_by(email="admin@example.org").one()
    enrol(session, admin, utcnow())
    password_step(client, "admin@example.org")
    client.submit("/sign-in/code", {"code": pyotp.TOTP(SECRET).now()})

    assert "Sign out of all sessions" in text_of(client.get(f"/admin/users/{leaver.id}"))
    response = post(client, f"/admin/users/{leaver.id}/sessions/end")
    assert response.status_code == 302
    assert theirs.get("/supplier/").status_code == 302
    [entry] = actions(session, "auth.session_ended")
    assert entry.details["reason"] == "ended_by_admin"


# Control characters are refused for the whole site by web/input_guard.py (400 with its own
# page); what reaches the code pages must get their error summary.
HOSTILE_CODES = ["", " ", "0", "-1", "99999999999999999999", "' OR '1'='1", "١٢٣٤٥٦",
                 "<script>alert(1)</script>", "😀" * 50, "A" * 5000, "{{ 7*7 }}"]


@pytest.mark.parametrize("path", ["/sign-in/code", "/sign-in/recovery-code"])
def test_hostile_codes_get_a_clear_error_and_sign_nobody_in(client, session, clock, path):
    officer = make_user(session, "officer", email="officer@example.org")
    enrol(session, officer, clock["now"])
    password_step(client, "officer@example.org")
    token = csrf_token_in(client.get(path).get_data(as_text=True))
    for code in HOSTILE_CODES:
        response = client.post(path, data={"code": code, "csrf_token": token})
        assert response.status_code == 200, repr(code[:20])
        assert "There is a problem" in text_of(response)
    assert client.get("/officer/risk/").status_code == 302


def test_a_supplier_makes_new_recovery_codes_and_turns_the_second_step_off(client, session,
                                                                          clock):
    supplier = make_user(session, "supplier", email="supplier@example.org")
    old_codes = enrol(session, supplier, clock["now"])
    password_step(client, "supplier@example.org")
    client.submit("/sign-in/code", {"code": code_at(clock["now"])})

    assert "Make new recovery codes" in text_of(client.get("/account/two-factor"))
    page = post(client, "/account/two-factor/recovery-codes")
    assert "You will not see these codes again" in text_of(page)
    assert old_codes[0] not in text_of(page)
    assert two_factor.use_recovery_code(session, supplier, old_codes[0], clock["now"]).outcome \
        == "wrong"

    response = post(client, "/account/two-factor/turn-off")
    assert response.status_code == 302
    session.refresh(supplier)
    assert supplier.totp_enrolled_at is None
    assert actions(session, "auth.mfa_turned_off")


def test_staff_cannot_turn_off_a_required_second_step(client, session, clock):
    officer = make_user(session, "officer", email="officer@example.org")
    enrol(session, officer, clock["now"])
    password_step(client, "officer@example.org")
    client.submit("/sign-in/code", {"code": code_at(clock["now"])})
    page = text_of(client.get("/account/two-factor"))
    assert "Council staff must keep two-step sign-in" in page
    assert "Turn off two-step sign-in</button>" not in page
    response = post(client, "/account/two-factor/turn-off")
    assert response.status_code == 302
    session.refresh(officer)
    assert officer.totp_enrolled_at is not None


def test_ending_one_other_session_leaves_this_one(app, client, session):
    make_user(session, "supplier", email="supplier@example.org")
    session.commit()
    app.test_client_class = FormClient
    other = app.test_client()
    other.sign_in("supplier@example.org", PASSWORD)
    theirs = session.query(UserSession).order_by(UserSession.id).first()
    client.sign_in("supplier@example.org", PASSWORD)
    assert f"/account/sessions/{theirs.id}/end" in text_of(client.get("/account/sessions"))
    response = post(client, f"/account/sessions/{theirs.id}/end")
    assert response.status_code == 302
    assert other.get("/account/sessions").status_code == 302
    assert client.get("/account/sessions").status_code == 200


@pytest.mark.parametrize("password", ["Password1234!", "supplier@example.org"])
def test_a_common_or_personal_password_is_refused_on_reset(client, session, password):
    from supplier_dd.services import password_resets

    make_user(session, "supplier", email="supplier@example.org")
    link = password_resets.request_reset(session, "supplier@example.org", utcnow())
    session.commit()
    response = client.submit(f"/reset-password/{link.token}",
                             {"password": password, "confirm": password})
    assert response.status_code == 200
    assert "This password is too common. Choose a longer phrase, like three random words." \
        in text_of(response)


@pytest.mark.parametrize("app_env", [{"SUPPLIER_DD_STAFF_MFA": "required",
                                      "SUPPLIER_DD_LOGIN_RATE_LIMIT": "5 per minute"}])
def test_wrong_passwords_and_wrong_codes_share_one_rate_limit(client, session, clock):
    officer = make_user(session, "officer", email="officer@example.org")
    enrol(session, officer, clock["now"])
    for _ in range(3):
        client.submit("/sign-in", {"email": "officer@example.org", "password": "wrong-password"})
    password_step(client, "officer@example.org")
    token = csrf_token_in(client.get("/sign-in/code").get_data(as_text=True))
    answers = [client.post("/sign-in/code", data={"code": "999999", "csrf_token": token})
               .status_code for _ in range(3)]
    assert answers == [200, 200, 429]  # 3 passwords + 2 codes used the 5 failures allowed


def test_a_common_password_is_refused_when_accepting_an_invitation(client, session):
    from supplier_dd.services.invitations import create_invitation
    from tests.factories import make_supplier

    officer = make_user(session, "officer", email="officer@example.org")
    _invitation, token = create_invitation(session, make_supplier(session), "new@example.org",
                                           "New Contact", officer, utcnow(), 72)
    session.commit()
    response = client.submit(f"/invitation/{token}",
                             {"password": "qwertyuiop123", "confirm": "qwertyuiop123"})
    assert response.status_code == 200
    assert "This password is too common" in text_of(response)
    assert session.query(User).filter_by(email="new@example.org").count() == 0
    response = client.submit(f"/invitation/{token}", {"password": "tangerine lamp orbit",
                                                      "confirm": "tangerine lamp orbit"})
    assert response.status_code == 302
