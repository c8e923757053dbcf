"""The same request sent several times at once (a double-click, a reload, a nervous user) against
a real server process (gunicorn, 2 workers x 4 threads), on SQLite and PostgreSQL.

- Six submits of one declaration: one submission is stored and sealed, and every answer is the
  confirmation page the first one produced, never a 5xx.
- Six "make a new version" of one declaration: one draft exists, and every answer lands on it.

Short, so `make test` runs them; a burst is released together from a barrier.
"""

from __future__ import annotations

from collections import Counter

import pytest

from tests.reliability.harness import (
    Browser,
    acknowledged,
    assert_chain_and_seals_verify,
    assert_records_whole,
    at_once,
    prepare_drafts,
    stored_records,
)

pytestmark = pytest.mark.reliability

REPEATS = 6
# Two workers of four threads: the copies meet both in one process and across processes, and
# the server starts in half the time of the default four.
WORKERS = 2
SIGNATURE = {"signatory_name": "Double Clicker", "signatory_role": "Director",
             "confirm_true": "yes", "confirm_authority": "yes"}


def _signed_in(server, email: str) -> Browser:
    browser = Browser(server.url)
    browser.sign_in(email)
    return browser


def _answers(replies) -> list[tuple[int, str]]:
    return [(reply.status, reply.location) for reply in replies]


def test_six_submits_at_once_store_one_submission_and_all_land_on_its_confirmation(
        session, server_factory):
    [(email, declaration_id)] = prepare_drafts(session, 1, prefix="double-submit")
    browser = _signed_in(server_factory(WORKERS), email)
    path = f"/supplier/declarations/{declaration_id}/declare"
    form = {"csrf_token": browser.token(path), **SIGNATURE}

    replies = at_once(REPEATS, lambda: browser.post(path, form))

    assert all(acknowledged(reply, declaration_id) for reply in replies), _answers(replies)
    assert_records_whole(session, 1)


def test_six_new_versions_at_once_make_one_draft_and_all_land_on_it(session, server_factory):
    [(email, declaration_id)] = prepare_drafts(session, 1, prefix="double-revise")
    browser = _signed_in(server_factory(WORKERS), email)
    assert acknowledged(browser.submit_declaration(declaration_id), declaration_id)
    path = f"/supplier/declarations/{declaration_id}/revise"
    form = {"csrf_token": browser.token(f"/supplier/declarations/{declaration_id}")}

    replies = at_once(REPEATS, lambda: browser.post(path, form))

    stored = stored_records(session)
    assert stored["statuses"] == Counter({"submitted": 1, "draft": 1}), stored["statuses"]
    assert list(stored["per_request"].values()) == [2], "one submission and one new draft"
    locations = {reply.location.rsplit("/", 1)[-1] for reply in replies}
    assert [reply.status for reply in replies] == [302] * REPEATS, _answers(replies)
    assert len(locations) == 1 and locations != {str(declaration_id)}, _answers(replies)
    assert_chain_and_seals_verify(session)
