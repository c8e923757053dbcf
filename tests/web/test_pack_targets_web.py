"""An admin sets the council's Cabinet pack targets (issue 16, edition 2): saved as history,
audited, bad input explained with what was typed kept, and nobody else can change them."""

from __future__ import annotations

import re

from sqlalchemy import select

from supplier_dd.models import AuditEntry, PackTarget
from tests.factories import PASSWORD, make_user

URL = "/admin/pack-targets"


def _words(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def test_an_admin_sets_a_target_and_the_earlier_one_is_kept(client, session):
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    page = _words(client.get(URL))
    assert "Default target: 90% (not set by the council)" in page

    response = client.submit(URL, {"reattestation.on_time_share".replace(".", "__"): "75"})
    assert response.status_code == 302
    page = _words(client.get(URL))
    assert "1 target changed" in page
    assert "Set by the council on" in page and "by admin@example.org" in page

    client.submit(URL, {"reattestation__on_time_share": "80%"})
    rows = session.scalars(select(PackTarget).order_by(PackTarget.id)).all()
    assert [(r.measure, r.target) for r in rows] == [
        ("reattestation.on_time_share", 75.0), ("reattestation.on_time_share", 80.0)]
    entries = session.scalars(select(AuditEntry).where(AuditEntry.action == "pack_target.set")
                              ).all()
    assert len(entries) == 2 and entries[-1].actor_email == "admin@example.org"


def test_a_target_outside_0_to_100_or_blank_is_explained_and_kept(client, session):
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    response = client.submit(URL, {"reattestation__on_time_share": "150",
                                   "tenders__declaration_coverage": "",
                                   "contracts__declaration_coverage": "ninety"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    page = _words(response)
    assert "There is a problem" in page
    assert "The target for re-attestations on time must be from 0 to 100" in page
    assert "Enter a target for declaration coverage of tenders, from 0 to 100" in page
    assert "The target for declaration coverage of contracts must be a number, like 90" in page
    assert 'value="150"' in html and 'value="ninety"' in html
    assert session.scalars(select(PackTarget)).all() == []


def test_only_admins_reach_the_targets(client, session):
    make_user(session, "legal", email="legal@example.org")
    session.commit()
    client.sign_in("legal@example.org", PASSWORD)
    assert client.get(URL).status_code == 403
