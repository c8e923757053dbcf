"""The command line and the scheduler in a partnership of councils (issue 17): `councils
create|list`, `--council` on the commands that act for one council, and jobs that run once per
council, each reading and mailing only that council's suppliers."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from supplier_dd.domain import bulk_requests as rules
from supplier_dd.jobs.reminders import today_for
from supplier_dd.jobs.scheduler import (
    bulk_requests_job,
    digest_job,
    referral_purge_job,
    sweep_job,
)
from supplier_dd.models import (
    AttestationReminder,
    AttestationSchedule,
    AuditEntry,
    CabinetPackRun,
    Contract,
    Council,
    DigestItem,
    OutboxMessage,
    RiskAssessment,
    User,
)
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import acting_for, link_suppliers
from supplier_dd.services import audit
from supplier_dd.services import bulk_requests as bulk_service
from supplier_dd.services.cabinet_packs import read_pack
from supplier_dd.services.councils import all_councils, create_council
from supplier_dd.web import reports as report_pages
from tests.declaration_helpers import supplier_with_contact
from tests.factories import PASSWORD, make_supplier, make_user
from tests.feedback_helpers import submitted_declaration
from tests.report_checks import pdf_text

EAST = "East District Council"
WEST = "West Borough Council"


def first_council(session) -> Council:
    """The council every database starts with (the migration's), made here where the test
    database was emptied."""
    councils = all_councils(session)
    if councils:
        return councils[0]
    council = create_council(session, WEST, utcnow(), audit.CLI, short_name="west-borough")
    session.commit()
    return council


@pytest.fixture
def one_council(session) -> Council:
    return first_council(session)


@pytest.fixture
def two_councils(session) -> tuple[Council, Council]:
    west = first_council(session)
    east = create_council(session, EAST, utcnow(), audit.CLI, short_name="east-district")
    session.commit()
    return west, east


# --- councils create | list --------------------------------------------------------------------


def test_councils_create_adds_the_council_and_its_first_admin(runner, session, one_council):
    result = runner.invoke(args=["councils", "create", "--name", EAST, "--short-name",
                                 "east-district", "--header-text",
                                 "East District", "--statement-url",
                                 "https://east.example/modern-slavery", "--admin-email",
                                 "Ann@East.example", "--admin-name", "Ann Admin"],
                           input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    east = session.scalar(select(Council).where(Council.name == EAST))
    assert (east.short_name, east.header_text, east.statement_url) == (
        "east-district", "East District", "https://east.example/modern-slavery")
    admin = session.scalar(select(User).where(User.email == "ann@east.example"))
    assert (admin.role, admin.council_id, admin.name) == ("admin", east.id, "Ann Admin")
    assert f"Created council {EAST}" in result.output
    assert f"Created admin account ann@east.example for {EAST}" in result.output
    actions = {entry.action: entry for entry in session.scalars(select(AuditEntry))}
    assert actions["council.created"].after["short_name"] == "east-district"
    # The admin's creation shows in the new council's own audit view.
    assert actions["user.created"].council_id == east.id

    listed = runner.invoke(args=["councils", "list"])
    assert listed.exit_code == 0, listed.output
    east_line = next(line for line in listed.output.splitlines() if "east-district" in line)
    assert east_line.split()[:4] == [str(east.id), "east-district", "0", "1"]
    assert east_line.endswith(EAST)
    assert one_council.short_name in listed.output


@pytest.mark.parametrize(("args", "message"), [
    (["--name", "   "], "Enter the council's name"),
    (["--name", EAST, "--short-name", "East District"],
     "The short name must be lower-case letters"),
    (["--name", EAST, "--admin-name", "Ann Admin"], "--admin-name goes with --admin-email"),
])
def test_councils_create_explains_bad_details_and_creates_nothing(runner, session, one_council,
                                                                 args, message):
    result = runner.invoke(args=["councils", "create", *args])
    assert result.exit_code == 2
    assert message in result.output
    assert [council.id for council in all_councils(session)] == [one_council.id]


def test_a_council_name_already_taken_is_refused(runner, session, two_councils):
    result = runner.invoke(args=["councils", "create", "--name", EAST.upper()])
    assert result.exit_code == 2
    assert f"There is already a council called ‘{EAST}’" in result.output


def test_a_weak_admin_password_leaves_no_council_behind(runner, session, one_council):
    result = runner.invoke(args=["councils", "create", "--name", EAST, "--admin-email",
                                 "ann@east.example"], input="short\n")
    assert result.exit_code == 1
    assert "Nothing was created" in result.output
    assert session.scalar(select(Council).where(Council.name == EAST)) is None


# --- --council ------------------------------------------------------------------------------


def test_with_two_councils_a_command_says_which_council_it_needs(runner, session, two_councils):
    result = runner.invoke(args=["referrals", "purge"])
    assert result.exit_code == 2
    assert "Say which council with --council (one of east-district, west-borough)" \
        in result.output.replace(two_councils[0].short_name, "west-borough")
    unknown = runner.invoke(args=["referrals", "purge", "--council", "north"])
    assert unknown.exit_code == 2
    assert "No council called ‘north’" in unknown.output


@pytest.mark.parametrize("which", ["east-district", EAST, "id"])
def test_with_two_councils_the_named_council_is_acted_for(runner, session, two_councils, which,
                                                          tmp_path):
    west, east = two_councils
    register = tmp_path / "contracts.csv"
    register.write_text("Contract Reference,Contract Title,Supplier Name,Companies House Number,"
                        "Start Date,End Date,Value\nE-001,Street cleaning,Eastside Cleaning Ltd,"
                        "09000001,01/04/2025,31/03/2027,120000\n", encoding="utf-8")
    council = str(east.id) if which == "id" else which
    result = runner.invoke(args=["import", "contracts", str(register), "--council", council])
    assert result.exit_code == 0, result.output
    session.expire_all()
    contract = session.scalar(select(Contract).where(Contract.reference == "E-001"))
    assert contract.council_id == east.id
    with acting_for(session, west.id):
        assert session.scalars(select(Contract)).all() == []


def test_a_staff_account_belongs_to_the_council_named(runner, session, two_councils):
    west, east = two_councils
    refused = runner.invoke(args=["users", "create", "olu@east.example", "--role", "officer"],
                            input=f"{PASSWORD}\n")
    assert refused.exit_code == 2
    assert "Say which council with --council" in refused.output
    assert session.scalar(select(User).where(User.email == "olu@east.example")) is None

    made = runner.invoke(args=["users", "create", "olu@east.example", "--role", "officer",
                               "--council", "east-district"], input=f"{PASSWORD}\n")
    assert made.exit_code == 0, made.output
    assert f"Created officer account olu@east.example for {EAST}." in made.output
    assert session.scalar(select(User).where(User.email == "olu@east.example")).council_id \
        == east.id
    listed = runner.invoke(args=["users", "list"])
    assert "officer   olu@east.example [east-district]" in listed.output


def test_with_one_council_commands_need_no_council_option(runner, session, one_council):
    result = runner.invoke(args=["referrals", "purge"])
    assert result.exit_code == 0, result.output
    assert "Deleted 0 referrals" in result.output
    made = runner.invoke(args=["users", "create", "olu@example.org", "--role", "officer"],
                         input=f"{PASSWORD}\n")
    assert made.exit_code == 0, made.output
    assert session.scalar(select(User).where(User.email == "olu@example.org")).council_id \
        == one_council.id


def test_the_council_option_is_on_every_command_that_acts_for_one(runner):
    for command in (["import", "contracts"], ["import", "registry"], ["import", "tenders"],
                    ["import", "debarment"], ["import", "action-plan"], ["report", "cabinet"],
                    ["scores", "recompute"], ["reminders", "run"], ["referrals", "purge"],
                    ["users", "create"]):
        result = runner.invoke(args=[*command, "--help"])
        assert "--council COUNCIL" in result.output, command


# --- the scheduler: one run per council --------------------------------------------------------


def _cycle(session, council: Council, supplier, due_on: date, today: date) -> None:
    with acting_for(session, council.id):
        session.add(AttestationSchedule(
            supplier_id=supplier.id, status="active", due_on=due_on, periodic_due_on=due_on,
            reason="annual", next_reminder_on=today))


def test_each_councils_sweep_mails_its_own_suppliers_naming_itself(app, session, two_councils):
    west, east = two_councils
    now = utcnow()
    today = today_for(app.config["SUPPLIER_DD_SETTINGS"], now)
    with acting_for(session, west.id):
        shared = make_supplier(session, name="Shared Facilities Ltd")
        make_user(session, "supplier", email="sam@shared.example", supplier=shared)
        west_officer = make_user(session, "officer", email="wendy@west.example")
    with acting_for(session, east.id):
        eastern = make_supplier(session, name="Eastern Only Catering Ltd")
        make_user(session, "supplier", email="eve@eastern.example", supplier=eastern)
        east_officer = make_user(session, "officer", email="ed@east.example")
    link_suppliers(session, [(east.id, shared.id)])
    _cycle(session, west, shared, today + timedelta(days=7), today)
    _cycle(session, east, shared, today + timedelta(days=7), today)
    # East's own supplier is overdue: East's officers are told, West's never hear of it.
    _cycle(session, east, eastern, today - timedelta(days=10), today)
    session.commit()

    sweep_job(app, clock=lambda: now)

    mail: dict[str, list[str]] = {}
    for message in session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
        mail.setdefault(message.recipient, []).append(f"{message.subject}\n{message.body_text}")
    # The supplier both councils know hears from each, each email naming its own council.
    shared_mail = mail["sam@shared.example"]
    assert len(shared_mail) == 2
    assert sum(west.name in text and EAST not in text for text in shared_mail) == 1
    assert sum(EAST in text and west.name not in text for text in shared_mail) == 1
    assert mail["eve@eastern.example"]
    assert all(EAST in text and west.name not in text for text in mail["eve@eastern.example"])
    # East's overdue supplier is escalated to East's officer; West's officer never sees it.
    assert any("Eastern Only Catering" in text for text in mail[east_officer.email])
    for text in mail.get(west_officer.email, []):
        assert "Eastern Only Catering" not in text and EAST not in text


def test_reminders_run_for_one_council_sweeps_that_council_only(runner, app, session,
                                                                smtp_server, two_councils):
    west, east = two_councils
    now = utcnow()
    today = today_for(app.config["SUPPLIER_DD_SETTINGS"], now)
    with acting_for(session, west.id):
        shared = make_supplier(session, name="Shared Facilities Ltd")
        make_user(session, "supplier", email="sam@shared.example", supplier=shared)
    link_suppliers(session, [(east.id, shared.id)])
    for council in two_councils:
        _cycle(session, council, shared, today + timedelta(days=7), today)
    session.commit()

    result = runner.invoke(args=["reminders", "run", "--council", "east-district"])
    assert result.exit_code == 0, result.output
    assert f"Sweep for {EAST}, {today}: 1 re-attestation(s) checked, 1 reminder(s)" \
        in result.output
    assert [message.recipients for message in smtp_server.messages] == [["sam@shared.example"]]
    session.expire_all()
    reminded = session.scalars(select(AttestationReminder.council_id)).all()
    assert reminded == [east.id]


def test_each_councils_sweep_follows_its_own_reminder_days(app, session, two_councils):
    """West keeps the service's 30, 14 and 7 days; East reminds 10 days before. Ten days before
    the due date West's latest step is the 14-day reminder, East's its own 10-day one."""
    west, east = two_councils
    east.reminder_days = "10"
    now = utcnow()
    today = today_for(app.config["SUPPLIER_DD_SETTINGS"], now)
    with acting_for(session, west.id):
        shared = make_supplier(session, name="Shared Facilities Ltd")
        make_user(session, "supplier", email="sam@shared.example", supplier=shared)
    link_suppliers(session, [(east.id, shared.id)])
    for council in two_councils:
        _cycle(session, council, shared, today + timedelta(days=10), today)
    session.commit()

    sweep_job(app, clock=lambda: now)

    kinds = dict(session.execute(select(AttestationReminder.council_id, AttestationReminder.kind)
                                 .where(AttestationReminder.status == "queued")).all())
    assert kinds == {west.id: "due_in_14_days", east.id: "due_in_10_days"}


def test_each_councils_bulk_campaign_asks_its_own_suppliers_naming_itself(app, session,
                                                                         two_councils):
    west, east = two_councils
    today = utcnow().date()
    rule = rules.parse_rule(rules.RULE_HIGH_RISK_CONTRACTS, "£50,000", "",
                            bulk_service.high_risk_industries())
    for council, slug in ((west, "westerly"), (east, "easterly")):
        with acting_for(session, council.id):
            officer = make_user(session, "officer", email=f"officer@{slug}.example")
            supplier = supplier_with_contact(session, f"{slug.title()} Cleaning Ltd",
                                             f"contact@{slug}.example")
            session.add(Contract(reference="C-1", title="Cleaning", supplier=supplier,
                                 value=Decimal("80000"), start_date=today - timedelta(days=10),
                                 end_date=today + timedelta(days=300),
                                 ppn_industry="cleaning_security", ppn_high_risk=True))
            session.flush()
            fingerprint = rules.list_fingerprint([supplier.id])
            bulk_service.start_campaign(session, rule, today + timedelta(days=30), officer,
                                        fingerprint, utcnow())
    session.commit()

    bulk_requests_job(app)

    mail = {message.recipient: f"{message.subject}\n{message.body_text}"
            for message in session.scalars(select(OutboxMessage))}
    assert set(mail) == {"contact@westerly.example", "contact@easterly.example"}
    assert west.name in mail["contact@westerly.example"]
    assert EAST not in mail["contact@westerly.example"]
    assert EAST in mail["contact@easterly.example"]
    assert west.name not in mail["contact@easterly.example"]


def test_the_daily_digest_names_each_staff_members_own_council(app, session, two_councils):
    """Digests run for the whole deployment (their items already name their council): a staff
    member's names their council, a supplier contact's the service."""
    west, east = two_councils
    with acting_for(session, east.id):
        ed = make_user(session, "legal", email="ed@east.example")
    with acting_for(session, west.id):
        supplier = make_supplier(session, name="Shared Facilities Ltd")
        sam = make_user(session, "supplier", email="sam@shared.example", supplier=supplier)
    for user in (ed, sam):
        session.add(DigestItem(dedupe_key=f"news:{user.id}", user_id=user.id,
                               kind="cabinet_pack_built", subject="News", link="/"))
    session.commit()

    digest_job(app)

    subjects = dict(session.execute(select(OutboxMessage.recipient, OutboxMessage.subject)).all())
    assert subjects["ed@east.example"].startswith(f"{EAST}: your daily summary")
    assert subjects["sam@shared.example"].startswith(
        f"{app.config['SUPPLIER_DD_SETTINGS'].council_name}: your daily summary")


def test_each_councils_scheduled_job_writes_in_its_own_audit_view(app, session, two_councils):
    """The per-council jobs act for each council in turn: what they audit shows in each
    council's own view (here the nightly referral purge, which records every run)."""
    referral_purge_job(app)
    purges = session.scalars(select(AuditEntry).where(
        AuditEntry.action == "referrals.purged")).all()
    assert sorted(entry.council_id for entry in purges) == sorted(c.id for c in two_councils)


# --- the Cabinet pack --------------------------------------------------------------------------


def _assessment(session, council: Council, supplier, kpi_status: str) -> None:
    with acting_for(session, council.id):
        session.add(RiskAssessment(
            supplier_id=supplier.id, model_version="v1", model_fingerprint="test",
            inherent_score=50, inherent_band="High", residual_score=50, residual_band="High",
            residual_rank=3, reason="recompute", is_current=True,
            created_at=utcnow() - timedelta(days=400),
            breakdown={"kpis": [{"key": "charter_msa_compliance", "status": kpi_status}]}))


def _seed_pack_records(session, west: Council, east: Council) -> None:
    """West: one live contract and one assessed supplier. East: three of each, every name and
    value a marker that must never reach West's pack."""
    with acting_for(session, west.id):
        ours = make_supplier(session, name="Westside Grounds Ltd")
        session.add(Contract(reference="W-001", title="Grounds maintenance", supplier=ours,
                             value=Decimal("50000"), start_date=date(2024, 4, 1),
                             end_date=date(2027, 3, 31)))
    _assessment(session, west, ours, "met")
    with acting_for(session, east.id):
        for number in range(3):
            theirs = make_supplier(session, name=f"Zanzibar Marker {number} Ltd")
            session.add(Contract(reference=f"Z-{number}", title=f"Zanzibar marker works {number}",
                                 supplier=theirs, value=Decimal("999999"),
                                 start_date=date(2024, 4, 1), end_date=date(2027, 3, 31)))
            _assessment(session, east, theirs, "not_met")
    session.commit()



def _pack_cells(xlsx: bytes) -> list[str]:
    return [str(cell.value) for sheet in load_workbook(io.BytesIO(xlsx)).worksheets
            for row in sheet.iter_rows() for cell in row if cell.value is not None]


def test_a_pack_for_one_council_holds_none_of_anothers_figures(runner, session, two_councils,
                                                               tmp_path):
    west, east = two_councils
    _seed_pack_records(session, west, east)
    pdf_path, xlsx_path = tmp_path / "pack.pdf", tmp_path / "pack.xlsx"
    result = runner.invoke(args=["report", "cabinet", "--year", "2025/26", "--out", str(pdf_path),
                                 "--xlsx", str(xlsx_path), "--date", "2026-05-20",
                                 "--council", west.short_name])
    assert result.exit_code == 0, result.output
    text = pdf_text(pdf_path.read_bytes())
    assert west.name in text
    assert "Zanzibar" not in text and EAST not in text
    cells = _pack_cells(xlsx_path.read_bytes())
    assert any("Westside Grounds" in cell for cell in cells)
    assert not any("Zanzibar" in cell or "999999" in cell for cell in cells)
    run = session.scalar(select(CabinetPackRun))
    assert run.council_id == west.id
    # The KPI counts come from one raw SQL query: it too counts West's assessment only.
    from supplier_dd.reports.queries import build_report_data

    with acting_for(session, west.id):
        data = build_report_data(session, "2025/26", date(2026, 5, 20), "A. Lawyer")
    assert data.figure("suppliers.kpi.charter_msa_compliance.assessed").value == 1
    assert data.figure("suppliers.kpi.charter_msa_compliance.met").value == 1
    assert data.figure("contracts.live").value == 1


def test_the_pack_cover_names_the_councils_own_author(runner, session, two_councils, tmp_path):
    west, east = two_councils
    east.pack_author = "East Legal and Democratic Services"
    session.commit()
    pdf_path = tmp_path / "pack.pdf"
    result = runner.invoke(args=["report", "cabinet", "--year", "2025/26", "--out", str(pdf_path),
                                 "--council", "east-district"])
    assert result.exit_code == 0, result.output
    text = pdf_text(pdf_path.read_bytes())
    assert "East Legal and Democratic Services" in text and EAST in text


def test_a_pack_built_in_the_browser_counts_the_requesting_councils_records(
        app, client, session, two_councils):
    """The build runs in a thread with a session of its own: it acts for the run's council."""
    west, east = two_councils
    _seed_pack_records(session, west, east)
    with acting_for(session, west.id):
        make_user(session, "legal", email="lee@west.example")
    session.commit()
    client.sign_in("lee@west.example", PASSWORD)
    response = client.submit("/reports/cabinet/new", {"year": "2025/26",
                                                      "cover_date": "20/05/2026",
                                                      "author": "Lee Legal", "version": "1.0"})
    assert response.status_code == 302
    run_id = int(response.headers["Location"].rstrip("/").split("/")[-1])
    report_pages.BACKGROUND_BUILDS[run_id].join(timeout=120)
    session.expire_all()
    run = session.get(CabinetPackRun, run_id)
    assert (run.status, run.council_id) == ("done", west.id)
    stored = {pack.kind: read_pack(app.config["SUPPLIER_DD_SETTINGS"].upload_dir, pack)
              for pack in run.packs}
    text = pdf_text(stored["pdf"])
    assert west.name in text
    assert "Zanzibar" not in text and EAST not in text
    assert _pack_cells(stored["xlsx"]) and not any(
        "Zanzibar" in cell or "999999" in cell for cell in _pack_cells(stored["xlsx"]))


# --- what a supplier downloads names the council that asked ------------------------------------


def test_a_declarations_pdf_names_the_council_whose_request_it_answers(client, session,
                                                                     two_councils):
    west, east = two_councils
    with acting_for(session, east.id):
        supplier = make_supplier(session, name="Eastern Only Catering Ltd")
        contact = make_user(session, "supplier", email="eve@eastern.example", supplier=supplier)
        session.commit()
        declaration = submitted_declaration(session, supplier, contact)
    client.sign_in("eve@eastern.example", PASSWORD)
    response = client.get(f"/supplier/declarations/{declaration.id}/pdf")
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert EAST in text and west.name not in text
