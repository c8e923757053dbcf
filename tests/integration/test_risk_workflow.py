"""Risk scoring end to end, on SQLite and PostgreSQL: scored on submit, the dashboard, review
queries and corrective actions round-tripping to the supplier, exports and re-scoring."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from supplier_dd.domain.risk import model as risk_model
from supplier_dd.models import Contract, Declaration, Tender
from supplier_dd.models.risk import (
    CorrectiveAction,
    ReviewQuery,
    RiskAssessment,
)
from supplier_dd.services.declarations import submit
from supplier_dd.services.risk import current_assessment
from supplier_dd.services.risk_dashboard import (
    DashboardFilters,
    dashboard_page,
    forget_headline,
)
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import text_of
from tests.risk_helpers import summary_row
from tests.unit.test_risk_scoring import BEST

NOW = datetime(2026, 11, 20, 9, 0)


@pytest.fixture(autouse=True)
def fresh_headline_counts():
    """PostgreSQL tests reuse one database URL; counts cached by an earlier test must go."""
    forget_headline()


def submitted_declaration(session, supplier, answers):
    declaration = Declaration(supplier_id=supplier.id, questionnaire_id="modern_slavery",
                              questionnaire_version=1, answers=dict(answers))
    session.add(declaration)
    session.flush()
    return submit(session, declaration, signatory_name="Amara Osei", signatory_role="Director",
                  confirms_true=True, confirms_authority=True, ip="127.0.0.1", user=None,
                  now=NOW)


def test_a_submitted_declaration_is_scored_in_the_same_transaction(session):
    supplier = make_supplier(session, name="Brightwater Cleaning Ltd")
    session.add(Contract(reference="C-1", title="Office cleaning", category="Cleaning",
                         cpv_code="90910000", value=Decimal("1450000"), supplier=supplier))
    declaration = submitted_declaration(session, supplier, BEST | {"wf_id_documents": "yes"})
    assessment = current_assessment(session, supplier.id)
    assert assessment is not None and assessment.declaration_id == declaration.id
    assert (assessment.residual_band, assessment.red_flags) == ("High", ["retained_id_documents"])
    assert assessment.model_version == "v1"
    assert assessment.breakdown["maturity"]["percent"] == round(100 * 175 / 184, 1)
    summary = summary_row(session, supplier.id)
    assert (summary.residual_band, summary.latest_declaration_status) == ("High", "submitted")
    assert summary.review_status == "to_review"


def test_re_attesting_clears_overdue_on_the_dashboard_and_a_contract_event_moves_it(session):
    """The dashboard reads the due date from its summary row: a re-attestation must carry the
    new cycle's date there, or the supplier would stay 'Overdue' after declaring again."""
    from supplier_dd.services.reminders import active_schedule, record_contract_event

    supplier = make_supplier(session, name="Brightwater Cleaning Ltd")
    submitted_declaration(session, supplier, BEST)
    session.commit()
    summary = summary_row(session, supplier.id)
    first_due = active_schedule(session, supplier.id).due_on
    assert summary.next_due_on == first_due
    later = datetime.combine(first_due, NOW.time()) + timedelta(days=40)
    overdue = DashboardFilters(overdue=True)
    assert dashboard_page(session, overdue, 1, 50, later.date())[1] == 1

    again = Declaration(supplier_id=supplier.id, questionnaire_id="modern_slavery",
                        questionnaire_version=1, answers=dict(BEST))
    session.add(again)
    session.flush()
    submit(session, again, signatory_name="Amara Osei", signatory_role="Director",
           confirms_true=True, confirms_authority=True, ip=None, user=None, now=later)
    session.commit()
    session.refresh(summary)
    due = active_schedule(session, supplier.id).due_on
    assert due > later.date() and summary.next_due_on == due
    forget_headline()
    assert dashboard_page(session, overdue, 1, 50, later.date())[1] == 0

    record_contract_event(session, supplier_id=supplier.id, event="contract_extension",
                          event_on=later.date(), note="Extended to 2029", now=later)
    session.commit()
    session.refresh(summary)
    moved = active_schedule(session, supplier.id).due_on
    assert moved < due and summary.next_due_on == moved


