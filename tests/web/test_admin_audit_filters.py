"""The audit log page (issue 21): each entry's before and after field by field, filters for a
date range and part of a person's address, paging that keeps them and a CSV that honours them."""

from __future__ import annotations

import re
from datetime import datetime

from supplier_dd.services import audit
from tests.factories import PASSWORD, make_user
from tests.helpers import text_of

OFFICER = audit.Actor(1, "Jo.Smith@council.example", "officer", "127.0.0.1")
LEGAL = audit.Actor(2, "legal_team@council.example", "legal", "127.0.0.1")


def _admin(client, session):
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)


def _entry(session, actor, when, number=1, **changes):
    audit.record(session, "supplier.updated", actor, when, object_type="supplier",
                 object_id=number, **changes)


def _csv_rows(client, query) -> list[str]:
    export = client.get(f"/admin/audit/export.csv?{query}")
    assert export.status_code == 200
    return export.get_data(as_text=True).strip().splitlines()[1:]


def test_each_entry_shows_what_changed_field_by_field(client, session):
    _entry(session, OFFICER, datetime(2026, 3, 2, 10),
           details={"email": "jo.smith@council.example"},
           before={"name": "Acme Ltd", "country": "GB", "address": {"postcode": "AB1 2CD"}},
           after={"name": "Acme Holdings Ltd", "country": "GB",
                  "address": {"postcode": "ZZ9 9ZZ"}, "sector": "Cleaning"})
    session.commit()
    _admin(client, session)
    html = text_of(client.get("/admin/audit?action=supplier.updated"))
    assert "What changed" in html
    assert ('<th scope="row" class="govuk-table__header">name</th> <td class="govuk-table__cell '
            'app-break-anywhere">Acme Ltd</td> <td class="govuk-table__cell app-break-anywhere">'
            '<strong>Acme Holdings Ltd</strong>') in html
    assert "address.postcode" in html and "ZZ9 9ZZ" in html
    assert "Not set" in html  # sector was added
    assert "1 other field unchanged" in html  # country
    assert re.search(r"Email\s*</dt>\s*<dd[^>]*>\s*jo.smith@council.example", html)


def test_a_date_range_and_part_of_an_address_filter_the_page_and_the_csv(client, session):
    _entry(session, OFFICER, datetime(2026, 3, 1, 23, 59), 1)
    _entry(session, OFFICER, datetime(2026, 3, 2, 0, 0), 2)
    _entry(session, LEGAL, datetime(2026, 3, 3, 12, 0), 3)
    _entry(session, OFFICER, datetime(2026, 3, 4, 0, 0), 4)
    session.commit()
    _admin(client, session)
    dates = ("date_from=2&date_from=3&date_from=2026&date_to=3&date_to=3&date_to=2026"
             "&action=supplier.updated")
    page = text_of(client.get(f"/admin/audit?{dates}"))
    assert "2 entries match these filters" in page
    assert [row.split(",")[6] for row in _csv_rows(client, dates)] == ["2", "3"]

    smith = "actor=SMITH&action=supplier.updated"
    assert "3 entries match" in text_of(client.get(f"/admin/audit?{smith}"))
    assert [row.split(",")[6] for row in _csv_rows(client, smith)] == ["1", "2", "4"]
    # The export link on the page carries the filters.
    assert "/admin/audit/export.csv?action=supplier.updated&amp;actor=SMITH" in text_of(
        client.get(f"/admin/audit?{smith}"))


def test_percent_and_underscore_are_looked_for_as_themselves(client, session):
    _entry(session, OFFICER, datetime(2026, 3, 2, 10), 1)
    _entry(session, LEGAL, datetime(2026, 3, 2, 11), 2)
    session.commit()
    _admin(client, session)
    # As a LIKE pattern "o_s" would match "jo.smith"; as text only "legal_team" has "l_t".
    assert "0 entries" in text_of(client.get("/admin/audit?actor=o_s"))
    assert "1 entry match" in text_of(client.get("/admin/audit?actor=l_t"))
    assert "0 entries" in text_of(client.get("/admin/audit?actor=%25"))


def test_wrong_dates_are_explained_not_listed(client, session):
    _entry(session, OFFICER, datetime(2026, 3, 2, 10), 1)
    session.commit()
    _admin(client, session)
    impossible = client.get("/admin/audit?date_from=31&date_from=2&date_from=2026")
    assert impossible.status_code == 200
    page = text_of(impossible)
    assert "There is a problem" in page and "Date must be a real date" in page
    assert 'href="#date_from' in page
    backwards = client.get("/admin/audit?date_from=5&date_from=3&date_from=2026"
                           "&date_to=1&date_to=3&date_to=2026")
    assert "must be the same as or after" in text_of(backwards)
    missing_year = text_of(client.get("/admin/audit?date_to=1&date_to=3&date_to="))
    assert "Date must include a year" in missing_year
    assert client.get("/admin/audit/export.csv?date_to=1&date_to=13&date_to=2026"
                      ).status_code == 400


def test_paging_keeps_the_filters(client, session):
    for number in range(55):
        _entry(session, OFFICER, datetime(2026, 3, 2, 10), number)
    _entry(session, LEGAL, datetime(2026, 3, 2, 10), 99)
    session.commit()
    _admin(client, session)
    first = text_of(client.get("/admin/audit?actor=smith&date_from=2&date_from=3"
                               "&date_from=2026"))
    assert "55 entries match" in first
    assert ("/admin/audit?page=2&amp;actor=smith&amp;date_from=2&amp;date_from=3"
            "&amp;date_from=2026") in first
    second = text_of(client.get("/admin/audit?page=2&actor=smith&date_from=2&date_from=3"
                                "&date_from=2026"))
    assert second.count(". supplier.updated</h2>") == 5
    assert 'value="smith"' in second
