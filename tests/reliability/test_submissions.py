"""Declarations submitted against a real server process (gunicorn, 4 workers x 4 threads), on
SQLite and PostgreSQL (the `database_url` fixture runs each test on both).

- 16 clients submit 500 declarations at once: every one is stored exactly once, none is lost,
  and no request gets a 5xx.
- The server is SIGKILLed part-way through a batch: every submission it acknowledged is there
  after a restart, and retrying any submission never makes a duplicate.

Sizes rise under `make soak` (SUPPLIER_DD_SOAK=1).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from supplier_dd.models import Declaration
from tests.reliability.harness import (
    Browser,
    Unreachable,
    acknowledged,
    assert_records_whole,
    prepare_drafts,
    size,
)

pytestmark = pytest.mark.reliability


def _server_errors(browsers: list[Browser]) -> list[int]:
    return [status for browser in browsers for status in browser.statuses if status >= 500]


def test_concurrent_clients_each_store_their_declaration_exactly_once(session, server_factory):
    count, clients = size(500, 5000), 16
    drafts = prepare_drafts(session, count)
    server = server_factory()
    browsers: list[Browser] = []
    lock = threading.Lock()

    def client(chunk: list[tuple[str, int]]) -> list[tuple[int, str]]:
        outcomes = []
        for email, declaration_id in chunk:
            browser = Browser(server.url)
            with lock:
                browsers.append(browser)
            try:
                browser.sign_in(email)
                reply = browser.submit_declaration(declaration_id)
            except (Unreachable, AssertionError) as error:
                outcomes.append((declaration_id, f"failed: {error}"))
                continue
            outcomes.append((declaration_id, "ok" if acknowledged(reply, declaration_id)
                             else f"answered {reply.status} {reply.location}"))
        return outcomes

    with ThreadPoolExecutor(clients) as pool:
        results = [outcome for chunk in pool.map(client, [drafts[i::clients]
                                                          for i in range(clients)])
                   for outcome in chunk]

    problems = [outcome for outcome in results if outcome[1] != "ok"]
    assert not problems, f"{len(problems)} submissions not acknowledged, e.g. {problems[:5]}\n" \
                         f"{server.log_tail()}"
    assert not _server_errors(browsers), server.log_tail()
    assert len(results) == count
    assert_records_whole(session, count)


def test_a_killed_server_loses_no_acknowledged_submission_and_retries_do_not_duplicate(
        session, server_factory):
    count, clients = size(160, 2000), 8
    kill_after = count // 4
    drafts = prepare_drafts(session, count)
    emails = dict((declaration_id, email) for email, declaration_id in drafts)
    server = server_factory()
    acked: set[int] = set()
    browsers: list[Browser] = []
    lock = threading.Lock()
    killed = threading.Event()

    def client(chunk: list[tuple[str, int]]) -> None:
        for email, declaration_id in chunk:
            if killed.is_set():
                return
            browser = Browser(server.url, timeout=60)
            with lock:
                browsers.append(browser)
            try:
                browser.sign_in(email)
                reply = browser.submit_declaration(declaration_id)
            except Unreachable:
                continue  # the kill cut this one off: its fate is for the database to say
            if acknowledged(reply, declaration_id):
                with lock:
                    acked.add(declaration_id)
                    if len(acked) >= kill_after and not killed.is_set():
                        killed.set()
                        server.kill()  # others are mid-request right now

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, [drafts[i::clients] for i in range(clients)]))
    assert killed.is_set(), "the server was never killed"
    assert not _server_errors(browsers)

    # After a restart: everything acknowledged is there.
    restarted = server_factory()
    session.expire_all()
    session.rollback()
    submitted = set(session.scalars(
        select(Declaration.id).where(Declaration.status == "submitted")))
    lost = acked - submitted
    assert not lost, f"acknowledged but lost after the kill: {sorted(lost)[:10]}"

    # Retry everything, as people would: those already stored answer with their confirmation
    # and store nothing more, the rest are submitted now.
    retried: list[Browser] = []

    def retry(declaration_id: int) -> tuple[int, bool, str]:
        browser = Browser(restarted.url)
        retried.append(browser)
        browser.sign_in(emails[declaration_id])
        path = f"/supplier/declarations/{declaration_id}/declare"
        reply = browser.post(path, {
            "csrf_token": browser.token("/supplier/"), "signatory_name": "Load Tester",
            "signatory_role": "Director", "confirm_true": "yes", "confirm_authority": "yes"})
        return declaration_id, declaration_id in submitted, (
            "confirmed" if acknowledged(reply, declaration_id)
            else f"{reply.status} {reply.location}")

    with ThreadPoolExecutor(clients) as pool:
        outcomes = list(pool.map(retry, [declaration_id for _email, declaration_id in drafts]))

    for declaration_id, was_stored, outcome in outcomes:
        assert outcome == "confirmed", (declaration_id, was_stored, outcome)
    assert not _server_errors(retried)
    assert_records_whole(session, count)
