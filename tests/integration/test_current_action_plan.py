"""The council's current action plan: marked by an officer or legal, reported by the Cabinet
pack (issue 21: the pack used to report whichever plan was imported last, even another body's)."""

from __future__ import annotations

import html
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from supplier_dd.models import ActionPlan, AuditEntry, CabinetPack, CabinetPackRun
from supplier_dd.reports.pdf import render_pdf
from supplier_dd.reports.queries import build_report_data
from supplier_dd.services import audit
from supplier_dd.services.action_plans import current_plan, make_current
from supplier_dd.web import reports as report_pages
from tests.factories import PASSWORD, make_user
from tests.helpers import any_csrf_token
from tests.programme_helpers import CITY_OF_LONDON_PLAN, NHDC_PLAN, import_seed
from tests.report_checks import pdf_pages

COUNCIL_PLAN = "Our council's modern slavery action plan"
PARTNER_PLAN = "Partnership plan imported for reference"


@pytest.fixture
def two_plans(session):
    """The council's own plan imported first, another body's imported after it."""
    ours = import_seed(session, NHDC_PLAN, datetime(2025, 1, 10, 9), title=COUNCIL_PLAN)
    theirs = import_seed(session, CITY_OF_LONDON_PLAN, datetime(2025, 6, 2, 9),
                         title=PARTNER_PLAN)
    session.commit()
    return ours, theirs


def _cover_sheet(xlsx: bytes) -> dict:
    sheet = load_workbook(io.BytesIO(xlsx), read_only=True)["Cover"]
    return {row[0]: row[1] for row in sheet.iter_rows(values_only=True) if len(row) > 1}


def _mark_ours_current(session, ours):
    make_current(session, ours.id, audit.SYSTEM, datetime(2025, 7, 1, 9))
    session.commit()


def test_with_no_plan_marked_the_latest_imported_is_current(session, two_plans):
    _ours, theirs = two_plans
    assert current_plan(session).id == theirs.id


def test_the_pack_reports_and_names_the_current_plan_not_the_latest_imported(
        runner, session, two_plans, tmp_path):
    ours, theirs = two_plans
    _mark_ours_current(session, ours)
    pdf_path, xlsx_path = tmp_path / "pack.pdf", tmp_path / "pack.xlsx"
    result = runner.invoke(args=["report", "cabinet", "--year", "2024/25", "--out", str(pdf_path),
                                 "--xlsx", str(xlsx_path), "--date", "2025-05-20"])
    assert result.exit_code == 0, result.output
    assert f"Action plan reported: {COUNCIL_PLAN} (plan {ours.id})" in result.output
    run = session.scalars(select(CabinetPackRun)).one()
    assert run.action_plan_id == ours.id

    cover = pdf_pages(pdf_path.read_bytes())[0]
    assert f"Action plan {COUNCIL_PLAN} (imported 10/01/2025; actions dated" in cover
    assert PARTNER_PLAN not in " ".join(pdf_pages(pdf_path.read_bytes()))
    named = _cover_sheet(xlsx_path.read_bytes())["Action plan"]
    assert named.startswith(f"{COUNCIL_PLAN} (imported 10/01/2025; actions dated ")
    plan_sheet = load_workbook(io.BytesIO(xlsx_path.read_bytes()), read_only=True)["Action plan"]
    assert PARTNER_PLAN not in str(list(plan_sheet.iter_rows(values_only=True)))
    ours_actions = sum(len(p.actions) for p in ours.priorities)
    data = build_report_data(session, "2024/25", date(2025, 5, 20), "Legal Services")
    assert data.figure("action_plan.actions").value == ours_actions


def test_the_command_line_reports_another_plan_when_asked_and_refuses_an_unknown_one(
        runner, session, two_plans, tmp_path):
    ours, theirs = two_plans
    _mark_ours_current(session, ours)
    out = tmp_path / "pack.pdf"
    base = ["report", "cabinet", "--year", "2024/25", "--out", str(out), "--date", "2025-05-20"]
    result = runner.invoke(args=[*base, "--action-plan", str(theirs.id)])
    assert result.exit_code == 0, result.output
    assert f"Action plan {PARTNER_PLAN}" in pdf_pages(out.read_bytes())[0]

    result = runner.invoke(args=[*base, "--action-plan", "999"])
    assert result.exit_code == 2
    assert "That action plan no longer exists" in result.output


def test_a_closed_year_rebuilds_to_the_same_bytes_after_another_plan_is_imported(
        session, two_plans):
    ours, _theirs = two_plans
    _mark_ours_current(session, ours)
    first = build_report_data(session, "2024/25", date(2025, 5, 20), "Helen Marsh",
                              action_plan_id=ours.id)
    import_seed(session, NHDC_PLAN, datetime(2025, 9, 1, 9), title="A later plan")
    session.commit()
    again = build_report_data(session, "2024/25", date(2025, 5, 20), "Helen Marsh",
                              action_plan_id=ours.id)
    assert again.checksum() == first.checksum()
    assert render_pdf(again) == render_pdf(first)


