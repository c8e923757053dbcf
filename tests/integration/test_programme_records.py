"""Importing action plans, editing actions, and the referral retention purge, on both databases."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from supplier_dd.models import ActionPlan, AuditEntry, PlanAction, Referral
from supplier_dd.services import audit
from supplier_dd.services.action_plans import ActionChanges, ActionProblems, update_action
from supplier_dd.services.programme import (
    ReferralDetails,
    add_referral,
    purge_expired_referrals,
)
from tests.factories import make_user
from tests.programme_helpers import CITY_OF_LONDON_PLAN, NHDC_PLAN, NOW, import_seed


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_cli_imports_both_seed_files_as_they_are(runner, session):
    city = runner.invoke(args=["import", "action-plan", str(CITY_OF_LONDON_PLAN)])
    assert city.exit_code == 0, city.output
    assert "Modern-Day Slavery Action Plan: 14 actions in 4 priorities." in city.output
    assert "Priority 1: Referral Pathways: 4 actions" in city.output
    nhdc = runner.invoke(args=["import", "action-plan", str(NHDC_PLAN), "--title", "NHDC 2020"])
    assert nhdc.exit_code == 0, nhdc.output
    assert "NHDC 2020: 24 actions in 5 priorities." in nhdc.output
    assert "not understood: 2.3: No date or status found" in nhdc.output

    plans = session.scalars(select(ActionPlan).order_by(ActionPlan.id)).all()
    assert [p.title for p in plans] == ["Modern-Day Slavery Action Plan", "NHDC 2020"]
    members = session.scalar(select(PlanAction).where(
        PlanAction.description.like("Members encouraged%")))
    assert "20/49 Members" in members.description
    assert members.priority.plan.title == "NHDC 2020"
    assert any(note["kind"] == "kept as text" for note in plans[1].import_notes)
    assert session.scalar(select(func.count(AuditEntry.id)).where(
        AuditEntry.action == "action_plan.imported")) == 2


def test_cli_dry_run_stores_nothing(runner, session):
    result = runner.invoke(args=["import", "action-plan", "--dry-run", str(NHDC_PLAN)])
    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was stored." in result.output
    assert _count(session, ActionPlan) == 0


@pytest.mark.parametrize("content, message", [
    ("Ref:\tAction:\tStart:\tEnd:\tLead officer:\n1.1\tBackwards\t01/07/2019\t01/04/2019\tAnn\n",
     "Line 2, action 1.1: the end date 01/04/2019 is before the start date 01/07/2019."),
    ("Ref:\tAction:\tEnd:\tRAG status:\n1.1\tAn action\t01/07/2019\tPurple\n",
     "RAG status 'Purple' is not one of Red, Amber or Green"),
    ("supplier,value\nAcme,100\n", "This file is not an action plan"),
])
def test_cli_bad_input_is_explained_and_imports_nothing(runner, session, tmp_path, content,
                                                        message):
    path = tmp_path / "plan.txt"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["import", "action-plan", str(path)])
    assert result.exit_code == 1
    assert "Nothing was imported." in result.output and message in result.output
    assert "Traceback" not in result.output
    assert _count(session, ActionPlan) == 0 and _count(session, PlanAction) == 0


def test_cli_refuses_a_binary_file(runner, session, tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    result = runner.invoke(args=["import", "action-plan", str(path)])
    assert result.exit_code == 1 and "not a text file" in result.output
    assert _count(session, ActionPlan) == 0


def test_importing_the_same_title_twice_is_refused(runner, session):
    assert runner.invoke(args=["import", "action-plan", str(NHDC_PLAN)]).exit_code == 0
    again = runner.invoke(args=["import", "action-plan", str(NHDC_PLAN)])
    assert again.exit_code == 1 and "already exists" in again.output
    assert _count(session, ActionPlan) == 1


def _changes(action, **overrides) -> ActionChanges:
    values = dict(ref=action.ref or "", description=action.description,
                  measure=action.measure, lead_officer=action.lead_officer,
                  area_lead=action.area_lead, start_date=action.start_date,
                  end_date=action.end_date, progress=action.progress or "",
                  comments=action.comments, rag=action.rag or "", rag_reason="")
    values.update(overrides)
    return ActionChanges(**values)


def test_rag_changes_are_kept_with_who_when_and_why(session):
    officer = make_user(session, "officer", email="priya@example.org")
    plan = import_seed(session)
    action = plan.priorities[4].actions[0]  # 5.1, the annual report to Cabinet
    with pytest.raises(ActionProblems) as problems:
        update_action(session, action, _changes(action, rag="red"), officer, NOW)
    assert problems.value.by_field == {"rag_reason": "Say why the RAG status changed"}

    update_action(session, action, _changes(action, rag="red", rag_reason="Report slipped"),
                  officer, NOW)
    later = NOW + timedelta(days=30)
    update_action(session, action, _changes(action, rag="green", rag_reason="Report agreed"),
                  officer, later)
    session.commit()
    history = [(c.from_rag, c.to_rag, c.reason, c.changed_by_name, c.changed_at)
               for c in action.rag_changes]
    assert history == [("red", "green", "Report agreed", "priya@example.org", later),
                       (None, "red", "Report slipped", "priya@example.org", NOW)]


def test_an_action_cannot_end_before_it_starts(session):
    officer = make_user(session, "officer")
    action = import_seed(session).priorities[0].actions[0]
    with pytest.raises(ActionProblems) as problems:
        update_action(session, action, _changes(action, start_date=date(2026, 5, 1),
                                                end_date=date(2026, 4, 1)), officer, NOW)
    assert problems.value.by_field["end_date"].startswith("The end date 01/04/2026 is before")


def _referral(session, day: date, kind="nrm"):
    return add_referral(session, ReferralDetails(day, kind, "Housing Options", "Referred", ""),
                        None, NOW)


def test_retention_purge_on_a_simulated_clock_is_audited(session):
    _referral(session, date(2019, 12, 31))
    _referral(session, date(2020, 6, 1), "duty_to_notify")
    _referral(session, date(2026, 3, 2))
    session.commit()
    clock = datetime(2026, 6, 1, 2, 30)

    first = purge_expired_referrals(session, clock, retention_days=6 * 365 + 2)
    session.commit()
    # 2,192 days (six years and two days, with one leap day between) before 1 June 2026 is
    # 31 May 2020: only the 2019 entry is older.
    assert (first.deleted, first.cutoff) == (1, date(2020, 5, 31))
    assert sorted(r.referred_on for r in session.scalars(select(Referral))) == [
        date(2020, 6, 1), date(2026, 3, 2)]

    a_year_on = purge_expired_referrals(session, clock + timedelta(days=365),
                                        retention_days=6 * 365 + 2)
    session.commit()
    assert a_year_on.deleted == 1
    assert _count(session, Referral) == 1

    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "referrals.purged")
                              .order_by(AuditEntry.sequence)).all()
    assert [e.details["deleted"] for e in entries] == [1, 1]
    assert entries[0].details == {"deleted": 1, "cutoff": "2020-05-31", "retention_days": 2192}
    assert entries[0].actor_email == "system"
    assert audit.verify(session) is None  # the purge entries are part of the intact chain


@pytest.fixture
def app_env():
    """Every app in this module keeps referrals for 400 days, as an operator might set it."""
    return {"SUPPLIER_DD_REFERRAL_RETENTION_DAYS": "400"}


def test_retention_uses_the_configured_period(session):
    _referral(session, date(2025, 4, 1))
    _referral(session, date(2025, 6, 1))
    session.commit()
    result = purge_expired_referrals(session, datetime(2026, 6, 1))
    assert (result.deleted, result.retention_days, result.cutoff) == (1, 400, date(2025, 4, 27))


def test_cli_purge_with_a_simulated_now(runner, session):
    _referral(session, date(2025, 1, 10))
    _referral(session, date(2026, 1, 10))
    session.commit()
    result = runner.invoke(args=["referrals", "purge", "--now", "2026-03-01T02:30"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 referral dated before 25 January 2025 (kept for 400 days)." in result.output
    assert [r.referred_on for r in session.scalars(select(Referral))] == [date(2026, 1, 10)]
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "referrals.purged"))
    assert entry.actor_email == "cli" and entry.details["deleted"] == 1


def test_cli_purge_rejects_a_bad_now(runner):
    result = runner.invoke(args=["referrals", "purge", "--now", "next tuesday"])
    assert result.exit_code == 2
    assert "'next tuesday' is not an ISO date" in result.output


def test_referral_audit_entry_carries_no_content(session):
    referral = add_referral(session, ReferralDetails(date(2026, 3, 2), "nrm", "Housing Options",
                                                     "Referred", "SECRET-NOTE"), None, NOW)
    session.commit()
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "referral.created"))
    assert entry.object_id == str(referral.id)
    assert "SECRET-NOTE" not in str(entry.details) and "Housing" not in str(entry.details)


def test_scheduler_registers_the_purge_job(app):
    from supplier_dd.jobs.scheduler import REFERRAL_PURGE_JOB, build_scheduler, referral_purge_job

    scheduler = build_scheduler(app, sweep_at_start=False)
    job = scheduler.get_job(REFERRAL_PURGE_JOB)
    assert job is not None and job.func is referral_purge_job


def test_demo_load_shows_the_programme_and_is_idempotent(runner, session):
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    plan = session.scalar(select(ActionPlan))
    assert plan.title.startswith("Modern slavery action plan 2020")
    counts = (_count(session, ActionPlan), _count(session, PlanAction), _count(session, Referral))
    assert counts[1] == 24 and counts[2] == 5
    second = runner.invoke(args=["demo", "load"])
    assert second.exit_code == 0, second.output
    assert (_count(session, ActionPlan), _count(session, PlanAction),
            _count(session, Referral)) == counts
    red = session.scalar(select(PlanAction).where(PlanAction.ref == "5.1"))
    assert red.rag == "red" and len(red.rag_changes) == 1
