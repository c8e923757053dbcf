"""Upload, preview, confirm: the import pages as officers and admins use them (CSRF on)."""

from __future__ import annotations

import html
import io
import os
import re
from datetime import datetime

import pytest
from sqlalchemy import func, select

from supplier_dd.models import Contract, ImportBatch, RegistryStatement
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import csrf_token_in
from tests.import_files import (
    REGISTRY_HEADERS,
    csv_bytes,
    register_rows,
    registry_row,
)

CONTRACTS = [
    {"ref": "NHDC-1", "title": "Office cleaning", "supplier": "Brightwater Cleaning Ltd",
     "number": "04567812", "value": "£12,000", "start": "01/04/2025", "end": "31/03/2026",
     "category": "Cleaning", "cpv": "90910000"},
    {"ref": "NHDC-2", "title": "Guarding", "supplier": "Sentinel Guarding Ltd", "number": "",
     "value": "8000", "start": "01/04/2025", "end": "31/03/2026", "category": "Security",
     "cpv": ""},
]


@pytest.fixture
def officer(session, client):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    return client


@pytest.fixture
def admin(session, client):
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    return client


def text_of(response) -> str:
    """The page as a person reads it: tags removed, entities decoded, whitespace collapsed."""
    words = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(words))


def upload(client, url, content: bytes, filename="register.csv"):
    return client.submit(url, {"file": (io.BytesIO(content), filename)},
                         content_type="multipart/form-data")


def post_form(client, page_url, action, data=None):
    """POST to the form on `page_url` whose action is `action`, with the page's CSRF token."""
    html = client.get(page_url).get_data(as_text=True)
    assert f'action="{action}"' in html, f"no form posting to {action} on {page_url}"
    return client.post(action, data={"csrf_token": csrf_token_in(html), **(data or {})})


def held_files(app):
    folder = app.config["SUPPLIER_DD_SETTINGS"].upload_dir + "/imports"
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def contract_count(session):
    return session.scalar(select(func.count()).select_from(Contract))


def test_officer_uploads_previews_and_confirms_a_register(app, officer, session):
    response = upload(officer, "/imports/contracts", csv_bytes(register_rows(CONTRACTS)))
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    assert re.fullmatch(r"/imports/[A-Za-z0-9_-]{32}", preview_url)
    assert len(held_files(app)) == 1, "the upload waits server-side for confirmation"

    page = text_of(officer.get(preview_url))
    assert "Check the contracts register import" in page
    assert "Contracts to create 2" in page
    assert "New suppliers to create 2" in page
    assert "These columns are not used and were ignored: Department" in page
    assert "Brightwater Cleaning Ltd" in page
    assert contract_count(session) == 0

    token = preview_url.rsplit("/", 1)[1]
    done = post_form(officer, preview_url, f"/imports/{token}/confirm")
    assert done.status_code == 302
    result = text_of(officer.get(preview_url))
    assert "Import complete" in result
    assert "Contracts register imported: 2 contracts created" in result
    assert "2 suppliers whose contracts changed were scored again" in result
    assert contract_count(session) == 2
    assert held_files(app) == [], "the held file is deleted once imported"
    assert session.scalar(select(ImportBatch.status)) == "imported"


def test_a_file_with_a_bad_row_cannot_be_confirmed(officer, session):
    rows = register_rows([CONTRACTS[0], dict(CONTRACTS[1], start="30/02/2025")])
    preview_url = upload(officer, "/imports/contracts", csv_bytes(rows)).headers["Location"]
    page = text_of(officer.get(preview_url))
    assert "Nothing can be imported until every row is fixed" in page
    assert "The start date '30/02/2025' is not a real date" in page
    assert "Import 2 contracts" not in page

    token = preview_url.rsplit("/", 1)[1]
    refused = post_form(officer, preview_url, f"/imports/{token}/confirm")
    assert refused.status_code == 400
    body = text_of(refused)
    assert "There is a problem" in body
    assert "Nothing was imported: 1 row has a problem. Row 3 (contract NHDC-2)" in body
    assert contract_count(session) == 0


@pytest.mark.parametrize("content, filename, message", [
    (b"%PDF-1.7 not a register", "register.csv", "The file is a PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "register.xls",
     "The file is in the old Excel format (.xls)"),
    (b"MZ\x90\x00\x03" + bytes(200), "register.csv", "not a spreadsheet or text file"),
    (b"Title,Value\r\nCleaning,100\r\n", "register.csv",
     "The file has no column for: contract reference, supplier name."),
    (b"", "register.csv", "The selected file is empty."),
])
def test_unusable_files_get_an_error_summary_and_are_not_kept(app, officer, session, content,
                                                               filename, message):
    response = upload(officer, "/imports/contracts", content, filename)
    assert response.status_code == 200
    body = text_of(response)
    assert "There is a problem" in body
    assert message in body
    assert held_files(app) == []
    assert session.scalar(select(func.count()).select_from(ImportBatch)) == 0


def test_no_file_chosen(officer):
    response = officer.submit("/imports/contracts", {}, content_type="multipart/form-data")
    assert "Select a CSV or Excel (.xlsx) file" in text_of(response)


