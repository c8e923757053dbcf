"""In a real browser: a control character pasted into the officer's supplier form is refused with
a clear, accessible error, and what was typed is there to correct."""

from __future__ import annotations

import pytest

from supplier_dd.models import Supplier
from tests.e2e.journey_steps import error_summary, go, sign_in
from tests.factories import make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_a_pasted_control_character_is_refused_with_an_accessible_error(
        live_server, page, session):
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    sign_in(page, live_server.url, "officer@example.org")
    page.goto(f"{live_server.url}/officer/suppliers/new")
    page.get_by_label("Legal name").fill("Brightwater\x07 Cleaning Ltd")
    go(page.get_by_role("button", name="Save supplier"))

    summary = error_summary(page)
    assert "Legal name must not contain control characters" in summary
    assert page.get_by_label("Legal name").input_value() == "Brightwater\x07 Cleaning Ltd"
    session.expire_all()
    assert session.query(Supplier).count() == 0
