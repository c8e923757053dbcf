"""A register of tenders imported into the same records officers create on the web: from the
upload page (preview, confirm) and from the command line, on both databases."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from supplier_dd.models import AuditEntry, ImportBatch, Tender
from tests.factories import PASSWORD, make_user
from tests.helpers import csrf_token_in
from tests.import_files import csv_bytes, write_xlsx

CLOSING = date.today() + timedelta(days=30)
HEADERS = ["Tender Reference", "Title", "Closing Date", "Procurement Route", "Risk Tier",
           "Estimated Value", "CPV Code", "Lot"]


def tender_row(ref: str, title: str = "Office cleaning", closing: date = CLOSING,
               route: str = "Open procedure", tier: str = "High", value: str = "£250,000",
               cpv: str = "90910000-9", lot: str = "") -> list:
    return [ref, title, closing.strftime("%d/%m/%Y"), route, tier, value, cpv, lot]


def text_of(response) -> str:
    """The page as a person reads it: tags removed, entities decoded, whitespace collapsed."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(words))


def upload(client, rows: list[list], filename: str = "tenders.csv"):
    return client.submit("/imports/tenders",
                         {"file": (io.BytesIO(csv_bytes([HEADERS, *rows])), filename)},
                         content_type="multipart/form-data")


def confirm(client, response):
    batch_url = response.headers["Location"]
    page = client.get(batch_url).get_data(as_text=True)
    return client.post(f"{batch_url}/confirm", data={"csrf_token": csrf_token_in(page)}), batch_url


def tenders(session) -> dict[str, Tender]:
    session.expire_all()
    return {t.reference: t for t in session.scalars(select(Tender))}


@pytest.fixture
def officer(session, client):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    return client


def test_an_officer_previews_then_imports_tenders_like_those_made_on_the_form(session, officer):
    response = upload(officer, [tender_row("T-100"),
                                tender_row("T-101", "Grounds maintenance", tier="medium",
                                           route="Call-off from a framework", lot="Lot 1")])
    assert response.status_code == 302
    preview = text_of(officer.get(response.headers["Location"]))
    assert "Check the tenders register import" in preview
    assert "Tenders to create 2" in preview
    assert tenders(session) == {}, "a preview changes nothing"

    done, batch_url = confirm(officer, response)
    assert done.status_code == 302
    page = text_of(officer.get(batch_url))
    assert "Tenders register imported: 2 tenders created, 0 updated, 0 unchanged." in page
    made = tenders(session)
    assert set(made) == {"T-100", "T-101"}
    assert made["T-101"].risk_tier == "medium"
    assert made["T-101"].procurement_route == "framework_call_off"
    assert made["T-101"].lot == "Lot 1" and made["T-100"].closing_date == CLOSING
    assert made["T-100"].status == "open" and str(made["T-100"].value) == "250000.00"
    # The same records: each tender is audited as created, and shows on the tenders page.
    created = session.scalars(select(AuditEntry).where(AuditEntry.action == "tender.created"))
    assert {entry.object_id for entry in created} == {str(t.id) for t in made.values()}
    assert "Grounds maintenance" in text_of(officer.get("/officer/tenders"))
    assert session.scalar(select(ImportBatch.status)) == "imported"


def test_importing_again_updates_open_tenders_and_leaves_closed_ones(session, officer):
    upload_response = upload(officer, [tender_row("T-200"), tender_row("T-201")])
    confirm(officer, upload_response)
    closed = tenders(session)["T-201"]
    closed.status = "closed"
    session.commit()

    again = upload(officer, [tender_row("t-200", title="Office and depot cleaning"),
                             tender_row("T-201", title="Renamed after closing")])
    preview = text_of(officer.get(again.headers["Location"]))
    assert "Tenders to update 1" in preview and "Tenders unchanged 1" in preview
    assert "T-200 (row 2): title" in preview
    assert "T-201 (row 3): closed" in preview
    confirm(officer, again)
    after = tenders(session)
    assert after["T-200"].title == "Office and depot cleaning"
    assert after["T-201"].title == "Office cleaning"
    updated = session.scalars(select(AuditEntry).where(AuditEntry.action == "tender.updated"))
    assert [entry.object_id for entry in updated] == [str(after["T-200"].id)]


def test_a_file_with_any_bad_row_imports_nothing_and_lists_every_problem(session, officer):
    response = upload(officer, [
        tender_row("T-300"),
        tender_row("T-301", closing=date.today() - timedelta(days=1)),
        tender_row("T-302", tier="Severe"),
        tender_row("T-300", title="Repeated"),
    ])
    page = text_of(officer.get(response.headers["Location"]))
    assert "Nothing can be imported until every row is fixed" in page
    assert "3 T-301 The closing date" in page and "has passed" in page
    assert "4 T-302 The modern slavery risk tier 'Severe' is not one we know" in page
    assert "5 T-300 Tender reference T-300 is also on row 2" in page
    assert "Import 1 tenders" not in page, "no import button for a file that cannot import"
    assert tenders(session) == {}
    listed = text_of(officer.get("/imports"))
    assert "Tenders register" in listed and "Failed" in listed


def test_a_file_without_the_columns_is_refused_with_what_to_name_them(session, officer):
    response = officer.submit(
        "/imports/tenders",
        {"file": (io.BytesIO(csv_bytes([["Reference", "Title"], ["T-1", "X"]])), "t.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 200
    page = text_of(response)
    assert "The file has no column for: closing date, procurement route, modern slavery risk " \
           "tier" in page
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


@pytest.mark.parametrize("role", ["supplier", "legal"])
def test_only_those_who_import_contracts_import_tenders(session, client, role):
    make_user(session, role, email=f"{role}@example.org")
    session.commit()
    client.sign_in(f"{role}@example.org", PASSWORD)
    assert client.get("/imports/tenders").status_code in (403, 404)


def test_the_command_line_imports_an_xlsx_register_and_says_what_it_did(session, runner,
                                                                         tmp_path):
    path = write_xlsx(tmp_path / "tenders.xlsx", [HEADERS, tender_row("T-400"),
                                                  tender_row("T-401", tier="Low")])
    dry = runner.invoke(args=["import", "tenders", "--dry-run", str(path)])
    assert dry.exit_code == 0, dry.output
    assert "Tenders to create: 2" in dry.output and "Dry run: nothing was changed." in dry.output
    assert tenders(session) == {}
    done = runner.invoke(args=["import", "tenders", str(path)])
    assert done.exit_code == 0, done.output
    assert "Tenders created: 2" in done.output
    assert set(tenders(session)) == {"T-400", "T-401"}
    bad = write_xlsx(tmp_path / "bad.xlsx", [HEADERS, tender_row("T-402", route="Auction")])
    refused = runner.invoke(args=["import", "tenders", str(bad)])
    assert refused.exit_code == 1
    assert "Row 2 (tender T-402): The procurement route 'Auction' is not one we know" in \
           refused.output
    assert "T-402" not in tenders(session)
