"""The council imports its debarment list on the web (issue 16): every supplier is checked at
once, a wrong file is refused with every problem named and nothing imported, and only legal,
officers and admins may do it."""

from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from supplier_dd.models.exclusion import DebarmentCheck, DebarmentEntry
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import any_csrf_token

LIST = ("name,company_number,schedule,listed_on,expires_on\n"
        "Shady Labour Ltd,01234567,6,2025-01-10,\n"
        "Old Problem Ltd,,7,2019-01-01,2020-01-01\n")


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _upload(client, content: bytes, filename: str = "debarment.csv"):
    page = client.get("/officer/debarment-list").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    return client.post("/officer/debarment-list", data={
        "csrf_token": token, "file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data", follow_redirects=True)


def _world(session):
    listed = make_supplier(session, name="Shady Labour Limited", companies_house_number="01234567")
    make_supplier(session, name="Old Problem Ltd")
    make_supplier(session, name="Brightwater Cleaning Ltd")
    make_user(session, "legal", email="legal@example.org")
    session.commit()
    return listed


def test_legal_imports_the_list_and_sees_who_is_on_it(client, session):
    listed = _world(session)
    client.sign_in("legal@example.org", PASSWORD)
    page = _text(_upload(client, LIST.encode()))
    assert "Debarment list imported: 2 new entries. Checked 3 suppliers: 1 on the list." in page
    # Listed by company number; the expired entry matches nobody.
    assert "Suppliers on the list" in page and "Shady Labour Limited" in page
    assert "Old Problem Ltd Not given Schedule 7 (discretionary)" in page and "Expired" in page
    supplier_page = _text(client.get(f"/officer/suppliers/{listed.id}"))
    assert "On the debarment list: Shady Labour Ltd (Schedule 6 ground)" in supplier_page

    again = _text(_upload(client, LIST.encode()))
    assert "0 new entries, 2 already on the list" in again
    assert session.scalar(select(func.count(DebarmentEntry.id))) == 2
    assert session.scalar(select(func.count(DebarmentCheck.id))) == 6  # each import checks all


def test_a_wrong_file_is_refused_with_every_problem_and_nothing_imported(client, session):
    _world(session)
    client.sign_in("legal@example.org", PASSWORD)
    bad_rows = "name,schedule,listed_on\n,6,\nAcme Ltd,8,\nBeta Ltd,7,27/03/2026\n"
    page = _text(_upload(client, bad_rows.encode()))
    assert "There is a problem" in page
    for message in ("Row 2: enter the name", "Row 3: schedule must be 6 (mandatory) or 7",
                    "Row 4: listed_on must be a date like 2026-03-27"):
        assert message in page
    assert "Nothing was imported" in page
    assert _text(_upload(client, b"PK\x03\x04 not really a spreadsheet", "list.csv")).count(
        "The file must be a CSV file") >= 1
    assert "saved as CSV UTF-8" in _text(_upload(client, "name,schedule\nCaf\xe9,6\n".encode(
        "latin-1")))
    assert "The selected file is empty" in _text(_upload(client, b"  \n"))
    assert "needs a header row" in _text(_upload(client, b"supplier;ground\nAcme;6\n"))
    assert "Select the debarment list CSV file" in _text(client.submit(
        "/officer/debarment-list", {}))
    assert session.scalar(select(func.count(DebarmentEntry.id))) == 0


def test_suppliers_and_safeguarding_cannot_import_a_list(client, session):
    supplier = make_supplier(session, name="Acme Ltd")
    make_user(session, "supplier", email="jane@acme.example", supplier=supplier)
    make_user(session, "safeguarding", email="safe@example.org")
    session.commit()
    for email in ("jane@acme.example", "safe@example.org"):
        client.sign_in(email, PASSWORD)
        assert client.get("/officer/debarment-list").status_code == 403
        assert client.post("/officer/debarment-list", data={}).status_code in (400, 403)
        client.post("/sign-out", data={"csrf_token": any_csrf_token(client)})
    assert session.scalar(select(func.count(DebarmentEntry.id))) == 0
