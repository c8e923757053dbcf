"""The Cabinet evidence pack built from a real database: figures, storage, CLI and pages."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from supplier_dd import PROJECT_ROOT
from supplier_dd.demo.partnership import first_council
from supplier_dd.domain.organisations import RELEVANT_TURNOVER_BANDS
from supplier_dd.models import (
    AuditEntry,
    CabinetPack,
    CabinetPackRun,
    Contract,
    CorrectiveAction,
    Referral,
    RiskAssessment,
    Supplier,
)
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import act_for
from supplier_dd.reports.data import SECTION_HEADINGS, FinancialYear, financial_year_of
from supplier_dd.reports.pdf import render_pdf
from supplier_dd.reports.queries import build_report_data
from supplier_dd.reports.xlsx import render_xlsx
from supplier_dd.web import reports as report_pages
from tests.factories import PASSWORD, make_user
from tests.report_checks import assert_pack_reports, pdf_text


def _live(contract: Contract, year: FinancialYear) -> bool:
    return ((contract.start_date is None or contract.start_date <= year.last_day)
            and (contract.end_date is None or contract.end_date >= year.first_day))


@pytest.fixture
def demo(runner, session):
    """The demo loaded, the session acting for its first district, whose pack these are (its
    partner councils' records are theirs)."""
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    act_for(session, first_council(session).id)
    return session


def test_demo_pack_figures_equal_counts_made_independently(demo):
    session = demo
    today = utcnow().date()
    year = financial_year_of(today)
    data = build_report_data(session, year, today, "Helen Marsh", council="Demo council")
    pdf, xlsx = render_pdf(data), render_xlsx(data)
    assert_pack_reports(data, pdf, xlsx)

    # The same figures, counted here row by row in Python from the ORM objects.
    contracts = session.scalars(select(Contract)).all()
    live = [c for c in contracts if _live(c, year)]
    assert data.figure("contracts.live").value == len(live)
    relevant = {c.supplier_id for c in live if c.supplier
                and c.supplier.turnover_band in RELEVANT_TURNOVER_BANDS}
    assert data.figure("s54.in_scope").value == len(relevant)

    current = [a for a in session.scalars(select(RiskAssessment)) if a.is_current]
    for band in ("Low", "Medium", "High", "Critical"):
        expected = sum(1 for a in current
                       if a.residual_band == band and not a.excluded_pending_review)
        assert data.figure(f"risk.band.{band.lower()}").value == expected
    assert data.figure("risk.high_critical").value == sum(
        1 for a in current if a.residual_band in ("High", "Critical")
        and not a.excluded_pending_review)
    assert data.figure("risk.band.low").value + data.figure("risk.band.medium").value \
        + data.figure("risk.high_critical").value \
        + data.figure("risk.band.excluded_pending_review").value \
        + data.figure("risk.not_assessed").value == session.query(Supplier).count()

    start = datetime.combine(year.first_day, datetime.min.time())
    opened = [a for a in session.scalars(select(CorrectiveAction)) if a.created_at >= start]
    assert data.figure("corrective.opened").value == len(opened)
    referrals = [r for r in session.scalars(select(Referral))
                 if year.first_day <= r.referred_on <= year.last_day]
    for kind in ("nrm", "duty_to_notify"):
        assert data.figure(f"referrals.{kind}").value == sum(
            1 for r in referrals if r.referral_type == kind)

    text = pdf_text(pdf)
    for heading in SECTION_HEADINGS.values():
        assert heading in text
    assert data.action_plan.actions, "the demo council has an action plan"
    assert "No action plan is recorded" not in text
    # Counts only: no referral's free text reaches the pack.
    for referral in referrals:
        if referral.notes:
            assert referral.notes not in text


def test_a_year_with_no_records_builds_a_clear_valid_pack(session):
    data = build_report_data(session, "2024/25", date(2025, 6, 1), "A. Lawyer",
                             council="Empty council")
    pdf, xlsx = render_pdf(data), render_xlsx(data)
    assert_pack_reports(data, pdf, xlsx)
    text = pdf_text(pdf)
    assert "No action plan is recorded for 2024/25" in text
    assert "No contracts were live in the year" in text
    assert "No risk assessments were in force at the end of the year." in text
    assert data.figure("exclusions.decided").display() == "Not recorded in the service"


def test_the_previous_year_is_compared(session):
    data = build_report_data(session, "2025/26", date(2026, 5, 1), "A. Lawyer")
    high = next(k for k in data.summary if k.figure.key == "risk.high_critical")
    assert (high.previous, high.change_display()) == (0, "No change")


def test_rebuilding_from_the_same_records_gives_the_same_bytes(demo):
    today = utcnow().date()
    first = build_report_data(demo, financial_year_of(today), today, "Helen Marsh")
    second = build_report_data(demo, financial_year_of(today), today, "Helen Marsh")
    assert first.checksum() == second.checksum()
    assert render_pdf(first) == render_pdf(second)


# --- the command line ------------------------------------------------------------------------


def test_cli_writes_and_stores_the_pack(runner, session, tmp_path):
    pdf_path, xlsx_path = tmp_path / "pack.pdf", tmp_path / "pack.xlsx"
    result = runner.invoke(args=["report", "cabinet", "--year", "2024/25", "--out", str(pdf_path),
                                 "--xlsx", str(xlsx_path), "--date", "2025-05-20"])
    assert result.exit_code == 0, result.output
    packs = session.scalars(select(CabinetPack).order_by(CabinetPack.kind)).all()
    assert [p.kind for p in packs] == ["pdf", "xlsx"]
    assert packs[0].sha256 == hashlib.sha256(pdf_path.read_bytes()).hexdigest()
    assert packs[1].sha256 == hashlib.sha256(xlsx_path.read_bytes()).hexdigest()
    assert packs[0].sha256 in result.output
    assert "20 May 2025" in pdf_text(pdf_path.read_bytes())


@pytest.mark.parametrize(("args", "message"), [
    (["--year", "2024/26"], "enter 2024/25, not 2024/26"),
    (["--year", "last year"], "Enter the financial year like 2025/26"),
    (["--year", "2024/25", "--date", "20/05/2025"], "write it as YYYY-MM-DD"),
    (["--year", "2024/25", "--date", "2024-01-01"], "is before the 2024/25 financial year"),
])
def test_cli_explains_bad_input(runner, session, tmp_path, args, message):
    result = runner.invoke(args=["report", "cabinet", "--out", str(tmp_path / "x.pdf"), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert session.scalars(select(CabinetPackRun)).all() == []


# --- the pages ---------------------------------------------------------------------------------


@pytest.fixture
def staff(session):
    for role in ("officer", "legal", "admin"):
        make_user(session, role, email=f"{role}@example.org")
    session.commit()


def _generate_in_browser(client, year="2024/25", cover="20/05/2025"):
    response = client.submit("/reports/cabinet/new", {"year": year, "cover_date": cover,
                                                      "author": "Helen Marsh", "version": "2.1"})
    return response


def _wait_for(run_id: int) -> None:
    report_pages.BACKGROUND_BUILDS[run_id].join(timeout=120)


def test_legal_generates_in_the_background_and_officers_download_unchanged(
        app, client, session, staff):
    client.sign_in("legal@example.org", PASSWORD)
    response = _generate_in_browser(client)
    assert response.status_code == 302
    run_id = int(re.search(r"/runs/(\d+)", response.headers["Location"]).group(1))
    _wait_for(run_id)
    page = client.get(f"/reports/cabinet/runs/{run_id}").get_data(as_text=True)
    assert "The pack is ready." in page
    assert 'http-equiv="refresh"' not in page
    session.expire_all()
    run = session.get(CabinetPackRun, run_id)
    assert (run.status, run.version, run.requested_by.email) == ("done", "2.1",
                                                                 "legal@example.org")
    packs = {p.kind: p for p in run.packs}
    client.post("/sign-out", data={"csrf_token": _token(client)})

    client.sign_in("officer@example.org", PASSWORD)
    listing = client.get("/reports/cabinet").get_data(as_text=True)
    assert "2024/25" in listing and "Generate a pack" not in listing
    for kind, pack in packs.items():
        download = client.get(f"/reports/cabinet/packs/{pack.id}")
        assert download.status_code == 200
        assert hashlib.sha256(download.data).hexdigest() == pack.sha256
        assert f"cabinet-evidence-pack-2024-25-v2.1.{kind}" in download.headers[
            "Content-Disposition"]
    assert run.data_checksum in pdf_text(client.get(
        f"/reports/cabinet/packs/{packs['pdf'].id}").data)
    # Officers read but cannot generate, even by posting directly.
    assert client.post("/reports/cabinet/new", data={"csrf_token": _token(client)}
                       ).status_code == 403


def _token(client) -> str:
    from tests.helpers import any_csrf_token

    return any_csrf_token(client)


def test_a_status_page_shows_progress_without_reloading_itself(app, client, session, staff):
    run = CabinetPackRun(financial_year="2024/25", cover_date=date(2025, 5, 1), version="1.0",
                         author="A", status="running", step="Counting risk",
                         requested_by_name="Helen", requested_at=utcnow() - timedelta(seconds=5))
    session.add(run)
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    page = client.get(f"/reports/cabinet/runs/{run.id}").get_data(as_text=True)
    # A page that reloads itself sends a screen reader back to the top (WCAG 2.2.1): the step
    # is in a live region the page's script updates, with a Refresh link without JavaScript.
    assert 'http-equiv="refresh"' not in page
    assert "Building the pack: Counting risk" in page
    assert f'href="/reports/cabinet/runs/{run.id}">Refresh</a>' in page
    status = client.get(f"/reports/cabinet/runs/{run.id}/status")
    assert status.headers["Cache-Control"] == "no-store"
    assert status.get_json()["message"] == "Building the pack: Counting risk."
    assert status.get_json()["finished"] is False
    run.status = "failed"
    run.error = "the disk is full"
    session.commit()
    failed = client.get(f"/reports/cabinet/runs/{run.id}/status").get_json()
    assert failed["finished"] is True
    assert failed["message"] == "The pack was not built: the disk is full"


# A web worker building a pack, killed at its second step: what a deploy or a crash does.
# Its clock runs eleven minutes behind, so its last heartbeat is already too old to be alive.
KILLED_BUILD = """
import os, signal
from datetime import date, timedelta
from supplier_dd import create_app
from supplier_dd.extensions import db
from supplier_dd.models.base import utcnow
from supplier_dd.reports.data import FinancialYear
from supplier_dd.services.cabinet_packs import PackRequest, generate, start_run

app = create_app()
with app.app_context():
    session = db.session
    behind = lambda: utcnow() - timedelta(minutes=11)
    request = PackRequest(FinancialYear.parse("2024/25"), date(2025, 5, 20), "Helen", "1.0")
    run = start_run(session, request, None, "killed worker", behind())
    session.commit()
    steps = []

    def progress(step):
        steps.append(step)
        run.step = step
        session.commit()
        if len(steps) == 2:
            os.kill(os.getpid(), signal.SIGKILL)

    generate(session, run, upload_dir=os.environ["SUPPLIER_DD_UPLOAD_DIR"], council="C",
             now=behind, progress=progress)
"""


def test_a_build_whose_process_was_killed_says_so_and_stops_refreshing(
        app, client, session, staff, database_url, tmp_path):
    env = {**os.environ, "SUPPLIER_DD_ENV": "test", "DATABASE_URL": database_url,
           "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
           "SUPPLIER_DD_UPLOAD_DIR": str(tmp_path / "uploads")}
    killed = subprocess.run([sys.executable, "-c", KILLED_BUILD], env=env, cwd=PROJECT_ROOT,
                            capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    stopped = session.scalars(select(CabinetPackRun)).one()
    assert stopped.status == "running" and stopped.step  # what the dead worker left behind
    alive = CabinetPackRun(financial_year="2024/25", cover_date=date(2025, 5, 1),
                           version="1.0", author="A", status="running", step="Counting risk",
                           requested_by_name="Helen", requested_at=utcnow(),
                           heartbeat_at=utcnow())
    session.add(alive)
    session.commit()

    client.sign_in("legal@example.org", PASSWORD)
    page = client.get(f"/reports/cabinet/runs/{stopped.id}").get_data(as_text=True)
    assert "The pack was not built: The build stopped before it finished" in page
    assert "Generate the pack again" in page and 'http-equiv="refresh"' not in page
    assert "Building the pack: Counting risk" in client.get(
        f"/reports/cabinet/runs/{alive.id}").get_data(as_text=True)
    session.expire_all()
    assert [run.status for run in session.scalars(
        select(CabinetPackRun).order_by(CabinetPackRun.id))] == ["failed", "running"]
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "cabinet_pack.stopped")).one()
    assert entry.object_id == str(stopped.id) and entry.before["status"] == "running"
    assert session.scalars(select(CabinetPack)).all() == []  # nothing half-built is offered


def test_the_scheduler_fails_stopped_builds_without_anyone_looking(app, session):
    from supplier_dd.jobs.scheduler import STOPPED_PACKS_JOB, build_scheduler, stopped_packs_job

    quiet = utcnow() - timedelta(minutes=30)
    session.add(CabinetPackRun(financial_year="2024/25", cover_date=date(2025, 5, 1),
                               version="1.0", author="A", status="queued", step="Waiting",
                               requested_by_name="Helen", requested_at=quiet))
    session.commit()
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = build_scheduler(app, BackgroundScheduler, sweep_at_start=False)
    assert STOPPED_PACKS_JOB in {job.id for job in scheduler.get_jobs()}
    stopped_packs_job(app)
    session.expire_all()
    run = session.scalars(select(CabinetPackRun)).one()
    assert (run.status, run.step) == ("failed", "Failed")
    assert "Generate the pack again" in run.error


@pytest.mark.parametrize(("fields", "message"), [
    ({"year": "2024/26"}, "enter 2024/25, not 2024/26"),
    ({"year": "twenty"}, "Enter the financial year like 2025/26"),
    ({"cover_date": "31/02/2025"}, "Enter the cover date as a real date"),
    ({"cover_date": "01/01/2024"}, "is before the 2024/25 financial year"),
    ({"year": "2099/00", "cover_date": "01/05/2099"}, "has not started yet"),
    ({"author": ""}, "Enter the author"),
])
def test_the_form_explains_bad_input(client, session, staff, fields, message):
    client.sign_in("legal@example.org", PASSWORD)
    data = {"year": "2024/25", "cover_date": "20/05/2025", "author": "H", "version": "1"}
    data.update(fields)
    response = client.submit("/reports/cabinet/new", data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert session.scalars(select(CabinetPackRun)).all() == []


def test_a_changed_file_is_not_served(app, client, session, staff, runner, tmp_path):
    result = runner.invoke(args=["report", "cabinet", "--year", "2024/25",
                                 "--out", str(tmp_path / "p.pdf"), "--date", "2025-05-20"])
    assert result.exit_code == 0, result.output
    pack = session.scalars(select(CabinetPack)).one()
    settings = app.config["SUPPLIER_DD_SETTINGS"]
    stored = tmp_path / "uploads" / "packs" / pack.stored_name
    assert stored.parent.parent == type(stored)(settings.upload_dir)
    stored.write_bytes(b"tampered")
    client.sign_in("legal@example.org", PASSWORD)
    assert client.get(f"/reports/cabinet/packs/{pack.id}").status_code == 404


def test_suppliers_cannot_see_packs(client, session):
    from tests.factories import make_supplier

    supplier = make_supplier(session, name="Acme Ltd")
    make_user(session, "supplier", email="s@example.org", supplier=supplier)
    session.commit()
    client.sign_in("s@example.org", PASSWORD)
    for url in ("/reports/cabinet", "/reports/cabinet/new", "/reports/cabinet/packs/1"):
        assert client.get(url).status_code == 403
