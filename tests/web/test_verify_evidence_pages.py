"""The officer's pages for verifying the evidence behind an answer (issue 16): the review page
says which answers are self-attested and which verified, the forms verify and withdraw with
GOV.UK error summaries for bad input, and suppliers and wrong ids get nowhere."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from supplier_dd.models import AnswerVerification
from supplier_dd.models.base import utcnow
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import text_of as html_of
from tests.integration.test_verifying_evidence import uniform_supplier


@pytest.fixture
def world(session):
    supplier, declaration, policy = uniform_supplier(session, utcnow())
    make_user(session, "officer", email="officer@council.example")
    make_user(session, "supplier", email="jane@uniform.example", supplier=supplier)
    session.commit()
    return supplier, declaration, policy


def text_of(response) -> str:
    """The page's words without markup, as a reader meets them."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html_of(response))).replace(" %", "%")


def _urls(supplier):
    base = f"/officer/risk/suppliers/{supplier.id}"
    return f"{base}/review", f"{base}/answers/pol_has_policy/verify"


def test_verifying_a_file_then_withdrawing_it_shows_on_the_review_page(client, world, session):
    supplier, _, policy = world
    review, verify = _urls(supplier)
    client.sign_in("officer@council.example", PASSWORD)
    page = text_of(client.get(review))
    assert "Self-attested maturity" in page and "Verified maturity 0% (Red)" in page
    assert "Self-attested" in page and "Verify evidence for Written policy" in page

    form = text_of(client.get(verify))
    assert "A file the supplier uploaded with this answer" in form and "policy.pdf" in form
    assert "statement.pdf" not in form  # uploaded with another answer
    # No registry statement is matched, so that choice is not offered.
    assert "Home Office registry" not in form.split("Verify the evidence for an answer", 1)[1]

    response = client.submit(verify, {"kind": "document", "evidence_file": str(policy.id),
                                      "note": "Board-signed policy, 2026"})
    assert response.status_code == 302 and response.headers["Location"].endswith(review)
    page = text_of(client.get(review))
    assert "Evidence verified for ‘" in page
    assert "Document policy.pdf checked by" in page and "Board-signed policy, 2026" in page
    assert "Verified maturity 0% (Red)" not in page

    verification = session.scalar(select(AnswerVerification))
    withdraw = f"/officer/risk/suppliers/{supplier.id}/verifications/{verification.id}/withdraw"
    refused = client.submit(withdraw, {"reason": "  "})
    assert refused.status_code == 200
    assert "There is a problem" in text_of(refused)
    assert "Enter why you are withdrawing the verification" in text_of(refused)
    assert client.submit(withdraw, {"reason": "It was the 2019 policy"}).status_code == 302
    page = text_of(client.get(review))
    assert "Verification withdrawn" in page and "Verified maturity 0% (Red)" in page
    assert client.get(withdraw).status_code == 404  # withdrawn: nothing left to withdraw


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Select how you checked the evidence"),
    ({"kind": "document"}, "Select the file you checked"),
    ({"kind": "certification", "certifying_body": "Sedex", "certified_on": ["1", "6", "2026"]},
     "Enter the audit or certification scheme"),
    ({"kind": "certification", "scheme": "SMETA", "certifying_body": "Sedex",
      "certified_on": ["1", "6", "2099"]},
     "The date of the audit or certification must be today or in the past"),
    ({"kind": "certification", "scheme": "SMETA", "certifying_body": "Sedex",
      "certified_on": ["1", "6", "2026"],
      "expires_on": ["1", "5", "2026"]},
     "The expiry date must be after the date of the audit or certification"),
    ({"kind": "certification", "scheme": "SMETA", "certifying_body": "Sedex",
      "certified_on": ["31", "2", "2026"]},
     "Date must be a real date"),
    ({"kind": "registry"}, "Not a valid choice"),
])
def test_bad_input_gets_an_error_summary_and_keeps_what_was_typed(client, world, data,
                                                                   message):
    supplier, _, _ = world
    _, verify = _urls(supplier)
    client.sign_in("officer@council.example", PASSWORD)
    response = client.submit(verify, data)
    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page and message in page
    if data.get("scheme"):
        assert f'value="{data["scheme"]}"' in response.get_data(as_text=True)