def test_a_draft_started_in_the_portal_shows_on_the_dashboard_as_a_draft(session):
    """The dashboard's declaration filter reads the latest declaration from the summary row:
    starting a draft, or revising a submitted declaration, must reach it."""
    from supplier_dd.services.declarations import revise, start_or_resume
    from tests.declaration_helpers import make_request

    def shown_as(status):
        forget_headline()
        rows, _total = dashboard_page(session, DashboardFilters(declaration=status), 1, 50,
                                      NOW.date())
        return {row.supplier_id for row in rows}

    newcomer = make_supplier(session, name="Newcomer Ltd")
    regular = make_supplier(session, name="Regular Ltd")
    submitted = Declaration(supplier_id=regular.id, request=make_request(session, regular),
                            questionnaire_id="modern_slavery", questionnaire_version=1,
                            answers=dict(BEST))
    session.add(submitted)
    session.flush()
    submit(session, submitted, signatory_name="Amara Osei", signatory_role="Director",
           confirms_true=True, confirms_authority=True, ip=None, user=None, now=NOW)
    session.commit()
    assert newcomer.id in shown_as("none") and regular.id in shown_as("submitted")

    start_or_resume(session, None, make_request(session, newcomer), None, NOW)
    session.commit()
    assert newcomer.id in shown_as("draft") and newcomer.id not in shown_as("none")

    revise(session, None, submitted, None, NOW)
    session.commit()
    assert regular.id in shown_as("draft") and regular.id not in shown_as("submitted")


