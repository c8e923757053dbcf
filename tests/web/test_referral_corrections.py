"""Referrals corrected and linked to the supplier or contract they concern (issue 21)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from supplier_dd.models import AuditEntry, Contract, Referral
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import text_of
from tests.programme_helpers import add_programme_records

SECRET = "SECRET-REFERRAL-NOTE"


@pytest.fixture
def world(session):
    for role in ("officer", "legal", "admin", "safeguarding"):
        make_user(session, role, email=f"{role}@example.org")
    cleaners = make_supplier(session, name="Sparkle Cleaning Ltd")
    builders = make_supplier(session, name="Northway Builders Ltd")
    make_user(session, "supplier", email="supplier@example.org", supplier=cleaners)
    contract = Contract(reference="C-777", title="Office cleaning", value=Decimal("5000"),
                        supplier=cleaners)
    session.add(contract)
    ids = add_programme_records(session)
    session.commit()
    return {**ids, "cleaners": cleaners.id, "builders": builders.id, "contract": contract.id}


def _correct(client, referral_id, **changes):
    # The test client reads neither textarea contents nor the three boxes of a date (one name),
    # so the texts and the date as recorded are given each time.
    return client.submit(f"/programme/referrals/log/{referral_id}/edit", {
        "outcome": "Referred", "notes": SECRET, "referred_on": ["2", "3", "2026"], **changes})


def test_safeguarding_corrects_a_referral_and_the_audit_keeps_before_and_after(
        client, world, session):
    client.sign_in("safeguarding@example.org", PASSWORD)
    form = client.get(f"/programme/referrals/log/{world['referral']}/edit")
    assert form.status_code == 200 and "Housing Options" in text_of(form)
    response = _correct(client, world["referral"], service_area="Adult Social Care",
                        referred_on=["3", "3", "2026"], notes="Details removed")
    assert response.status_code == 302
    page = text_of(client.get(response.headers["Location"]))
    assert "Referral corrected" in page and "Adult Social Care" in page
    referral = session.get(Referral, world["referral"])
    session.refresh(referral)
    assert referral.service_area == "Adult Social Care"
    assert referral.referred_on == date(2026, 3, 3) and referral.notes == "Details removed"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "referral.corrected"))
    assert entry.object_id == str(world["referral"])
    assert entry.before == {"referred_on": "2026-03-02", "service_area": "Housing Options"}
    assert entry.after == {"referred_on": "2026-03-03", "service_area": "Adult Social Care"}
    # What a correction takes out of the notes is never copied into the audit log.
    assert entry.details == {"text_changed": ["notes"]}
    assert SECRET not in str(entry.before) + str(entry.after) + str(entry.details)


def test_a_referral_linked_to_a_contract_shows_on_its_suppliers_page(client, world, session):
    client.sign_in("safeguarding@example.org", PASSWORD)
    response = _correct(client, world["referral"], contract_id=str(world["contract"]))
    assert response.status_code == 302
    referral = session.get(Referral, world["referral"])
    session.refresh(referral)
    # Choosing the contract links its supplier too.
    assert (referral.supplier_id, referral.contract_id) == (world["cleaners"], world["contract"])
    log = text_of(client.get("/programme/referrals/log"))
    assert "Sparkle Cleaning Ltd" in log and "Contract C-777" in log
    page = text_of(client.get(f"/officer/suppliers/{world['cleaners']}"))
    assert "Referrals about this supplier" in page
    assert "2 March 2026: NRM" in page or "2 March 2026" in page.split(
        "Referrals about this supplier")[1]
    other = text_of(client.get(f"/officer/suppliers/{world['builders']}"))
    assert "None in the referrals log" in other


def test_a_contract_of_another_supplier_is_refused_with_a_message(client, world, session):
    client.sign_in("admin@example.org", PASSWORD)
    response = _correct(client, world["referral"], supplier_id=str(world["builders"]),
                        contract_id=str(world["contract"]))
    assert response.status_code == 200
    text = text_of(response)
    assert "There is a problem" in text and "That contract is not held by the supplier" in text
    assert session.scalar(select(Referral.supplier_id)) is None
    forged = _correct(client, world["referral"], supplier_id="999999")
    assert forged.status_code == 200 and "Not a valid choice" in text_of(forged)


def test_a_new_referral_can_name_the_supplier(client, world, session):
    client.sign_in("safeguarding@example.org", PASSWORD)
    response = client.submit("/programme/referrals/log/new", {
        "referred_on": ["14", "7", "2025"], "referral_type": "advice_sought",
        "service_area": "Environmental Health", "supplier_id": str(world["builders"])})
    assert response.status_code == 302
    saved = session.scalar(select(Referral).where(Referral.service_area == "Environmental Health"))
    assert saved.supplier_id == world["builders"] and saved.contract_id is None


@pytest.mark.parametrize("role", ["officer", "legal"])
def test_staff_without_referral_access_see_no_referrals_on_the_supplier_page(
        client, world, session, role):
    referral = session.get(Referral, world["referral"])
    referral.supplier_id = world["cleaners"]
    session.commit()
    client.sign_in(f"{role}@example.org", PASSWORD)
    page = text_of(client.get(f"/officer/suppliers/{world['cleaners']}"))
    assert "Referrals about this supplier" not in page and "Housing Options" not in page
    assert client.get(f"/programme/referrals/log/{world['referral']}/edit").status_code == 403


def test_a_supplier_cannot_correct_a_referral(client, world):
    client.sign_in("supplier@example.org", PASSWORD)
    assert client.get(f"/programme/referrals/log/{world['referral']}/edit").status_code == 403
    assert client.get(f"/officer/suppliers/{world['cleaners']}").status_code == 403
