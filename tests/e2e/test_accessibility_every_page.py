"""Every HTML page each role can reach, checked against WCAG 2.2 AA in one crawl.

The pages come from the route matrix, so a new route is checked as soon as it is added there,
and the test fails if any route that renders HTML was never checked. A few records the matrix
does not reach are added (the supplier's own declaration, page by page, and a Cabinet pack
that is still being built), because their pages are where suppliers and staff spend time.

Each page is loaded once and goes through PAGE_CHECKS (add a check there: a function taking
the Visit and returning problems as strings). After the crawl, CRAWL_CHECKS look at all pages
together: the W3C Nu Html Checker over every page's HTML in one run, and unique titles.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select, update

from supplier_dd.domain.questionnaire import current_version
from supplier_dd.models import (
    ApiKey,
    CabinetPackRun,
    Council,
    Declaration,
    OutboxMessage,
    RemovedBidder,
    Supplier,
    TransparencyStatement,
    User,
)
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import acting_for
from supplier_dd.reports.data import financial_year_of
from supplier_dd.services import audit, password_resets, statements
from supplier_dd.services.outbox import FAILED, enqueue
from tests.admin_helpers import add_staff_invitation
from tests.declaration_helpers import make_request
from tests.factories import PASSWORD
from tests.feedback_helpers import add_crawl_feedback, crawl_feedback_pages
from tests.pack_helpers import pack_run
from tests.plugins.browser import axe_violations, describe
from tests.plugins.console_checks import console_problems, watch_console
from tests.plugins.html_validator import checker_command, html_errors
from tests.plugins.landmark_checks import content_outside_landmarks
from tests.plugins.layout_checks import layout_problems
from tests.plugins.page_checks import markup_in_visible_text
from tests.statement_helpers import add_statement_records
from tests.web.test_route_matrix import MATRIX, ROLES, world  # noqa: F401 - world is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

# Routes that answer with something other than an HTML page.
NOT_HTML = {"pages.health", "pages.keep_alive",
            # An email's HTML part, shown in a sandboxed frame on the message's page.
            "admin.outbox_message_html",
            # A supplier's file for a recommendation or corrective action: a download.
            "officer_feedback.download", "supplier_feedback.download"}
STAFF_READING_PACKS = ("officer", "legal", "admin")
# Staff pages about one supplier, visited for a second supplier too.
SUPPLIER_PAGES = ("officer.supplier", "officer.edit_supplier", "officer.invite_contact",
                  "officer_declarations.request_for_supplier", "reminders.history",
                  "reminders.contract_event", "risk.new_action")


@dataclass
class Visit:
    """One page as one role saw it."""

    role: str
    endpoint: str
    url: str
    page: object  # the Playwright page, loaded
    html: str  # as the server sent it
    title: str = ""
    path: str = ""  # where the page ended up, without the query


@dataclass
class Crawl:
    visits: list[Visit] = field(default_factory=list)
    html_dir: Path | None = None
    saved: dict[Path, Visit] = field(default_factory=dict)


def check_axe(visit: Visit) -> list[str]:
    violations = axe_violations(visit.page)
    return [describe(violations)] if violations else []


def check_reflow_zoom_and_text_spacing(visit: Visit) -> list[str]:
    return layout_problems(visit.page)


def check_landmarks(visit: Visit) -> list[str]:
    return content_outside_landmarks(visit.page)


def check_no_markup_shown_as_text(visit: Visit) -> list[str]:
    """No tag or entity in what the page shows: HTML escaped on its way in (issue 15)."""
    return markup_in_visible_text(visit.page)



def check_console_is_clean(visit: Visit) -> list[str]:
    """No console error, script error or CSP refusal while the page loaded (issue 21)."""
    return console_problems(visit.page)


PAGE_CHECKS: list[tuple[str, Callable[[Visit], list[str]]]] = [
    ("console errors and CSP violations", check_console_is_clean),
    ("axe-core (serious and critical)", check_axe),
    ("markup shown as text", check_no_markup_shown_as_text),
    ("content inside landmarks", check_landmarks),
    ("reflow, 200 % zoom and text spacing", check_reflow_zoom_and_text_spacing),
]


def check_html_is_valid(crawl: Crawl) -> list[str]:
    """The W3C Nu Html Checker on the HTML of every page, in one run."""
    errors = html_errors(checker_command(), list(crawl.saved))
    return [f"{crawl.saved[error.path].role} {crawl.saved[error.path].url}: {error}"
            for error in errors]


def check_titles_are_unique(crawl: Crawl) -> list[str]:
    """Two different pages must not share a title: the title is what a screen reader says first
    and what a browser tab or history entry shows."""
    pages_by_title: dict[str, set[str]] = defaultdict(set)
    for visit in crawl.visits:
        pages_by_title[visit.title].add(visit.path)
    return [f"{len(paths)} pages titled {title!r}: {sorted(paths)}"
            for title, paths in sorted(pages_by_title.items()) if len(paths) > 1]


CRAWL_CHECKS: list[tuple[str, Callable[[Crawl], list[str]]]] = [
    ("W3C Nu Html Checker (errors)", check_html_is_valid),
    ("unique page titles", check_titles_are_unique),
]


@pytest.fixture
def crawl_world(world, session):  # noqa: F811
    """The route matrix's records, plus the supplier's own draft declaration, a Cabinet pack
    that is being built and an email in the outbox."""
    own = world["own_supplier"]
    request = make_request(session, session.get(Supplier, own))
    questionnaire = current_version("modern_slavery")
    now = utcnow()
    draft = Declaration(
        supplier_id=own, request=request, questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version, status="draft", answers={},
        review_question_ids=[], created_at=now, updated_at=now)
    running = CabinetPackRun(
        financial_year="2025/26", cover_date=date(2026, 5, 14), version="1.0",
        author="Helen Marsh", status="running", step="Counting risk",
        requested_by_name="Helen Marsh", requested_at=now, heartbeat_at=now)
    session.add_all([draft, running])
    # The tender page with a removed bidder, and the API keys page with a key (issue 15).
    session.add_all([
        RemovedBidder(tender_id=world["tender"], supplier_id=own, removed_at=now,
                      reason="Withdrew from the consortium.", request_withdrawn=True),
        ApiKey(name="ProContract e-tendering", prefix="sdd_AbCdEfGh",
               key_sha256="0" * 64, created_at=now, last_used_at=now),
    ])
    enqueue(session, dedupe_key="crawl:reminder", kind="reattestation_reminder",
            recipient="a.very.long.contact.address@supplier-with-a-long-name.example",
            subject="Your modern slavery declaration is due", text="Due soon.",
            html="<p>Due soon.</p>", now=now)
    # An invitation waiting, so its page shows the Resend and Withdraw buttons.
    add_staff_invitation(session)
    # Failed, so the page shows its Retry button (with visually hidden text) too.
    session.execute(update(OutboxMessage).values(status=FAILED, attempts=8,
                                                 last_error="Connection refused"))
    # A password reset link that still works (issue 21), so its form is crawled too.
    reset = password_resets.request_reset(session, "officer@example.org", now)
    session.commit()
    # Transparency statements in each state (issue 19), the approved one published.
    legal = session.scalar(select(User).where(User.email == "legal@example.org"))
    statement_ids = add_statement_records(session, legal)
    with acting_for(session, 1):
        published = session.get(TransparencyStatement, statement_ids["approved_statement"])
        statements.publish(session, published, legal, now, audit.CLI)
        statement_ids["published_statement"] = (
            f"/statements/{session.get(Council, 1).short_name}/"
            f"{statements.public_year(published)}")
    session.commit()
    # The supplier's own accepted declaration, its feedback and one response (issue 15).
    feedback_ids = add_crawl_feedback(session, own)
    # A finished pack, whose web edition (issue 19) is a page of its own.
    today = now.date()
    finished = pack_run(session, 1, financial_year_of(today).label, today, kinds=("xlsx",))
    return {**world, "own_draft": draft.id, "running_pack": running.id,
            "finished_pack": finished.id,
            "reset_token": reset.token, **feedback_ids, **statement_ids}


def _extra_pages(ids: dict) -> list[tuple[str, str, tuple[str, ...]]]:
    """(what, url, roles) for the pages the route matrix cannot reach with its records."""
    draft = f"/supplier/declarations/{ids['own_draft']}"
    questionnaire = current_version("modern_slavery")
    pages = [("own declaration: task list", draft, ("supplier",))]
    pages += [(f"own declaration: {section.id}/{page.id}",
               f"{draft}/sections/{section.id}/{page.id}", ("supplier",))
              for section in questionnaire.sections for page in section.pages]
    pages.append(("own declaration: check answers", f"{draft}/check", ("supplier",)))
    # A second supplier's pages, so two records' pages must differ by title too.
    pages += [(f"second record: {endpoint}", MATRIX[endpoint][1].format(
                  **{**ids, "other_supplier": ids["own_supplier"]}), ("officer",))
              for endpoint in SUPPLIER_PAGES]
    pages.append(("Cabinet pack being built", f"/reports/cabinet/runs/{ids['running_pack']}",
                  STAFF_READING_PACKS))
    pages.append(("Cabinet pack web edition",
                  f"/reports/cabinet/runs/{ids['finished_pack']}/html", STAFF_READING_PACKS))
    pages.append(("choose a new password", f"/reset-password/{ids['reset_token']}",
                  ("anonymous",)))
    pages += crawl_feedback_pages(ids)
    statement = "/reports/statements/{}"
    pages += [
        ("statement: draft", statement.format(ids["draft_statement"]), STAFF_READING_PACKS),
        ("statement: editing", statement.format(ids["draft_statement"]) + "/edit",
         ("officer",)),
        ("statement: submitted", statement.format(ids["submitted_statement"]), ("legal",)),
        ("statement: recording the approval",
         statement.format(ids["submitted_statement"]) + "/approve", ("legal",)),
        ("statement: sending back", statement.format(ids["submitted_statement"]) + "/return",
         ("legal",)),
        ("statement: approved", statement.format(ids["approved_statement"]), ("admin",)),
        ("statement: published, for anyone", ids["published_statement"],
         ("anonymous", "officer")),
    ]
    return pages


def _pages_for(role: str, ids: dict):
    for endpoint, (method, url, expected) in MATRIX.items():
        if method == "GET" and expected.get(role) == 200 and endpoint not in NOT_HTML:
            yield endpoint, url.format(**ids)
    for what, url, roles in _extra_pages(ids):
        if role in roles:
            yield what, url


def _sign_in(page, base, role):
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(f"{role}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def test_every_html_page_for_every_role_meets_wcag_checks(live_server, browser, crawl_world,
                                                          tmp_path):
    checker_command()  # before the crawl: a missing checker should not cost the crawl's time
    crawl = Crawl(html_dir=tmp_path / "html")
    crawl.html_dir.mkdir()
    checked: set[str] = set()
    not_html: set[str] = set()
    problems: dict[str, list[str]] = defaultdict(list)
    seconds: dict[str, float] = defaultdict(float)  # what each check costs, for the summary
    for role in ROLES:
        context = browser.new_context()
        page = context.new_page()
        watch_console(page)
        try:
            if role != "anonymous":
                _sign_in(page, live_server.url, role)
            for endpoint, url in _pages_for(role, crawl_world):
                try:
                    response = page.goto(live_server.url + url)
                except PlaywrightError as error:
                    if "Download is starting" not in str(error):
                        raise
                    not_html.add(endpoint)  # a file download (CSV, XLSX, PDF), not a page
                    continue
                if not response.headers.get("content-type", "").startswith("text/html"):
                    not_html.add(endpoint)
                    continue
                checked.add(endpoint)
                if response.status != 200:
                    problems["pages answer"].append(f"{role} {url}: {response.status}")
                visit = Visit(role, endpoint, url, page, response.text(), page.title(),
                              urlparse(page.url).path)
                crawl.visits.append(visit)
                saved = crawl.html_dir / f"{len(crawl.visits):04d}.html"
                saved.write_text(visit.html, encoding="utf-8")
                crawl.saved[saved.resolve()] = visit
                for name, check in PAGE_CHECKS:
                    started = time.perf_counter()
                    problems[name] += [f"{role} {url}: {found}" for found in check(visit)]
                    seconds[name] += time.perf_counter() - started
        finally:
            context.close()
    for name, check in CRAWL_CHECKS:
        started = time.perf_counter()
        problems[name] += check(crawl)
        seconds[name] += time.perf_counter() - started

    report = [f"== {name} ({len(found)})\n" + "\n".join(found)
              for name, found in problems.items() if found]
    assert not report, "\n\n".join(report)
    reachable = {endpoint for role in ROLES for endpoint, _url in _pages_for(role, crawl_world)}
    assert reachable - checked - not_html == set()
    print(f"\naccessibility: {len(crawl.visits)} page visits, {len(checked)} pages checked; "
          + ", ".join(f"{name} {spent:.0f} s" for name, spent in seconds.items()))
    if not_html:
        print(f"not HTML (downloads): {sorted(not_html)}")