@pytest.fixture
def officer_client(client, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    return client


def _scored(session, name, answers, **details):
    supplier = make_supplier(session, name=name, **details)
    submitted_declaration(session, supplier, answers)
    return supplier


def test_dashboard_filters_sorts_and_searches_in_sql(session, officer_client):
    low = _scored(session, "Low Risk Consulting Ltd", BEST,
                  sector="Professional and administrative services and supplies, including "
                  "legal, consulting and accounting services")
    high = _scored(session, "Fee Charging Cleaners Ltd", BEST | {"wf_recruitment_fees": "yes",
                                                                "wf_fees_action": "Repaid"})
    excluded = _scored(session, "Convicted Builders Ltd",
                       BEST | {"excl_conviction": "yes", "excl_details": "2024 conviction"},
                       sector="Construction, civil engineering and building products")
    blank = make_supplier(session, name="Never Declared Ltd", country="CN")
    tender = Tender(reference="T-9", title="Cleaning", invited_suppliers=[high])
    session.add(tender)
    session.commit()

    page = text_of(officer_client.get("/officer/risk/"))
    order = [page.index(s.name) for s in (excluded, high, low, blank)]
    assert order == sorted(order), "knock-outs first, then worst band, not assessed last"
    assert "Excluded pending review" in page

    high_only = text_of(officer_client.get("/officer/risk/?band=High"))
    assert high.name in high_only and low.name not in high_only
    assert "1 supplier match" in high_only
    by_sector = text_of(officer_client.get(
        "/officer/risk/?sector=Construction%2C+civil+engineering+and+building+products"))
    assert excluded.name in by_sector and high.name not in by_sector
    by_country = text_of(officer_client.get("/officer/risk/?country=CN"))
    assert blank.name in by_country and high.name not in by_country
    by_tender = text_of(officer_client.get(f"/officer/risk/?tender={tender.id}"))
    assert high.name in by_tender and low.name not in by_tender
    by_status = text_of(officer_client.get("/officer/risk/?declaration=none"))
    assert blank.name in by_status and low.name not in by_status
    search = text_of(officer_client.get("/officer/risk/?q=consult"))
    assert low.name in search and high.name not in search
    by_number = text_of(officer_client.get(f"/officer/risk/?q={high.companies_house_number}"))
    assert high.name in by_number and low.name not in by_number
    by_name = text_of(officer_client.get("/officer/risk/?sort=name"))
    assert by_name.index(excluded.name) < by_name.index(high.name) < by_name.index(low.name)
    # Nonsense filters are ignored, never a server error.
    assert officer_client.get("/officer/risk/?band=<x>&tender=abc&sort=';drop").status_code == 200


def test_overdue_filter_uses_the_stored_due_date(session, officer_client):
    late = make_supplier(session, name="Late Ltd")
    on_time = make_supplier(session, name="On Time Ltd")
    summary_row(session, late.id).next_due_on = date(2020, 1, 1)
    summary_row(session, on_time.id).next_due_on = date(2099, 1, 1)
    session.commit()
    page = text_of(officer_client.get("/officer/risk/?overdue=1"))
    assert late.name in page and on_time.name not in page
    assert "Overdue" in page


def test_exports_follow_the_filters_and_neutralise_formulas(session, officer_client):
    _scored(session, "=HYPERLINK(evil) Ltd", BEST)
    _scored(session, "Plain Ltd", BEST | {"pol_whistleblowing": "no"})
    session.commit()
    response = officer_client.get("/officer/risk/export.csv?band=Low")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "Supplier" and len(rows) == 2
    assert rows[1][0] == "'=HYPERLINK(evil) Ltd" and rows[1][4] == "Low"
    workbook = load_workbook(io.BytesIO(officer_client.get("/officer/risk/export.xlsx").data))
    names = [row[0] for row in workbook.active.iter_rows(min_row=2, values_only=True)]
    assert names == ["Plain Ltd", "=HYPERLINK(evil) Ltd"]  # text, not a formula
    assert all(row[0].data_type == "s" for row in workbook.active.iter_rows(min_row=2))


def test_overview_pictures_have_table_alternatives(session, officer_client):
    _scored(session, "Plain Ltd", BEST)
    session.commit()
    page = officer_client.get("/officer/risk/overview").get_data(as_text=True)
    assert page.count('role="img"') == 2
    assert "Heat map as a table" in page and "Ratings over time as a table" in page


def test_a_query_round_trips_to_the_supplier_and_back(session, client):
    supplier = _scored(session, "Queried Ltd", BEST)
    other = make_supplier(session, name="Someone Else Ltd")
    make_user(session, "officer", email="officer@example.org")
    make_user(session, "supplier", email="contact@queried.example", supplier=supplier)
    make_user(session, "supplier", email="contact@else.example", supplier=other)
    session.commit()

    client.sign_in("officer@example.org", PASSWORD)
    url = f"/officer/risk/suppliers/{supplier.id}/review"
    missing = client.submit(url, {"decision": "query", "reason": "Fees answer looks wrong"})
    assert "Select at least one question" in text_of(missing)
    response = client.submit(url, {
        "decision": "query", "reason": "Fees answer looks wrong",
        "questions": ["wf_recruitment_fees"], "comment": "Ask your agencies and tell us",
    })
    assert response.status_code == 302
    assert current_assessment(session, supplier.id).review_status == "queried"
    query = session.scalar(select(ReviewQuery))
    client.post("/sign-out", data={"csrf_token": _token(client)})

    client.sign_in("contact@else.example", PASSWORD)
    assert client.get(f"/supplier/queries/{query.id}").status_code == 404
    client.post("/sign-out", data={"csrf_token": _token(client)})

    client.sign_in("contact@queried.example", PASSWORD)
    listing = text_of(client.get("/supplier/council-requests"))
    assert "Needs your answer" in listing
    page = text_of(client.get(f"/supplier/queries/{query.id}"))
    assert "Ask your agencies and tell us" in page
    assert "paid a fee or cost to get a job" in page
    empty = client.submit(f"/supplier/queries/{query.id}", {"response": ""})
    assert "Enter your answer" in text_of(empty)
    client.submit(f"/supplier/queries/{query.id}", {"response": "Checked: no fees were paid"})
    client.post("/sign-out", data={"csrf_token": _token(client)})

    session.expire_all()
    assert session.get(ReviewQuery, query.id).status == "answered"
    client.sign_in("officer@example.org", PASSWORD)
    officer_page = text_of(client.get(f"/officer/suppliers/{supplier.id}"))
    assert "Checked: no fees were paid" in officer_page
    client.post(f"/officer/risk/queries/{query.id}/close", data={"csrf_token": _token(client)})
    session.expire_all()
    closed = session.get(ReviewQuery, query.id)
    assert closed.status == "closed" and closed.closed_at is not None


def test_a_corrective_action_goes_open_responded_signed_off(session, client):
    supplier = _scored(session, "Action Ltd", BEST)
    make_user(session, "officer", email="officer@example.org")
    contact = make_user(session, "supplier", email="contact@action.example", supplier=supplier)
    session.commit()

    client.sign_in("officer@example.org", PASSWORD)
    new_url = f"/officer/risk/suppliers/{supplier.id}/actions/new"
    past = client.submit(new_url, {"title": "Publish policy", "owner": "Amara Osei",
                                   "due_date": ["1", "1", "2020"]})
    assert "today or in the future" in text_of(past)
    client.submit(new_url, {"title": "Publish policy", "owner": "Amara Osei",
                            "due_date": ["31", "1", "2099"]})
    action = session.scalar(select(CorrectiveAction))
    assert action.status == "open"
    client.post("/sign-out", data={"csrf_token": _token(client)})

    client.sign_in("contact@action.example", PASSWORD)
    assert "To do" in text_of(client.get("/supplier/council-requests"))
    client.submit(f"/supplier/actions/{action.id}", {"response": "Published on our site"})
    client.post("/sign-out", data={"csrf_token": _token(client)})

    client.sign_in("officer@example.org", PASSWORD)
    client.submit(f"/officer/risk/actions/{action.id}", {"outcome": "sign_off",
                                                         "note": "Seen it"})
    session.expire_all()
    action = session.get(CorrectiveAction, action.id)
    assert action.status == "signed_off"
    assert action.responded_by_id == contact.id and action.signed_off_at is not None
    assert [(e.from_status, e.to_status) for e in action.events] == [
        (None, "open"), ("open", "responded"), ("responded", "signed_off")]


def _token(client):
    from tests.helpers import any_csrf_token

    return any_csrf_token(client)


def test_recompute_changes_nothing_when_the_model_is_unchanged(session, runner):
    _scored(session, "Steady Ltd", BEST)
    make_supplier(session, name="Undeclared Ltd")
    session.commit()
    first = runner.invoke(args=["scores", "recompute"])
    assert "1 changed, 1 unchanged" in first.output  # the undeclared supplier's first score
    before = session.scalar(select(func.count(RiskAssessment.id)))
    again = runner.invoke(args=["scores", "recompute", "--model", "v1"])
    assert again.exit_code == 0
    assert "0 changed, 2 unchanged" in again.output
    assert session.scalar(select(func.count(RiskAssessment.id))) == before


def test_recompute_with_a_changed_model_keeps_history(session, runner, monkeypatch):
    supplier = _scored(session, "Steady Ltd", BEST)
    session.commit()
    text = risk_model.load_model("v1").fingerprint and _model_text()
    heavier = risk_model.parse_model(
        text.replace('version = "v1"', 'version = "v2"')
        .replace("mitigation = 0.6", "mitigation = 0.2")
    )
    monkeypatch.setattr(risk_model, "available_versions", lambda: ("v1", "v2"))
    original = risk_model.load_model
    monkeypatch.setattr(risk_model, "load_model",
                        lambda version="v1": heavier if version == "v2" else original(version))
    result = runner.invoke(args=["scores", "recompute", "--model", "v2"])
    assert "1 changed, 0 unchanged" in result.output, result.output
    rows = session.scalars(select(RiskAssessment).where(
        RiskAssessment.supplier_id == supplier.id).order_by(RiskAssessment.id)).all()
    assert [(r.model_version, r.is_current) for r in rows] == [("v1", False), ("v2", True)]
    assert rows[0].superseded_at is not None
    assert rows[1].residual_score > rows[0].residual_score


def test_recompute_with_an_unknown_model_says_so(runner):
    result = runner.invoke(args=["scores", "recompute", "--model", "v99"])
    assert result.exit_code != 0
    assert "There is no risk model 'v99'" in result.output


def _model_text() -> str:
    from importlib import resources

    return resources.files("supplier_dd.data").joinpath("risk_model_v1.toml").read_text("utf-8")


def test_a_supplier_added_by_an_officer_is_rated_and_a_new_country_rates_it_again(
        session, officer_client):
    created = officer_client.submit("/officer/suppliers/new", {
        "name": "Harbour Logistics Ltd", "country": "GB", "sector": "", "turnover_band": ""})
    assert created.status_code == 302
    supplier_id = int(created.headers["Location"].rstrip("/").rsplit("/", 1)[1])
    first = current_assessment(session, supplier_id)
    assert first is not None and first.declaration_id is None
    summary = summary_row(session, supplier_id)
    # No declaration yet: inherent risk only, awaiting a declaration rather than rated (issue 16).
    assert summary.inherent_band == first.inherent_band and summary.assessment_id == first.id
    assert summary.residual_band is None and first.rating == "Awaiting declaration"

    renamed = officer_client.submit(f"/officer/suppliers/{supplier_id}/edit", {
        "name": "Harbour Logistics UK Ltd"})
    assert renamed.status_code == 302
    session.expire_all()
    assert current_assessment(session, supplier_id).id == first.id  # the name is not scored

    moved = officer_client.submit(f"/officer/suppliers/{supplier_id}/edit", {"country": "BD"})
    assert moved.status_code == 302
    session.expire_all()
    after = current_assessment(session, supplier_id)
    assert after.id != first.id and after.reason == "supplier_details_changed"
    factors = {f["factor"]: f for f in after.breakdown["inherent"]["factors"]}
    assert "Bangladesh" in factors["countries"]["detail"]
    assert after.inherent_score > first.inherent_score
    assert summary_row(session, supplier_id).inherent_score == after.inherent_score
