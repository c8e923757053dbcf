"""The admin pages of issue 21 in a real browser: the outbox's dates stay whole at 320 px, and a
message's HTML part is shown in its sandboxed frame, where a script in it never runs."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import update

from supplier_dd.models import OutboxMessage
from tests.admin_helpers import add_outbox_message
from tests.e2e.journey_steps import sign_in
from tests.factories import make_user
from tests.plugins.console_checks import console_problems, watch_console

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

ADMIN = "admin@example.org"
# What the page's text lines are: the distinct tops of a text node's rendered line boxes.
LINES_OF_TEXT = """(cell) => {
  const range = document.createRange();
  range.selectNodeContents(cell);
  return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
}"""


@pytest.fixture
def admin_and_message(session):
    make_user(session, "admin", email=ADMIN)
    message_id = add_outbox_message(session)
    session.execute(update(OutboxMessage).values(
        created_at=datetime(2025, 12, 24, 9, 30),
        body_html='<p id="greeting">Hello from the email</p>'
                  '<script>document.body.dataset.ran = "yes"</script>'))
    session.commit()
    return message_id


def test_the_outbox_date_stays_on_one_line_at_320_px(live_server, page, admin_and_message):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in(page, live_server.url, ADMIN)
    page.goto(f"{live_server.url}/admin/outbox")
    cell = page.get_by_role("cell", name="24 December 2025 at 09:30")
    assert cell.evaluate(LINES_OF_TEXT) == 1


def test_a_messages_html_is_shown_in_a_frame_where_nothing_runs(
        live_server, page, admin_and_message):
    watch_console(page)
    sign_in(page, live_server.url, ADMIN)
    page.goto(f"{live_server.url}/admin/outbox")
    page.get_by_role("link", name="new.person@council.example").click()
    page.get_by_role("heading", name="Set up your account").wait_for()
    frame = page.frame_locator("iframe.app-email-frame")
    assert frame.locator("#greeting").inner_text() == "Hello from the email"
    assert frame.locator("body").evaluate("(body) => body.dataset.ran || 'no'") == "no"
    # The sandbox blocks the email's script; a refusal there is expected, nothing else is.
    problems = [p for p in console_problems(page) if "sandboxed" not in p]
    assert problems == []
