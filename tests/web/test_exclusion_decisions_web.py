"""Legal records an exclusion decision (issue 16): the supplier page and the dashboard follow
it, bad input is explained and kept, and a supplier cannot reach the form."""

from __future__ import annotations

import re

from sqlalchemy import select

from supplier_dd.models import ExclusionDecision, User
from supplier_dd.models.base import utcnow
from tests.factories import PASSWORD, make_supplier, make_user
from tests.feedback_helpers import submitted_declaration
from tests.risk_helpers import summary_row


def _convicted_supplier(session):
    supplier = make_supplier(session, name="Acme Facilities Ltd", turnover_band="under-36m")
    contact = make_user(session, "supplier", email="jane@acme.example", supplier=supplier)
    make_user(session, "legal", email="legal@example.org")
    session.commit()
    submitted_declaration(session, supplier, contact, excl_s6_connected="yes",
                          excl_details="A former director was convicted in 2024")
    return supplier


def text_of(response) -> str:
    """The page's words, tags removed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def _dashboard_row(client, name: str) -> str:
    html = client.get("/officer/risk/").get_data(as_text=True)
    row = next(r for r in re.findall(r"<tr class=\"govuk-table__row\">.*?</tr>", html, re.S)
               if name in r)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))


def _today_boxes():
    today = utcnow().date()
    return [str(today.day), str(today.month), str(today.year)]


def test_legal_records_a_decision_and_the_pages_follow_it(client, session):
    supplier = _convicted_supplier(session)
    client.sign_in("legal@example.org", PASSWORD)
    page = text_of(client.get(f"/officer/suppliers/{supplier.id}"))
    assert "Mandatory grounds (Schedule 6)" in page
    assert "A connected person (director, person with significant control or parent):" in page
    assert "A former director was convicted in 2024" in page
    assert "No exclusion decision has been recorded" in page
    assert "Excluded pending review" in _dashboard_row(client, "Acme Facilities Ltd")

    url = f"/officer/suppliers/{supplier.id}/exclusion-decision"
    response = client.submit(url, {"outcome": "excluded", "likely_to_recur": "yes",
                                   "reasons": "Conviction of a director in 2024.\nNo steps.",
                                   "decided_on": _today_boxes()})
    assert response.status_code == 302
    page = text_of(client.get(f"/officer/suppliers/{supplier.id}"))
    assert "Decision Excluded" in page and "Circumstances likely to occur again Yes" in page
    assert "by legal@example.org" in page or "by Legal" in page
    assert "No exclusion decision has been recorded" not in page
    row = _dashboard_row(client, "Acme Facilities Ltd")
    assert "Excluded" in row and "pending review" not in row


def test_a_mandatory_ground_not_likely_to_recur_is_refused_and_kept(client, session):
    supplier = _convicted_supplier(session)
    client.sign_in("legal@example.org", PASSWORD)
    url = f"/officer/suppliers/{supplier.id}/exclusion-decision"
    response = client.submit(url, {"outcome": "excluded", "likely_to_recur": "no",
                                   "reasons": "Director left in 2024",
                                   "decided_on": ["31", "2", "2026"]})
    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page and "Date must be a real date" in page
    assert "Director left in 2024" in page  # nothing lost

    response = client.submit(url, {"outcome": "excluded", "likely_to_recur": "no",
                                   "reasons": "Director left in 2024",
                                   "decided_on": _today_boxes()})
    page = text_of(response)
    assert "There is a problem" in page and "s.57" in page
    response = client.submit(url, {"reasons": ""})
    page = text_of(response)
    for message in ("Select the decision", "Enter the reasons for the decision",
                    "Enter the date of the decision"):
        assert message in page
    assert session.scalars(select(ExclusionDecision)).all() == []


def test_a_supplier_cannot_open_or_post_the_decision_form(client, session):
    supplier = _convicted_supplier(session)
    client.sign_in("jane@acme.example", PASSWORD)
    url = f"/officer/suppliers/{supplier.id}/exclusion-decision"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"outcome": "not_excluded"}).status_code in (400, 403)


def test_the_dashboard_exclusion_tag_follows_the_decision(app, session):
    from flask import g, render_template_string

    from supplier_dd.models import SupplierRiskSummary
    from supplier_dd.services import exclusions

    supplier = _convicted_supplier(session)
    row = session.scalar(select(SupplierRiskSummary)
                         .where(SupplierRiskSummary.supplier_id == supplier.id))
    assert row.excluded_pending_review
    page = '{% for row in rows %}{% include "risk/_exclusion_tag.html" %}{% endfor %}'

    def tag() -> str:
        with app.test_request_context():
            g.pop("exclusion_states", None)  # a fresh request (the tests share an app context)
            tags = exclusions.dashboard_tags(session, [row])
            return re.sub(r"\s+", " ", render_template_string(page, rows=[row],
                                                             exclusion_tags=tags)).strip()

    assert "Decision needed" in tag()
    legal = session.scalar(select(User).where(User.email == "legal@example.org"))
    exclusions.record_decision(session, supplier.id, outcome="not_excluded",
                               likely_to_recur=False, reasons="The convicted director left "
                               "in 2024 and the board changed its checks",
                               decided_on=utcnow().date(), user=legal, now=utcnow())
    session.commit()
    assert "Not excluded" in tag() and "Decision needed" not in tag()


def test_a_debarment_list_match_is_shown_on_the_supplier_page(client, session):
    from supplier_dd.services import audit, debarment

    supplier = _convicted_supplier(session)
    debarment.import_list(session, "name,schedule\nACME Facilities Limited,7\n", utcnow(),
                          audit.CLI)
    session.commit()
    client.sign_in("legal@example.org", PASSWORD)
    page = text_of(client.get(f"/officer/suppliers/{supplier.id}"))
    assert "On the debarment list: ACME Facilities Limited (Schedule 7 ground)" in page


def _decide(session, supplier, outcome: str, likely_to_recur: bool):
    from supplier_dd.services import exclusions

    legal = session.scalar(select(User).where(User.email == "legal@example.org"))
    exclusions.record_decision(session, supplier.id, outcome=outcome,
                               likely_to_recur=likely_to_recur,
                               reasons="Reasons the decision-maker recorded",
                               decided_on=utcnow().date(), user=legal, now=utcnow())
    session.commit()


def _export_ratings(client) -> dict[str, str]:
    import csv
    import io

    text = client.get("/officer/risk/export.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    return {row["Supplier"]: row["Rating"] for row in rows}


def test_a_decision_moves_the_supplier_in_the_rating_order_and_the_export(client, session):
    from supplier_dd.services.risk_dashboard import BAND_RANKS

    supplier = _convicted_supplier(session)
    client.sign_in("legal@example.org", PASSWORD)
    assert _export_ratings(client)["Acme Facilities Ltd"] == "Excluded pending review"

    _decide(session, supplier, "not_excluded", likely_to_recur=False)
    summary = summary_row(session, supplier.id)
    session.refresh(summary)
    # Ranked by the band it was scored, no longer as a knock-out waiting for a decision.
    assert not summary.excluded_pending_review
    rating = _export_ratings(client)["Acme Facilities Ltd"]
    assert rating == summary.residual_band and rating != "Excluded pending review"
    assert "Decision needed" not in _dashboard_row(client, "Acme Facilities Ltd")
    assert "Not excluded" in _dashboard_row(client, "Acme Facilities Ltd")

    _decide(session, supplier, "excluded", likely_to_recur=True)
    assert _export_ratings(client)["Acme Facilities Ltd"] == "Excluded"
    session.refresh(summary)
    # Decided exclusions sort above everything, knock-outs still waiting included.
    assert summary.residual_rank > max(rank for label, rank in BAND_RANKS.items()
                                       if label != "Excluded")
    filtered = text_of(client.get("/officer/risk/?band=Excluded"))
    assert "Acme Facilities Ltd" in filtered
    pending = text_of(client.get("/officer/risk/?band=Excluded+pending+review"))
    assert "Acme Facilities Ltd" not in pending
