"""The programme pages: who sees referral entries, forms and their errors, overdue actions."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from supplier_dd.models import ActionPlan, CharterEvidence, PlanAction, Referral, TrainingRecord
from tests.factories import PASSWORD, make_user
from tests.helpers import any_csrf_token, text_of
from tests.programme_helpers import NHDC_PLAN, add_programme_records

SECRET = "SECRET-REFERRAL-NOTE"  # the notes of the referral add_programme_records makes


@pytest.fixture
def records(session):
    for role in ("officer", "legal", "admin", "safeguarding"):
        make_user(session, role, email=f"{role}@example.org")
    make_user(session, "supplier", email="supplier@example.org")
    ids = add_programme_records(session)
    session.commit()
    return ids


def _referrals(session) -> int:
    return session.scalar(select(func.count(Referral.id)))


@pytest.mark.parametrize("role", ["officer", "legal", "supplier"])
def test_referral_entries_are_refused_to_everyone_but_safeguarding_and_admin(client, records,
                                                                             session, role):
    client.sign_in(f"{role}@example.org", PASSWORD)
    for path in ("/programme/referrals/log", "/programme/referrals/log/new",
                 "/programme/referrals/log?page=1"):
        response = client.get(path)
        assert response.status_code == 403
        assert SECRET not in text_of(response)
    token = any_csrf_token(client)
    posted = client.post("/programme/referrals/log/new", data={
        "csrf_token": token, "referred_on": ["2", "3", "2026"], "referral_type": "nrm",
        "service_area": "Housing",
    })
    assert posted.status_code == 403
    assert _referrals(session) == 1


@pytest.mark.parametrize("role", ["officer", "legal"])
def test_officer_and_legal_see_counts_only(client, records, role):
    client.sign_in(f"{role}@example.org", PASSWORD)
    page = client.get("/programme/referrals")
    assert page.status_code == 200
    text = text_of(page)
    assert "1 in the log" in text and "2025/26" in text
    assert SECRET not in text and "Housing Options" not in text
    assert "Open the referrals log" not in text
    assert SECRET not in text_of(client.get("/programme/"))


def test_supplier_sees_no_counts(client, records):
    client.sign_in("supplier@example.org", PASSWORD)
    assert client.get("/programme/referrals").status_code == 403
    assert client.get("/programme/").status_code == 403


@pytest.mark.parametrize("role", ["safeguarding", "admin"])
def test_safeguarding_and_admin_read_the_entries(client, records, role):
    client.sign_in(f"{role}@example.org", PASSWORD)
    text = text_of(client.get("/programme/referrals/log"))
    assert SECRET in text and "Housing Options" in text


def test_safeguarding_lead_lands_on_the_log_and_adds_a_referral(client, records, session):
    signed_in = client.sign_in("safeguarding@example.org", PASSWORD)
    assert signed_in.headers["Location"] == "/programme/referrals/log"
    form = text_of(client.get("/programme/referrals/log/new"))
    assert "Do not enter the name of a potential victim" in form
    response = client.submit("/programme/referrals/log/new", {
        "referred_on": ["14", "7", "2025"], "referral_type": "advice_sought",
        "service_area": "Environmental Health", "outcome": "Helpline advised no referral",
    })
    assert response.status_code == 302
    saved = session.scalar(select(Referral).where(Referral.service_area == "Environmental Health"))
    assert saved.referred_on == date(2025, 7, 14) and saved.referral_type == "advice_sought"


def test_referral_form_errors_are_summarised(client, records, session):
    client.sign_in("safeguarding@example.org", PASSWORD)
    response = client.submit("/programme/referrals/log/new", {
        "referred_on": ["31", "2", "2025"], "service_area": "",
    })
    assert response.status_code == 200
    text = text_of(response)
    assert "There is a problem" in text
    assert "Date must be a real date" in text
    assert "Select the type of referral" in text and "Enter the service area" in text
    future = client.submit("/programme/referrals/log/new", {
        "referred_on": ["1", "1", "2099"], "referral_type": "nrm", "service_area": "Housing",
    })
    assert "must be today or in the past" in text_of(future)
    assert _referrals(session) == 1


def test_action_plan_page_highlights_overdue_actions(client, records):
    client.sign_in("legal@example.org", PASSWORD)
    page = text_of(client.get(f"/programme/action-plans/{records['action_plan']}"))
    assert "Priority 3: Communication and training" in page
    assert "Members encouraged to complete NHDC safeguarding e-learning" in page
    # The 2020 plan's dated, unfinished actions are long past due.
    assert "overdue: due before today and not completed" in page
    assert 'class="govuk-table__row app-overdue"' in page
    assert "Import notes" in page and "Ref 3.1 was written in the time-frame column" in page
    assert "Change this action" not in text_of(client.get(
        f"/programme/actions/{records['plan_action']}"))


def test_officer_changes_rag_with_a_reason_and_it_shows_in_the_history(client, records,
                                                                        session):
    client.sign_in("officer@example.org", PASSWORD)
    url = f"/programme/actions/{records['plan_action']}/edit"
    # The test client does not read textarea contents, so the action text is given each time.
    text = {"description": "Ensure that our work supports the Partnership's priorities"}
    missing_reason = client.submit(url, {**text, "rag": "amber"})
    assert missing_reason.status_code == 200
    assert "Say why the RAG status changed" in text_of(missing_reason)

    backwards = client.submit(url, {**text, "start_date": ["1", "5", "2026"],
                                    "end_date": ["1", "4", "2026"]})
    assert "The end date 01/04/2026 is before the start date 01/05/2026" in text_of(backwards)

    saved = client.submit(url, {**text, "rag": "amber",
                                "rag_reason": "Partnership meeting postponed",
                                "progress": "in_progress"})
    assert saved.status_code == 302
    page = text_of(client.get(saved.headers["Location"]))
    assert "RAG history" in page and "Partnership meeting postponed" in page
    action = session.get(PlanAction, records["plan_action"])
    session.refresh(action)
    assert action.rag == "amber" and action.progress == "in_progress"


def test_training_count_is_recorded_and_impossible_counts_explained(client, records, session):
    client.sign_in("officer@example.org", PASSWORD)
    too_many = client.submit("/programme/training/new", {
        "staff_group": "members", "course": "Safeguarding e-learning", "completed": "50",
        "total": "49", "recorded_on": ["8", "6", "2020"],
    })
    assert too_many.status_code == 200
    assert "cannot be more than the number in the group (49)" in text_of(too_many)
    not_a_number = client.submit("/programme/training/new", {
        "staff_group": "members", "course": "x", "completed": "2o", "total": "49",
        "recorded_on": ["8", "6", "2020"],
    })
    assert "Enter a whole number, like 20" in text_of(not_a_number)
    saved = client.submit("/programme/training/new", {
        "staff_group": "members", "course": "Safeguarding e-learning", "completed": "20",
        "total": "49", "recorded_on": ["8", "6", "2020"],
    })
    assert saved.status_code == 302
    assert "20 of 49 (41%)" in text_of(client.get("/programme/training"))
    assert session.scalar(select(func.count(TrainingRecord.id))) == 1


def test_legal_cannot_record_training(client, records, session):
    client.sign_in("legal@example.org", PASSWORD)
    token = any_csrf_token(client)
    response = client.post("/programme/training/new", data={
        "csrf_token": token, "staff_group": "members", "course": "x", "completed": "1",
        "total": "2", "recorded_on": ["1", "1", "2026"]})
    assert response.status_code == 403
    assert session.scalar(select(func.count(TrainingRecord.id))) == 0


def test_charter_status_comes_from_recorded_evidence(client, records, session):
    client.sign_in("officer@example.org", PASSWORD)
    before = text_of(client.get("/programme/charter"))
    assert before.count("No evidence") == 10
    response = client.submit("/programme/charter/5/evidence/new", {
        "evidenced_on": ["15", "4", "2026"],
        "description": "Whistle-blowing route publicised on the intranet",
    })
    assert response.status_code == 302
    page = text_of(client.get("/programme/charter/5"))
    assert "Whistle-blowing route publicised on the intranet" in page and "Evidenced" in page
    assert text_of(client.get("/programme/charter")).count("No evidence") == 9
    assert session.scalar(select(CharterEvidence.commitment)) == 5


def test_charter_evidence_for_an_unknown_commitment_is_not_found(client, records):
    client.sign_in("officer@example.org", PASSWORD)
    assert client.get("/programme/charter/11").status_code == 404
    assert client.get("/programme/charter/11/evidence/new").status_code == 404


def test_action_plan_upload_imports_or_explains(client, records, session):
    client.sign_in("officer@example.org", PASSWORD)
    page = client.get("/programme/action-plans/import")
    token = any_csrf_token(client)
    assert page.status_code == 200
    bad = client.post("/programme/action-plans/import", data={
        "csrf_token": token, "title": "",
        "file": (__import__("io").BytesIO(b"Ref:\tAction:\tEnd:\tRAG status:\n1.1\tX\t01/01/2020"
                                          b"\tPurple\n"), "plan.txt"),
    }, content_type="multipart/form-data")
    assert bad.status_code == 200
    assert "Nothing was imported" in text_of(bad) and "Purple" in text_of(bad)
    assert session.scalar(select(func.count(ActionPlan.id))) == 1

    good = client.post("/programme/action-plans/import", data={
        "csrf_token": token, "title": "NHDC plan, second copy",
        "file": (NHDC_PLAN.open("rb"), NHDC_PLAN.name),
    }, content_type="multipart/form-data")
    assert good.status_code == 302
    assert "Imported 24 actions in 5 priorities" in text_of(client.get(good.headers["Location"]))
