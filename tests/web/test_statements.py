"""The council's Transparency Statement (issue 19): drafted from the year's figures, written,
submitted, approved and published; an approved version never changes, whoever tries and
however; a new version supersedes it."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from supplier_dd.models import AuditEntry, TransparencyStatement
from supplier_dd.models.base import utcnow
from supplier_dd.models.statement import ApprovedStatementChanged
from supplier_dd.reports.statement import AREAS
from tests.factories import PASSWORD, make_user
from tests.helpers import FormClient, any_csrf_token, text_of, words_of

YEAR = "2025/26"
NARRATIVES = {area: f"Our {area.replace('_', ' ')} paragraph for the year." for area in AREAS}


@pytest.fixture
def staff(session):
    for role in ("officer", "legal", "admin", "safeguarding", "supplier"):
        make_user(session, role, email=f"{role}@example.org")
    session.commit()


def signed_in(app, role: str):
    app.test_client_class = FormClient
    client = app.test_client()
    client.sign_in(f"{role}@example.org", PASSWORD)
    return client


def statement_row(session, statement_id: int) -> TransparencyStatement:
    session.expire_all()
    return session.get(TransparencyStatement, statement_id)


def start(client) -> int:
    response = client.submit("/reports/statements", {"year": YEAR}, form_index=1)
    assert response.status_code == 302, text_of(response)
    return int(response.headers["Location"].split("/")[-2])


def write(client, statement_id: int, narratives=NARRATIVES):
    return client.submit(f"/reports/statements/{statement_id}/edit", narratives, form_index=1)


def post(client, path: str, data: dict | None = None):
    return client.post(path, data={"csrf_token": any_csrf_token(client), **(data or {})})


APPROVAL = {"approved_on": ["27", "3", "2026"],
            "approver_name": "Cllr Jane Smith", "approver_role": "Leader of the Council",
            "decision_reference": "CAB/2026/14"}


def approved_statement(app, session) -> int:
    officer, legal = signed_in(app, "officer"), signed_in(app, "legal")
    statement_id = start(officer)
    assert write(officer, statement_id).status_code == 302
    assert post(officer, f"/reports/statements/{statement_id}/submit").status_code == 302
    response = legal.submit(f"/reports/statements/{statement_id}/approve", APPROVAL,
                            form_index=1)
    assert response.status_code == 302, text_of(response)
    return statement_id


def test_the_statement_goes_from_draft_to_published_and_anyone_can_read_it(app, session,
                                                                           staff):
    statement_id = approved_statement(app, session)
    statement = statement_row(session, statement_id)
    assert statement.status == "approved" and len(statement.checksum) == 64
    public = app.test_client()
    assert public.get("/statements/" + statement_short_name(session) + "/2025-26").status_code \
        == 404  # approved, not yet published
    legal = signed_in(app, "legal")
    assert post(legal, f"/reports/statements/{statement_id}/publish").status_code == 302
    page = public.get(f"/statements/{statement_short_name(session)}/2025-26")
    assert page.status_code == 200
    text = text_of(page)
    for area_text in NARRATIVES.values():
        assert area_text in text
    assert "Cllr Jane Smith, Leader of the Council" in text
    assert "1 April 2025 to 31 March 2026" in text
    assert "For the Home Office statement registry" in text
    assert statement_row(session, statement_id).checksum in text
    actions = list(session.scalars(select(AuditEntry.action).where(
        AuditEntry.action.like("statement.%")).order_by(AuditEntry.id)))
    assert actions == ["statement.drafted", "statement.narratives_saved", "statement.submitted",
                       "statement.approved", "statement.published"]


def statement_short_name(session) -> str:
    from supplier_dd.models import Council

    return session.get(Council, 1).short_name


def test_every_figure_is_a_reference_into_the_evidence_index(app, session, staff):
    officer = signed_in(app, "officer")
    statement_id = start(officer)
    statement = statement_row(session, statement_id)
    figures = [figure for figures in statement.figures["by_area"].values()
               for figure in figures]
    refs = [figure["ref"] for figure in figures]
    # The pack's figures by their F-number; the statement's own (S1, S2, ...) are listed in
    # the statement with what each counts.
    assert refs and all(re.fullmatch(r"[FS]\d+", ref) for ref in refs)
    assert any(ref.startswith("F") for ref in refs) and any(ref.startswith("S") for ref in refs)
    page = words_of(officer.get(f"/reports/statements/{statement_id}"))
    assert "evidence index" in page
    assert refs[0] in page
    sources = page.split("Figures counted for this statement, and what each counts", 1)[1]
    for figure in figures:
        if figure["ref"].startswith("S"):
            assert f'{figure["ref"]} {figure["label"]}' in sources
            assert figure["source"] in sources


def test_an_approved_statement_cannot_be_changed_through_any_route(app, session, staff):
    statement_id = approved_statement(app, session)
    before = statement_row(session, statement_id)
    frozen = (dict(before.narratives), before.figures, before.checksum, before.approver_name)
    for role in ("officer", "legal", "admin"):
        client = signed_in(app, role)
        changed = {area: "Changed after approval" for area in AREAS}
        client.post(f"/reports/statements/{statement_id}/edit",
                    data={"csrf_token": any_csrf_token(client), **changed})
        for step in ("refresh", "submit", "approve", "return"):
            post(client, f"/reports/statements/{statement_id}/{step}",
                 {**APPROVAL, "approver_name": "Someone else", "reason": "x", **changed})
    after = statement_row(session, statement_id)
    assert (after.narratives, after.figures, after.checksum, after.approver_name) == frozen
    assert after.status == "approved"
    refused = text_of(signed_in(app, "officer").get(
        f"/reports/statements/{statement_id}/edit", follow_redirects=True))
    assert "only a draft can be changed" in refused


def test_the_model_itself_refuses_a_change_to_an_approved_statement(app, session, staff):
    statement_id = approved_statement(app, session)
    statement = statement_row(session, statement_id)
    statement.narratives = {**statement.narratives, "risk": "Quietly changed"}
    with pytest.raises(ApprovedStatementChanged):
        session.flush()
    session.rollback()
    with pytest.raises(ApprovedStatementChanged):
        session.delete(statement_row(session, statement_id))
        session.flush()
    session.rollback()


def test_a_new_version_supersedes_the_approved_one_once_approved(app, session, staff):
    first_id = approved_statement(app, session)
    legal = signed_in(app, "legal")
    post(legal, f"/reports/statements/{first_id}/publish")
    response = post(legal, f"/reports/statements/{first_id}/new-version")
    second_id = int(response.headers["Location"].split("/")[-1])
    second = statement_row(session, second_id)
    assert (second.version, second.supersedes_id, second.narratives) == (2, first_id, NARRATIVES)
    write(legal, second_id, {**NARRATIVES, "training": "Everyone in procurement was trained."})
    post(legal, f"/reports/statements/{second_id}/submit")
    legal.submit(f"/reports/statements/{second_id}/approve", APPROVAL, form_index=1)
    assert statement_row(session, first_id).status == "superseded"
    public = app.test_client()
    short = statement_short_name(session)
    assert "Everyone in procurement" not in text_of(public.get(f"/statements/{short}/2025-26"))
    post(legal, f"/reports/statements/{second_id}/publish")
    assert "Everyone in procurement" in text_of(public.get(f"/statements/{short}/2025-26"))
    first = text_of(public.get(f"/statements/{short}/2025-26/v1"))
    assert "A later version of this statement has been approved" in first


def test_bad_input_is_explained(app, session, staff):
    officer = signed_in(app, "officer")
    assert officer.submit("/reports/statements", {"year": "2025/27"},
                          form_index=1).status_code == 400
    statement_id = start(officer)
    again = officer.submit("/reports/statements", {"year": YEAR}, form_index=1)
    assert "already a statement for 2025/26" in text_of(again)
    blank = write(officer, statement_id, {**NARRATIVES, "risk": "  "})
    assert blank.status_code == 400
    assert "Enter the paragraph for risk assessment and management" in text_of(blank)
    post(officer, f"/reports/statements/{statement_id}/submit")
    legal = signed_in(app, "legal")
    future = legal.submit(f"/reports/statements/{statement_id}/approve",
                          {**APPROVAL, "approved_on": ["1", "1", str(date.today().year + 1)]},
                          form_index=1)
    assert future.status_code == 400
    assert "must be today or in the past" in text_of(future)
    assert statement_row(session, statement_id).status == "submitted"


@pytest.mark.parametrize(("role", "expected"), [("supplier", 403), ("safeguarding", 403)])
def test_people_outside_reporting_cannot_reach_the_statements(app, session, staff, role,
                                                               expected):
    assert signed_in(app, role).get("/reports/statements").status_code == expected


def test_officers_draft_but_only_legal_and_admins_approve(app, session, staff):
    officer = signed_in(app, "officer")
    statement_id = start(officer)
    write(officer, statement_id)
    post(officer, f"/reports/statements/{statement_id}/submit")
    assert officer.get(f"/reports/statements/{statement_id}/approve").status_code == 403
    assert post(officer, f"/reports/statements/{statement_id}/publish").status_code == 403



def test_the_evidence_pack_is_approved_with_the_statement_and_named_with_it(app, session,
                                                                             staff):
    """The approver picks the year's finished pack run the council approved with the
    statement; the statement names it from then on, and a run of another year cannot be
    chosen."""
    from tests.pack_helpers import pack_run

    other_year = pack_run(session, 1, "2024/25", date(2025, 3, 31), kinds=("xlsx",))
    this_year = pack_run(session, 1, YEAR, date(2026, 3, 31), version="2.0", kinds=("xlsx",))
    officer, legal = signed_in(app, "officer"), signed_in(app, "legal")
    statement_id = start(officer)
    write(officer, statement_id)
    post(officer, f"/reports/statements/{statement_id}/submit")
    form = words_of(legal.get(f"/reports/statements/{statement_id}/approve"))
    assert "Evidence pack approved with it" in form
    assert "Version 2.0, figures at 31 March 2026" in form
    assert "figures at 31 March 2025" not in form  # another year's pack is not offered
    refused = legal.submit(f"/reports/statements/{statement_id}/approve",
                           {**APPROVAL, "pack_run": str(other_year.id)}, form_index=1)
    assert refused.status_code == 400
    assert statement_row(session, statement_id).status == "submitted"
    response = legal.submit(f"/reports/statements/{statement_id}/approve",
                            {**APPROVAL, "pack_run": str(this_year.id)}, form_index=1)
    assert response.status_code == 302, text_of(response)
    statement = statement_row(session, statement_id)
    assert statement.pack_run_id == this_year.id
    page = words_of(legal.get(f"/reports/statements/{statement_id}"))
    assert (f"Evidence pack approved with it Version 2.0, figures at 31 March 2026, data "
            f"checksum {this_year.data_checksum[:12]}") in page
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "statement.approved"))
    assert entry.after["pack_run_id"] == this_year.id
    # The pack's own page says it was approved, by whom and under which decision.
    run_page = words_of(legal.get(f"/reports/cabinet/runs/{this_year.id}"))
    assert "Approved with the Transparency Statement 2025/26, version 1" in run_page
    assert ("by Cllr Jane Smith, Leader of the Council, on 27 March 2026 under CAB/2026/14."
            in run_page)
    assert "Approved with the" not in words_of(
        legal.get(f"/reports/cabinet/runs/{other_year.id}"))
    # Frozen with the rest of the approval.
    statement.pack_run_id = other_year.id
    with pytest.raises(ApprovedStatementChanged):
        session.flush()
    session.rollback()


def test_the_pack_approved_with_a_published_statement_is_public_without_its_rows(app, session,
                                                                                  staff):
    """Anyone can read the evidence pack approved with a published statement, counted for
    its council alone (another council's records change nothing), with the evidence index but
    not the lists of records that name suppliers; before publication, or with no pack, there
    is nothing at the address."""
    from decimal import Decimal

    from supplier_dd.models import Contract, Supplier
    from supplier_dd.models.tenancy import acting_for
    from tests.council_helpers import second_council
    from tests.pack_helpers import pack_run

    with acting_for(session, 1):
        supplier = Supplier(name="Quietly Named Cleaning Ltd", normalised_name="quietly named",
                            country="GB", created_at=utcnow())
        session.add(supplier)
        session.add(Contract(reference="C-PUBLIC-1", title="Office cleaning",
                             category="Cleaning", value=Decimal("90000"),
                             start_date=date(2025, 4, 1), end_date=date(2027, 3, 31),
                             supplier=supplier))
    partner = second_council(session)
    with acting_for(session, partner):
        session.add(Contract(reference="C-PARTNER-1", title="Partner's contract",
                             category="Cleaning", value=Decimal("50000"),
                             start_date=date(2025, 4, 1), end_date=date(2027, 3, 31)))
    session.commit()
    run = pack_run(session, 1, YEAR, date(2026, 3, 31), kinds=("xlsx",))
    officer, legal = signed_in(app, "officer"), signed_in(app, "legal")
    statement_id = start(officer)
    write(officer, statement_id)
    post(officer, f"/reports/statements/{statement_id}/submit")
    assert legal.submit(f"/reports/statements/{statement_id}/approve",
                        {**APPROVAL, "pack_run": str(run.id)}, form_index=1).status_code == 302
    address = f"/statements/{statement_short_name(session)}/2025-26/v1/evidence-pack"
    reader = app.test_client()
    assert reader.get(address).status_code == 404  # approved, not published yet
    post(legal, f"/reports/statements/{statement_id}/publish")
    statement_page = words_of(reader.get(f"/statements/{statement_short_name(session)}/2025-26"))
    assert "Evidence pack approved with it Version 1.0, figures at 31 March 2026" in \
        statement_page
    response = reader.get(address)
    assert response.status_code == 200, words_of(response)
    page = words_of(response)
    assert "annual evidence pack 2025/26" in page and "CAB/2026/14" in page
    assert run.data_checksum in page  # the data the run was built from, so its own council's
    assert "Appendix: evidence index" in page
    assert "Rows behind the figures" not in page
    assert "Quietly Named Cleaning Ltd" not in page
    # A statement approved without a pack has no pack page.
    legal_new = post(legal, f"/reports/statements/{statement_id}/new-version")
    assert legal_new.status_code == 302
    assert reader.get(f"/statements/{statement_short_name(session)}/2025-26/v2/evidence-pack"
                      ).status_code == 404