@pytest.fixture
def staff(session):
    for role in ("officer", "legal", "safeguarding"):
        make_user(session, role, email=f"{role}@example.org")
    session.commit()


def test_an_officer_marks_the_council_plan_current_and_it_is_audited(
        client, session, two_plans, staff):
    ours, theirs = two_plans
    client.sign_in("officer@example.org", PASSWORD)
    page = client.get(f"/programme/action-plans/{ours.id}").get_data(as_text=True)
    assert "The Cabinet pack reports" in page and PARTNER_PLAN in page
    response = client.submit(f"/programme/action-plans/{ours.id}", {})
    assert response.status_code == 302
    page = html.unescape(client.get(response.headers["Location"]).get_data(as_text=True))
    assert f"{COUNCIL_PLAN} is now the council's current action plan" in page
    assert "This is the council's current action plan" in page
    session.expire_all()
    assert [p.id for p in session.scalars(select(ActionPlan).where(ActionPlan.is_current))] \
        == [ours.id]
    entry = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "action_plan.made_current")).one()
    assert (entry.actor_email, entry.object_id) == ("officer@example.org", str(ours.id))
    assert entry.before == {"current_plan": f"{theirs.id}: {PARTNER_PLAN}"}

    listing = html.unescape(client.get("/programme/action-plans").get_data(as_text=True))
    row = re.search(rf"{re.escape(COUNCIL_PLAN)}</a>\s*<br>.*?Current plan", listing, re.S)
    assert row, "the list tags the current plan"


def test_legal_may_change_the_current_plan_and_safeguarding_may_not(
        client, session, two_plans, staff):
    ours, theirs = two_plans
    _mark_ours_current(session, ours)
    client.sign_in("safeguarding@example.org", PASSWORD)
    page = client.get(f"/programme/action-plans/{theirs.id}").get_data(as_text=True)
    assert "Make this the council" not in page
    client.post("/sign-out", data={"csrf_token": any_csrf_token(client)})
    client.sign_in("legal@example.org", PASSWORD)
    response = client.submit(f"/programme/action-plans/{theirs.id}", {})
    assert response.status_code == 302
    session.expire_all()
    assert current_plan(session).id == theirs.id


def test_the_pack_form_defaults_to_the_current_plan_and_builds_the_one_chosen(
        client, session, two_plans, staff):
    ours, theirs = two_plans
    _mark_ours_current(session, ours)
    client.sign_in("legal@example.org", PASSWORD)
    form = html.unescape(client.get("/reports/cabinet/new").get_data(as_text=True))
    selected = re.search(r'<option value="(\d+)" selected>([^<]+)</option>', form)
    assert selected.groups() == (str(ours.id), f"Current plan: {COUNCIL_PLAN} (imported "
                                               "10/01/2025)")
    assert f'<option value="{theirs.id}">{PARTNER_PLAN} (imported 02/06/2025)' in form

    built = {}
    for plan in (None, theirs):
        data = {"year": "2024/25", "cover_date": "20/05/2025", "author": "Helen Marsh",
                "version": "1.0"}
        if plan is not None:
            data["action_plan"] = str(plan.id)
        response = client.submit("/reports/cabinet/new", data)
        assert response.status_code == 302
        run_id = int(re.search(r"/runs/(\d+)", response.headers["Location"]).group(1))
        report_pages.BACKGROUND_BUILDS[run_id].join(timeout=120)
        session.expire_all()
        run = session.get(CabinetPackRun, run_id)
        assert run.status == "done", run.error
        pdf = next(p for p in run.packs if p.kind == "pdf")
        built[run.action_plan_id] = client.get(f"/reports/cabinet/packs/{pdf.id}").data
    assert set(built) == {ours.id, theirs.id}
    assert f"Action plan {COUNCIL_PLAN}" in pdf_pages(built[ours.id])[0]
    assert f"Action plan {PARTNER_PLAN}" in pdf_pages(built[theirs.id])[0]
    assert session.scalars(select(CabinetPack)).all()


def test_the_pack_form_explains_a_plan_removed_since_the_page_was_shown(
        client, session, two_plans, staff):
    client.sign_in("legal@example.org", PASSWORD)
    response = client.submit("/reports/cabinet/new", {
        "year": "2024/25", "cover_date": "20/05/2025", "author": "Helen Marsh",
        "version": "1.0", "action_plan": "999"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "That action plan no longer exists; choose one from the list" in page
    assert session.scalars(select(CabinetPackRun)).all() == []
