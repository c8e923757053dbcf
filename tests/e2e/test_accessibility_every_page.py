"""axe-core on every HTML page each role can reach (WCAG 2.2 AA, no serious/critical issues).

The pages come from the route matrix, so a new route is checked as soon as it is added there,
and the test fails if any route that renders HTML was never checked.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.factories import PASSWORD
from tests.plugins.browser import axe_violations, describe
from tests.plugins.console_checks import console_problems, watch_console
from tests.web.test_route_matrix import MATRIX, ROLES, world  # noqa: F401 - world is a fixture

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]

# Routes that answer with something other than an HTML page.
NOT_HTML = {"pages.health", "pages.keep_alive"}


def _pages_for(role: str):
    for endpoint, (method, url, expected) in MATRIX.items():
        if method == "GET" and expected.get(role) == 200 and endpoint not in NOT_HTML:
            yield endpoint, url


def _sign_in(page, base, role):
    page.goto(f"{base}/sign-in")
    page.get_by_label("Email address").fill(f"{role}@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)


def test_every_html_page_passes_axe_for_every_role(live_server, browser, world):  # noqa: F811
    checked: set[str] = set()
    not_html: set[str] = set()
    problems = []
    for role in ROLES:
        context = browser.new_context()
        page = context.new_page()
        watch_console(page)
        try:
            if role != "anonymous":
                _sign_in(page, live_server.url, role)
            for endpoint, url in _pages_for(role):
                try:
                    response = page.goto(live_server.url + url.format(**world))
                except PlaywrightError as error:
                    if "Download is starting" not in str(error):
                        raise
                    not_html.add(endpoint)  # a file download (CSV, XLSX, PDF), not a page
                    continue
                if not response.headers.get("content-type", "").startswith("text/html"):
                    not_html.add(endpoint)
                    continue
                checked.add(endpoint)
                # No console error, script error or CSP refusal while the page loaded.
                problems += [f"{role} {url}: {found}" for found in console_problems(page)]
                violations = axe_violations(page)
                if violations:
                    problems.append(f"{role} {url}:\n{describe(violations)}")
        finally:
            context.close()
    assert not problems, "\n\n".join(problems)
    reachable = {endpoint for role in ROLES for endpoint, _url in _pages_for(role)}
    assert reachable - checked - not_html == set()
    print(f"\naccessibility: {len(checked)} HTML routes checked: {sorted(checked)}")
    if not_html:
        print(f"not HTML (downloads): {sorted(not_html)}")
