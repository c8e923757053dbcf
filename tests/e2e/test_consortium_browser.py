"""The councils of a partnership in a real browser (issue 17): a consortium admin creates a
council, fixing a mistake on the way, and its first admin sets the council's settings; every
page passes axe-core and keeps to the width of a 320 px phone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from supplier_dd.models import Council
from tests.e2e.journey_steps import assert_accessible, banner, error_summary, go, sign_in
from tests.factories import make_user
from tests.plugins.console_checks import console_problems, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("width", [1280, 320])
def test_a_consortium_admin_creates_a_council_and_its_admin_sets_it_up(
        live_server, page, session, smtp_server, width):
    make_user(session, "consortium_admin", email="consortium@example.org")
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    watch_console(page)
    page.set_viewport_size({"width": width, "height": 800})
    base = live_server.url

    sign_in(page, base, "consortium@example.org")
    assert page.url == f"{base}/consortium"
    page.get_by_role("heading", name="Councils", exact=True).wait_for()
    assert_accessible(page, "councils")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)

    go(page.get_by_role("button", name="Create a council"))
    assert_accessible(page, "create a council")
    page.get_by_label("Council name").fill("North Hills Council")
    page.get_by_label("Modern slavery statement page (optional)").fill("not an address")
    page.get_by_label("Full name").fill("Nia Brook")
    page.get_by_label("Email address").fill("nia.brook@north.example")
    go(page.get_by_role("button", name="Create council and invite its admin"))
    assert "Enter the statement page address in the correct format" in error_summary(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_label("Modern slavery statement page (optional)").fill(
        "https://north.example/statement")
    go(page.get_by_role("button", name="Create council and invite its admin"))
    assert "North Hills Council is created" in banner(page)
    assert page.get_by_role("row", name="North Hills Council").count() == 1
    assert_accessible(page, "councils after creating one")
    assert session.scalar(select(Council).where(Council.name == "North Hills Council"))
    page.context.clear_cookies()  # signed out (at 320 px the button is behind the menu)

    sign_in(page, base, "admin@example.org")
    go(page.get_by_role("link", name="Council settings"))
    assert_accessible(page, "council settings")
    page.get_by_label("Time zone").fill("Europe/Nowhere")
    page.get_by_label("Reminder days (optional)").fill("30,14,7")
    go(page.get_by_role("button", name="Save settings"))
    assert "is not a time zone we know" in error_summary(page)
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    page.get_by_label("Time zone").fill("Europe/London")
    go(page.get_by_role("button", name="Save settings"))
    assert "settings are saved" in banner(page)
    assert page.get_by_label("Reminder days (optional)").input_value() == "30,14,7"
    assert console_problems(page) == []
