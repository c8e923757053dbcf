"""Re-attestation reminders end to end, through a real SMTP server, with the clock passed in."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
from collections import defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from supplier_dd import PROJECT_ROOT
from supplier_dd.demo.partnership import first_council
from supplier_dd.extensions import db
from supplier_dd.jobs.reminders import run_once, run_send, run_sweep
from supplier_dd.models import AttestationReminder, AttestationSchedule, OutboxMessage, User
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import act_for
from supplier_dd.services import ServiceError
from supplier_dd.services import outbox as outbox_service
from supplier_dd.services.reminders import (
    attestation_counts,
    overdue_supplier_ids,
    record_contract_event,
    schedule_after_submission,
)
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import text_of, words_of


def at_seven(day: date) -> datetime:
    return datetime.combine(day, time(7, 0))


def days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def kind_of(key: str) -> str:
    if key.startswith("reattestation-digest:"):
        return "digest"
    return key.split(":")[2]


def run_day(app, session, when: datetime):
    return run_once(app, session, lambda: when)


def submit(session, supplier, declaration_id, submitted_on: date, band=None, officer=None):
    schedule = schedule_after_submission(
        session, supplier_id=supplier.id, declaration_id=declaration_id,
        submitted_at=at_seven(submitted_on), residual_band=band, now=at_seven(submitted_on),
        responsible_officer_id=officer.id if officer else None,
    )
    session.commit()
    return schedule


@pytest.fixture
def brightwater(session):
    supplier = make_supplier(session, name="Brightwater Cleaning Ltd")
    amara = make_user(session, "supplier", email="amara@brightwater.example", supplier=supplier)
    ben = make_user(session, "supplier", email="ben@brightwater.example", supplier=supplier)
    priya = make_user(session, "officer", email="priya@council.example")
    tom = make_user(session, "officer", email="tom@council.example")
    session.commit()
    return dict(supplier=supplier, amara=amara, ben=ben, priya=priya, tom=tom)


def test_a_simulated_year_right_messages_right_people_right_days(app, session, smtp_server,
                                                                 brightwater):
    """Submitted 6 April 2025: due 6 April 2026 is Easter Monday, so due Thursday 2 April
    (Good Friday is a bank holiday too). Re-attested late on 10 April 2026, which resets the
    cycle: due 10 April 2027, a Saturday, so Friday 9 April 2027."""
    w = brightwater
    first = submit(session, w["supplier"], 1001, date(2025, 4, 6), officer=w["priya"])
    assert first.due_on == date(2026, 4, 2)

    arrivals: dict[str, list[tuple[date, str]]] = defaultdict(list)
    seen = 0
    for day in days(date(2026, 2, 1), date(2027, 4, 12)):
        if day == date(2026, 4, 10):
            renewed = submit(session, w["supplier"], 1002, day)
            assert renewed.due_on == date(2027, 4, 9)
        run_day(app, session, at_seven(day))
        for message in smtp_server.messages[seen:]:
            for recipient in message.recipients:
                arrivals[recipient].append((day, kind_of(message.key)))
        seen = len(smtp_server.messages)

    contact_days = [
        (date(2026, 3, 3), "due_in_30_days"),
        (date(2026, 3, 19), "due_in_14_days"),
        (date(2026, 3, 26), "due_in_7_days"),
        (date(2026, 4, 2), "due_today"),
        (date(2026, 4, 9), "overdue_7_days"),
        # The new cycle; 26 March 2027 is Good Friday, reminders still go out.
        (date(2027, 3, 10), "due_in_30_days"),
        (date(2027, 3, 26), "due_in_14_days"),
        (date(2027, 4, 2), "due_in_7_days"),
        (date(2027, 4, 9), "due_today"),
    ]
    assert arrivals["amara@brightwater.example"] == contact_days
    assert arrivals["ben@brightwater.example"] == contact_days
    # The responsible officer carries over to the new cycle; digests come on Mondays while a
    # re-attestation is within 30 days or overdue.
    digest_mondays = [date(2026, 3, 9), date(2026, 3, 16), date(2026, 3, 23), date(2026, 3, 30),
                      date(2026, 4, 6), date(2027, 3, 15), date(2027, 3, 22), date(2027, 3, 29),
                      date(2027, 4, 5), date(2027, 4, 12)]
    expected_priya = sorted([(d, "digest") for d in digest_mondays]
                            + [(date(2026, 4, 9), "escalation_7_days_overdue")])
    assert sorted(arrivals["priya@council.example"]) == expected_priya
    assert "tom@council.example" not in arrivals  # not responsible: no escalation, no digest
    assert len(smtp_server.keys()) == len(set(smtp_server.keys()))

    reminder = next(m for m in smtp_server.to("amara@brightwater.example")
                    if m.key.split(":")[2] == "due_in_7_days")
    assert "Thursday 2 April 2026" in reminder.text()
    assert "7 days from today" in reminder.text()
    assert 'href="http://' in reminder.html()
    escalation = smtp_server.to("priya@council.example")
    assert any(f"/officer/suppliers/{w['supplier'].id}" in m.text() for m in escalation)


def test_high_residual_risk_halves_the_validity_and_scoring_can_call_again(session, brightwater):
    w = brightwater
    schedule = submit(session, w["supplier"], 2001, date(2026, 1, 14))
    assert schedule.due_on == date(2027, 1, 14)
    again = submit(session, w["supplier"], 2001, date(2026, 1, 14), band="High")
    assert again.id == schedule.id  # the same cycle, updated, not a second one
    assert (again.due_on, again.reason) == (date(2026, 7, 14), "risk_band")
    assert session.scalar(select(func.count(AttestationSchedule.id))) == 1


def test_contract_event_brings_the_due_date_forward_and_tells_the_supplier(
        app, session, smtp_server, brightwater):
    w = brightwater
    submit(session, w["supplier"], 3001, date(2026, 1, 14))
    schedule = record_contract_event(
        session, supplier_id=w["supplier"].id, event="contract_award", event_on=date(2026, 6, 10),
        now=at_seven(date(2026, 6, 10)), note="C-2026-017 school cleaning",
    )
    session.commit()
    assert (schedule.due_on, schedule.reason) == (date(2026, 7, 10), "contract_award")
    run_day(app, session, at_seven(date(2026, 6, 10)))
    [message] = smtp_server.to("amara@brightwater.example")
    assert "New contract awarded (C-2026-017 school cleaning)" in message.text()
    # A later event cannot push the date back.
    later = record_contract_event(
        session, supplier_id=w["supplier"].id, event="contract_extension",
        event_on=date(2026, 6, 20), now=at_seven(date(2026, 6, 20)),
    )
    assert later.due_on == date(2026, 7, 10)
    with pytest.raises(ServiceError, match="Choose the kind of contract event"):
        record_contract_event(session, supplier_id=w["supplier"].id, event="annual",
                              event_on=date(2026, 6, 20), now=at_seven(date(2026, 6, 20)))


def test_overdue_is_queryable_for_the_dashboard(session, brightwater):
    w = brightwater
    submit(session, w["supplier"], 4001, date(2025, 3, 2))  # due 2 March 2026
    other = make_supplier(session, name="Sentinel Guarding Ltd")
    submit(session, other, 4002, date(2025, 11, 20))
    today = date(2026, 3, 10)
    assert overdue_supplier_ids(session, today) == [w["supplier"].id]
    assert attestation_counts(session, today) == {"overdue": 1, "due_soon": 0, "current": 1}


def test_smtp_down_loses_nothing_and_restarted_delivers_each_exactly_once(
        app, session, smtp_server, brightwater):
    w = brightwater
    submit(session, w["supplier"], 5001, date(2025, 6, 1))  # due Monday 1 June 2026
    smtp_server.stop()
    down = run_day(app, session, at_seven(date(2026, 5, 18)))  # 14 days before, a Monday
    assert (down.sweep.queued, down.sweep.digests) == (2, 2)  # both contacts; both officers
    assert down.send.sent == 0 and down.send.server_problem
    assert "Nothing accepts connections" in down.send.server_problem
    rows = session.scalars(select(OutboxMessage)).all()
    assert [(r.status, r.attempts) for r in rows] == [("pending", 0)] * 4
    # A day of passes against a dead server uses up no attempts.
    for hour in range(8, 20):
        run_send(app, session, lambda hour=hour: datetime(2026, 5, 18, hour))
    session.expire_all()
    assert {r.attempts for r in session.scalars(select(OutboxMessage))} == {0}

    smtp_server.start()
    up = run_send(app, session, lambda: datetime(2026, 5, 18, 21))
    again = run_day(app, session, datetime(2026, 5, 18, 22))
    assert up.sent == 4 and again.sweep.queued == 0 and again.send.sent == 0
    assert sorted(smtp_server.keys()) == sorted(r.dedupe_key for r in rows)


def test_invalid_contact_email_is_reported_and_never_retried(app, session, smtp_server,
                                                             brightwater, client):
    w = brightwater
    w["ben"].email = "ben at brightwater"  # imported badly: not an address
    gone = make_user(session, "supplier", email="gone@brightwater.example",
                     supplier=w["supplier"])
    session.commit()
    smtp_server.reject_recipients = {"gone@brightwater.example"}
    submit(session, w["supplier"], 6001, date(2025, 6, 1))
    first = run_day(app, session, at_seven(date(2026, 5, 2)))
    assert first.sweep.invalid_addresses == 1
    assert any("'ben at brightwater' is not a valid address" in p for p in first.sweep.problems)
    assert first.send.sent == 1 and first.send.failed == 1  # amara; gone was refused (550)
    for hour in range(8, 23):  # later passes leave the refused message alone
        run_send(app, session, lambda hour=hour: datetime(2026, 5, 2, hour))
    failed = session.scalar(select(OutboxMessage).where(OutboxMessage.recipient == gone.email))
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert [m.recipients for m in smtp_server.messages] == [["amara@brightwater.example"]]

    client.sign_in("priya@council.example", PASSWORD)
    page = text_of(client.get(f"/officer/suppliers/{w['supplier'].id}"))
    assert "Not sent: invalid email address" in page
    assert "Failed" in page and "Mailbox does not exist" in page


def test_admin_sees_failures_and_retries_with_csrf(app, session, smtp_server, client,
                                                   brightwater):
    w = brightwater
    make_user(session, "admin", email="admin@council.example")
    session.commit()
    smtp_server.reject_recipients = {"amara@brightwater.example"}
    submit(session, w["supplier"], 7001, date(2025, 6, 1))
    run_day(app, session, at_seven(date(2026, 5, 2)))
    failed = session.scalar(select(OutboxMessage).where(OutboxMessage.status == "failed"))

    client.sign_in("admin@council.example", PASSWORD)
    page = client.get("/admin/outbox?status=failed")
    assert "amara@brightwater.example" in text_of(page)
    assert client.post(f"/admin/outbox/{failed.id}/retry").status_code == 400  # no CSRF token
    smtp_server.reject_recipients = set()
    response = client.submit("/admin/outbox?status=failed", {})
    assert response.status_code == 302
    session.expire_all()
    assert (session.get(OutboxMessage, failed.id).status,
            session.get(OutboxMessage, failed.id).attempts) == ("pending", 0)
    run_send(app, session, utcnow)  # the retry was made at the real time
    assert [m.key for m in smtp_server.to("amara@brightwater.example")] == [failed.dedupe_key]
    # Retrying a sent message is refused with a message, not an error page.
    again = client.post(f"/admin/outbox/{failed.id}/retry",
                        data={"csrf_token": _token(client, "/admin/outbox")})
    assert again.status_code == 302
    assert "Only failed or unconfirmed messages" in text_of(client.get("/admin/outbox"))
    assert client.get("/admin/outbox?status=nonsense").status_code == 200


def _token(client, path):
    from tests.helpers import csrf_token_in

    return csrf_token_in(client.get(path).get_data(as_text=True))


def test_officer_records_a_contract_event_through_the_form(client, session, brightwater):
    w = brightwater
    client.sign_in("priya@council.example", PASSWORD)
    url = f"/officer/suppliers/{w['supplier'].id}/contract-event"
    bad = client.submit(url, {"event": "subcontractor_change", "event_on": ["31", "2", "2026"]})
    assert bad.status_code == 200 and "Enter a real date" in text_of(bad)
    missing = client.submit(url, {"event_on": ["", "", ""]})
    assert "Choose what happened" in text_of(missing)
    today = date.today()
    response = client.submit(url, {"event": "subcontractor_change",
                                   "event_on": [str(today.day), str(today.month), str(today.year)],
                                   "note": "New window-cleaning subcontractor"})
    assert response.status_code == 302
    schedule = session.scalar(select(AttestationSchedule))
    assert schedule.reason == "subcontractor_change"
    assert schedule.responsible_officer_id == w["priya"].id
    page = text_of(client.get(f"/officer/suppliers/{w['supplier'].id}"))
    assert "Change of subcontractor: New window-cleaning subcontractor" in page


def test_two_sweeps_at_once_make_no_duplicate_rows_and_no_duplicate_mail(
        app, session, smtp_server):
    suppliers = []
    for number in range(120):
        supplier = make_supplier(session, name=f"Concurrent {number} Ltd")
        # Without a password: hashing 120 of them would dominate the test's time.
        session.add(User(email=f"contact{number}@concurrent.example", role="supplier",
                         supplier=supplier))
        suppliers.append(supplier)
    session.commit()
    for number, supplier in enumerate(suppliers):
        schedule_after_submission(
            session, supplier_id=supplier.id, declaration_id=8000 + number,
            submitted_at=at_seven(date(2025, 6, 1)), residual_band=None,
            now=at_seven(date(2025, 6, 1)))
    session.commit()
    now = at_seven(date(2026, 5, 2))  # 30 days before every due date
    barrier = threading.Barrier(2)
    results, errors = [], []

    def sweep_in_thread():
        try:
            with app.app_context():
                with Session(db.engine) as own:
                    barrier.wait()
                    results.append(run_sweep(app, own, now, batch_size=10))
        except Exception as error:  # surfaced below with the thread's error
            errors.append(error)

    threads = [threading.Thread(target=sweep_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    session.expire_all()
    assert session.scalar(select(func.count(OutboxMessage.id))) == 120
    assert session.scalar(select(func.count(AttestationReminder.id))) == 120
    assert sum(result.queued for result in results) == 120

    def send_in_thread():
        try:
            with app.app_context():
                with Session(db.engine) as own:
                    barrier.wait()
                    run_send(app, own, lambda: now)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=send_in_thread) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    keys = smtp_server.keys()
    assert len(keys) == 120 and len(set(keys)) == 120


# --- a sender process killed mid-pass -----------------------------------------------------

def _subprocess_env(database_url, tmp_path, smtp_server, **extra):
    env = dict(os.environ)
    env.update({
        "SUPPLIER_DD_ENV": "test",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SUPPLIER_DD_UPLOAD_DIR": str(tmp_path / "uploads"),
        "SUPPLIER_DD_DEMO_PASSWORD": "demo-password-for-tests",
        **smtp_server.env,
        **extra,
    })
    return env


def _reminders_run(env, now: datetime) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "supplier_dd", "reminders", "run", "--now", now.isoformat()],
        env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


@pytest.fixture
def six_due(session):
    """Three suppliers, two contacts each, all 30 days from due on 2 May 2026."""
    for number in range(3):
        supplier = make_supplier(session, name=f"Killed Pass {number} Ltd")
        for contact in range(2):
            make_user(session, "supplier", email=f"c{contact}@kp{number}.example",
                      supplier=supplier)
        schedule_after_submission(
            session, supplier_id=supplier.id, declaration_id=9000 + number,
            submitted_at=at_seven(date(2025, 6, 1)), residual_band=None,
            now=at_seven(date(2025, 6, 1)))
    session.commit()
    return at_seven(date(2026, 5, 2))


def _hold_on(count_at: int):
    """A hook that holds the SMTP server (and so the client) at the count_at-th call."""
    calls = itertools.count(1)
    reached, release = threading.Event(), threading.Event()

    def hook(_arg):
        if next(calls) == count_at:
            reached.set()
            release.wait(60)

    return hook, reached, release


def _kill_while_held(process, reached, release):
    assert reached.wait(120), "the sender never reached the point to kill it at"
    process.kill()
    process.wait()
    release.set()


def test_sender_killed_before_the_message_is_handed_over_delivers_each_exactly_once(
        database_url, tmp_path, session, smtp_server, six_due):
    hook, reached, release = _hold_on(3)
    smtp_server.before_rcpt = hook  # the sender waits on the 3rd RCPT: nothing handed over yet
    env = _subprocess_env(database_url, tmp_path, smtp_server)
    _kill_while_held(_reminders_run(env, six_due), reached, release)
    smtp_server.before_rcpt = None
    assert len(smtp_server.messages) == 2

    # Restarted after the dead sender's lease has run out.
    restarted = _reminders_run(env, six_due + timedelta(minutes=10))
    output, _ = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, output
    expected = sorted(session.scalars(select(OutboxMessage.dedupe_key)))
    assert len(expected) == 6
    assert sorted(smtp_server.keys()) == expected  # each exactly once
    session.expire_all()
    assert {m.status for m in session.scalars(select(OutboxMessage))} == {"sent"}


@pytest.mark.parametrize("policy", ["resend", "hold"])
def test_sender_killed_after_hand_over_is_detected_and_follows_the_policy(
        database_url, tmp_path, session, smtp_server, six_due, policy):
    """The server stored the 3rd message but the sender died before hearing '250': no SMTP
    client can know whether it was delivered. `resend` sends it again with the same Message-ID
    and key (the copy is recognisable); `hold` sends nothing more and shows it as unconfirmed."""
    hook, reached, release = _hold_on(3)
    smtp_server.after_data = hook
    env = _subprocess_env(database_url, tmp_path, smtp_server, SMTP_INTERRUPTED_DELIVERY=policy)
    _kill_while_held(_reminders_run(env, six_due), reached, release)
    smtp_server.after_data = None
    interrupted_key = smtp_server.messages[2].key

    restarted = _reminders_run(env, six_due + timedelta(minutes=10))
    output, _ = restarted.communicate(timeout=120)
    assert restarted.returncode == 0, output
    keys = smtp_server.keys()
    expected = set(session.scalars(select(OutboxMessage.dedupe_key)))
    assert set(keys) == expected
    assert {key for key in keys if keys.count(key) > 1} == (
        {interrupted_key} if policy == "resend" else set()
    )
    row = session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key == interrupted_key))
    session.refresh(row)
    assert row.interrupted_deliveries == 1
    if policy == "resend":
        copies = [m for m in smtp_server.messages if m.key == interrupted_key]
        assert len({m.message["Message-ID"] for m in copies}) == 1
        assert row.status == "sent"
    else:
        assert row.status == "unconfirmed"
        assert "may or may not have it" in row.last_error


# --- settings and commands ----------------------------------------------------------------

def test_reminders_run_command_and_bad_now(runner, session, smtp_server, brightwater):
    submit(session, brightwater["supplier"], 10001, date(2025, 6, 1))
    result = runner.invoke(args=["reminders", "run", "--now", "2026-05-02T07:00"])
    assert result.exit_code == 0, result.output
    assert "2 reminder(s)" in result.output and "2 sent" in result.output
    bad = runner.invoke(args=["reminders", "run", "--now", "next tuesday"])
    assert bad.exit_code == 2 and "is not an ISO date-time" in bad.output


def test_check_mail_explains_unreachable_server(runner, smtp_server):
    smtp_server.stop()
    result = runner.invoke(args=["reminders", "check-mail"])
    assert result.exit_code == 1
    assert f"Nothing accepts connections at 127.0.0.1:{smtp_server.port}" in result.output
    assert "SMTP_HOST and SMTP_PORT" in result.output


@pytest.fixture
def app_env(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_env", [{"SMTP_USERNAME": "council", "SMTP_PASSWORD": "secret"}],
                         indirect=True)
def test_check_mail_explains_a_login_the_server_cannot_do(runner, smtp_server):
    result = runner.invoke(args=["reminders", "check-mail"])
    assert result.exit_code == 1
    assert "Check SMTP_STARTTLS, SMTP_SSL, SMTP_USERNAME" in result.output


def test_check_mail_reports_a_working_server(runner, smtp_server):
    result = runner.invoke(args=["reminders", "check-mail"])
    assert result.exit_code == 0 and "answered" in result.output


def test_bad_scheduler_settings_stop_the_command_with_a_clear_message(tmp_path):
    env = dict(os.environ, SUPPLIER_DD_ENV="test",
               DATABASE_URL=f"sqlite:///{tmp_path / 'x.sqlite3'}",
               SUPPLIER_DD_REMINDER_SWEEP_CRON="every morning")
    result = subprocess.run([sys.executable, "-m", "supplier_dd", "reminders", "check-mail"],
                            env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "Configuration error: SUPPLIER_DD_REMINDER_SWEEP_CRON must be a cron expression" \
        in result.stderr


def test_scheduler_has_both_jobs_on_the_configured_schedules(app):
    from apscheduler.schedulers.background import BackgroundScheduler

    from supplier_dd.jobs.scheduler import SEND_JOB, SWEEP_JOB, build_scheduler

    scheduler = build_scheduler(app, BackgroundScheduler, sweep_at_start=False)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert {SWEEP_JOB, SEND_JOB} <= set(jobs)  # other features add their own jobs
    assert str(jobs[SWEEP_JOB].trigger).startswith("cron[")
    assert "hour='6'" in str(jobs[SWEEP_JOB].trigger)
    assert jobs[SWEEP_JOB].max_instances == 1


def test_sweep_job_runs_inside_the_app_and_survives_errors(app, session, monkeypatch):
    from supplier_dd.jobs import scheduler as scheduler_module

    calls = []
    monkeypatch.setattr("supplier_dd.jobs.reminders.run_sweep",
                        lambda app, session, now: calls.append(now))
    scheduler_module.sweep_job(app)
    assert len(calls) == 1

    def broken(app, session, now):
        raise RuntimeError("database went away")

    monkeypatch.setattr("supplier_dd.jobs.reminders.run_sweep", broken)
    scheduler_module.sweep_job(app)  # logged, not raised: the scheduler keeps running


def test_inactive_contacts_get_nothing_and_no_contact_is_reported(app, session, smtp_server):
    supplier = make_supplier(session, name="Nobody Home Ltd")
    user = make_user(session, "supplier", email="left@nobody.example", supplier=supplier)
    session.execute(User.__table__.update().where(User.id == user.id).values(active=False))
    session.commit()
    submit(session, supplier, 11001, date(2025, 6, 1))
    result = run_day(app, session, at_seven(date(2026, 5, 2)))
    assert result.sweep.without_recipient == 1 and smtp_server.messages == []
    assert session.scalar(select(AttestationReminder.status)) == "no_recipient"


def test_retry_refuses_unknown_and_sent_messages(session):
    with pytest.raises(ServiceError, match="no longer exists"):
        outbox_service.retry(session, 424242, datetime(2026, 1, 1))


def test_the_demo_council_shows_its_overdue_suppliers_as_overdue_on_the_dashboard(
        runner, session, client):
    """`make run` is how a newcomer first sees this feature: the demo's overdue cycles must
    count on the dashboard, which reads the due date from its summary row."""
    from supplier_dd.models import Supplier
    from supplier_dd.models.risk import SupplierRiskSummary

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    # The first district's cycles and dashboard: its partners keep their own.
    act_for(session, first_council(session).id)
    today = utcnow().date()
    active = dict(session.execute(
        select(AttestationSchedule.supplier_id, AttestationSchedule.due_on)
        .where(AttestationSchedule.status == "active")).all())
    shown = dict(session.execute(
        select(SupplierRiskSummary.supplier_id, SupplierRiskSummary.next_due_on)).all())
    assert {s: d for s, d in shown.items() if d is not None} == active
    overdue = sorted(session.scalars(select(Supplier.name).where(Supplier.id.in_(
        [s for s, due in active.items() if due < today]))))
    assert len(overdue) >= 3  # the demo's paving, garments and agency suppliers

    client.sign_in("officer@council.example", "demo-password-for-tests")
    page = words_of(client.get("/officer/risk/?overdue=1"))
    for name in overdue:
        assert name in page