def test_an_ambiguous_supplier_must_be_chosen_before_import(officer, session):
    make_supplier(session, name="Sentinel Guarding Ltd", companies_house_number=None)
    chosen = make_supplier(session, name="Sentinel Guarding Limited",
                           companies_house_number="05123984")
    session.commit()
    preview_url = upload(officer, "/imports/contracts",
                         csv_bytes(register_rows(CONTRACTS))).headers["Location"]
    page = text_of(officer.get(preview_url))
    assert "Choose the supplier" in page and "2 suppliers have this name." in page
    token = preview_url.rsplit("/", 1)[1]

    missing = post_form(officer, preview_url, f"/imports/{token}/confirm")
    assert missing.status_code == 400
    assert "Choose which supplier 'Sentinel Guarding Ltd' is" in text_of(missing)
    assert contract_count(session) == 0

    done = post_form(officer, preview_url, f"/imports/{token}/confirm",
                     {"supplier-0": str(chosen.id)})
    assert done.status_code == 302
    guarding = session.scalar(select(Contract).where(Contract.reference == "NHDC-2"))
    assert guarding.supplier_id == chosen.id


def test_discard_deletes_the_held_file(app, officer, session):
    preview_url = upload(officer, "/imports/contracts",
                         csv_bytes(register_rows(CONTRACTS))).headers["Location"]
    token = preview_url.rsplit("/", 1)[1]
    response = post_form(officer, preview_url, f"/imports/{token}/discard")
    assert response.status_code == 302
    assert held_files(app) == []
    assert session.scalar(select(ImportBatch.status)) == "discarded"
    assert contract_count(session) == 0


def test_confirm_without_a_csrf_token_is_refused(officer, session):
    preview_url = upload(officer, "/imports/contracts",
                         csv_bytes(register_rows(CONTRACTS))).headers["Location"]
    response = officer.post(preview_url + "/confirm", data={})
    assert response.status_code == 400
    assert contract_count(session) == 0


def registry_csv() -> bytes:
    return csv_bytes([REGISTRY_HEADERS,
                      registry_row(year=2026, name="Brightwater Cleaning Ltd", number="04567812",
                                   start="2025-04-01", end="2026-03-31",
                                   approved="2026-09-10", areas="111110"),
                      registry_row(year=2026, name="Acme Widgets Ltd", number="")])


def test_admin_imports_the_registry_and_officers_cannot(app, admin, session, client):
    response = upload(admin, "/imports/registry", registry_csv(), "StatementSummaries2026.csv")
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    assert "New statements 2" in text_of(admin.get(preview_url))
    token = preview_url.rsplit("/", 1)[1]
    assert post_form(admin, preview_url, f"/imports/{token}/confirm").status_code == 302
    assert session.scalar(select(func.count()).select_from(RegistryStatement)) == 2

    client.post("/sign-out", data={"csrf_token": csrf_token_in(
        client.get("/imports").get_data(as_text=True))})
    make_user(session, "officer", email="officer2@example.org")
    session.commit()
    client.sign_in("officer2@example.org", PASSWORD)
    assert client.get("/imports/registry").status_code == 403
    assert client.get(preview_url).status_code == 404
    assert "Import statement registry data" not in text_of(client.get("/imports"))


def test_supplier_page_shows_verified_registry_facts_and_declaration_mismatches(
        admin, session, monkeypatch):
    supplier = make_supplier(session, name="Brightwater Cleaning Ltd",
                             companies_house_number="04567812")
    session.commit()
    preview_url = upload(admin, "/imports/registry", registry_csv()).headers["Location"]
    token = preview_url.rsplit("/", 1)[1]
    post_form(admin, preview_url, f"/imports/{token}/confirm")

    page = text_of(admin.get(f"/officer/suppliers/{supplier.id}"))
    assert "Modern slavery statement registry" in page
    assert "Verified" in page and "matched by Companies House number" in page
    assert "https://www.brightwater.example/modern-slavery" in page
    assert "5 of 6" in page
    assert "Monitoring and evaluation (goals and KPIs): not covered" in page
    assert "Declared by the supplier (self-attested)" in page
    assert "No declaration submitted" in page

    # A submitted declaration that says "not a relevant commercial organisation" while the
    # registry gives £36m-£60m turnover is flagged for the officer.
    from supplier_dd.services import declarations

    monkeypatch.setattr(declarations, "last_submitted", lambda _session, _id: object())
    monkeypatch.setattr(declarations, "submitted_answers", lambda _d: {"s54_is_rco": "no"})
    flagged = text_of(admin.get(f"/officer/suppliers/{supplier.id}"))
    assert ("Declares it is not a relevant commercial organisation (turnover under £36 "
            "million), but its registered statement gives turnover £36 million to £60 "
            "million.") in flagged


def test_imports_page_lists_recent_batches(officer):
    upload(officer, "/imports/contracts", csv_bytes(register_rows(CONTRACTS)))
    page = text_of(officer.get("/imports"))
    assert "register.csv" in page and "Waiting for confirmation" in page
    assert f"{datetime.now():%Y}" in page
