"""Every corrective action in one place for staff (issue 21): overdue first, filters, links."""

from __future__ import annotations

from datetime import timedelta

import pytest

from supplier_dd.models.base import utcnow
from supplier_dd.models.risk import CorrectiveAction
from tests.factories import PASSWORD, make_supplier, make_user
from tests.helpers import text_of


@pytest.fixture
def actions(session):
    for role in ("officer", "legal"):
        make_user(session, role, email=f"{role}@example.org")
    cleaners = make_supplier(session, name="Sparkle Cleaning Ltd")
    builders = make_supplier(session, name="Northway Builders Ltd")
    make_user(session, "supplier", email="supplier@example.org", supplier=cleaners)
    today = utcnow().date()

    def action(supplier, title, days, status):
        record = CorrectiveAction(supplier_id=supplier.id, title=title, owner="A Person",
                                  due_date=today + timedelta(days=days), status=status)
        session.add(record)
        return record

    made = {
        "later": action(cleaners, "Publish a statement", 40, "open"),
        "late": action(builders, "Audit labour agencies", -10, "open"),
        "waiting": action(cleaners, "Train site managers", -5, "responded"),
        "done": action(builders, "Check recruitment fees", -60, "signed_off"),
    }
    session.commit()
    return {key: record.id for key, record in made.items()}


def _order(response) -> list[str]:
    text = text_of(response)
    titles = ["Publish a statement", "Audit labour agencies", "Train site managers",
              "Check recruitment fees"]
    return sorted((title for title in titles if title in text), key=text.index)


@pytest.mark.parametrize("role", ["officer", "legal"])
def test_staff_see_every_action_overdue_first(client, actions, role):
    client.sign_in(f"{role}@example.org", PASSWORD)
    response = client.get("/officer/corrective-actions")
    assert response.status_code == 200
    assert _order(response) == ["Audit labour agencies", "Train site managers",
                                "Publish a statement", "Check recruitment fees"]
    html = response.get_data(as_text=True)
    assert f'href="/officer/risk/actions/{actions["late"]}"' in html
    assert text_of(response).count("Overdue</strong>") == 1
    assert "Northway Builders Ltd" in html and "Sparkle Cleaning Ltd" in html
    navigation = html.split('class="govuk-service-navigation__list"')[1].split("</ul>")[0]
    assert 'href="/officer/corrective-actions"' in navigation


@pytest.mark.parametrize(("args", "expected"), [
    ({"overdue": "1"}, ["Audit labour agencies"]),
    ({"status": "responded"}, ["Train site managers"]),
    ({"status": "signed_off"}, ["Check recruitment fees"]),
    ({"status": "open"}, ["Audit labour agencies", "Publish a statement"]),
    ({"status": "responded", "overdue": "1"}, []),
    ({"status": "<b>", "page": "x"}, ["Audit labour agencies", "Train site managers",
                                      "Publish a statement", "Check recruitment fees"]),
])
def test_filters_by_status_and_overdue(client, actions, args, expected):
    client.sign_in("officer@example.org", PASSWORD)
    response = client.get("/officer/corrective-actions", query_string=args)
    assert response.status_code == 200
    assert _order(response) == expected


def test_a_supplier_is_refused(client, actions):
    client.sign_in("supplier@example.org", PASSWORD)
    response = client.get("/officer/corrective-actions")
    assert response.status_code == 403
    assert "Audit labour agencies" not in text_of(response)