def test_a_half_typed_date_under_another_kind_does_not_block_a_file(client, world):
    supplier, _, policy = world
    _, verify = _urls(supplier)
    client.sign_in("officer@council.example", PASSWORD)
    response = client.submit(verify, {"kind": "document", "evidence_file": str(policy.id),
                                      "certified_on": ["4", "", ""]})
    assert response.status_code == 302


def test_verifying_twice_says_already_verified(client, world, session):
    supplier, _, policy = world
    _, verify = _urls(supplier)
    client.sign_in("officer@council.example", PASSWORD)
    data = {"kind": "document", "evidence_file": str(policy.id)}
    assert client.submit(verify, data).status_code == 302
    again = client.submit(verify, data)
    assert again.status_code == 200 and "already verified" in text_of(again)
    assert len(session.scalars(select(AnswerVerification)).all()) == 1


def test_a_certification_is_described_with_its_body_and_expiry(client, world):
    supplier, _, _ = world
    review, verify = _urls(supplier)
    client.sign_in("officer@council.example", PASSWORD)
    response = client.submit(verify, {
        "kind": "certification", "scheme": "SMETA", "certifying_body": "Sedex",
        "certified_on": ["1", "6", "2026"],
        "expires_on": ["1", "6", "2099"]})
    assert response.status_code == 302
    assert "SMETA by Sedex, valid to 1 June 2099 by" in text_of(client.get(review))


def test_suppliers_and_wrong_ids_get_nowhere(app, client, world, session):
    supplier, declaration, policy = world
    _, verify = _urls(supplier)
    other = make_supplier(session, name="Other Ltd")
    session.commit()
    supplier_client = app.test_client()
    supplier_client.sign_in("jane@uniform.example", PASSWORD)
    assert supplier_client.get(verify).status_code == 403
    assert supplier_client.post(verify, data={"kind": "certification"}).status_code in (400, 403)
    client.sign_in("officer@council.example", PASSWORD)
    base = f"/officer/risk/suppliers/{supplier.id}"
    assert client.get(f"{base}/answers/pol_policy_file/verify").status_code == 404  # unscored
    assert client.get(f"{base}/answers/no_such_question/verify").status_code == 404
    assert client.get(f"/officer/risk/suppliers/{other.id}/answers/pol_has_policy/verify"
                      ).status_code == 404  # not assessed
    verification = AnswerVerification(declaration_id=declaration.id,
                                      question_id="pol_has_policy", kind="document",
                                      evidence_file_id=policy.id, verified_at=utcnow())
    session.add(verification)
    session.commit()
    assert client.get(f"/officer/risk/suppliers/{other.id}/verifications/{verification.id}"
                      "/withdraw").status_code == 404


def test_the_supplier_page_shows_both_maturities(client, world):
    supplier, _, _ = world
    client.sign_in("officer@council.example", PASSWORD)
    page = text_of(client.get(f"/officer/suppliers/{supplier.id}"))
    assert "Self-attested maturity" in page and "Verified maturity 0% (Red)" in page


def test_the_heat_map_under_v2_counts_inherent_band_by_rating(client, world, session):
    supplier, _, _ = world  # High inherent, Medium on its word alone under v2
    client.sign_in("officer@council.example", PASSWORD)
    page = text_of(client.get("/officer/risk/overview"))
    assert "Inherent risk against residual rating (risk model v2)" in page
    assert "Risk model v2 is active" in page
    row = page.split("Suppliers by inherent risk and residual rating", 1)[1]
    # Table columns: Low, Medium, High, Critical, Awaiting declaration; the High row first.
    assert "High 0 1 0 0 0" in row


def test_the_heat_map_under_v1_is_unchanged(client, session):
    make_user(session, "officer", email="officer@council.example")
    session.commit()
    client.sign_in("officer@council.example", PASSWORD)
    page = text_of(client.get("/officer/risk/overview"))
    assert "Inherent risk against declared maturity" in page
    assert "residual rating (risk model" not in page


def test_a_certification_form_names_every_missing_part_at_once(client, world):
    supplier, _, _ = world
    _, verify = _urls(supplier)
    client.sign_in("officer@council.example", PASSWORD)
    page = text_of(client.submit(verify, {"kind": "certification", "scheme": "SMETA"}))
    assert "Enter the body that audited or certified the supplier" in page
    assert "Enter the date of the audit or certification" in page
    assert "Enter the audit or certification scheme" not in page
