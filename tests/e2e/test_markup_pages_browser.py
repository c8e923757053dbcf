"""The five pages that once showed their own HTML as text (issue 15), in chromium, as the roles
that see them: no markup in what the page shows, and the real element is there to use (the
evidence link downloads the file, the tag and the code elements exist).

The crawl (test_accessibility_every_page) runs the same visible-text check on every page; these
records (a replaced declaration, copied answers, a finished pack) are beyond its route matrix.
"""

from __future__ import annotations

import pytest

from tests.e2e.journey_steps import assert_accessible, sign_in
from tests.markup_pages import (
    EVIDENCE_FILENAME,
    PACK_CHECKSUM,
    add_markup_pages,
    markup_page_urls,
)
from tests.plugins.page_checks import markup_in_visible_text

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_the_five_pages_render_their_markup_for_the_roles_that_see_them(live_server, browser,
                                                                        session):
    ids = add_markup_pages(session)
    problems = []
    seen: dict[str, set[str]] = {}
    pages = markup_page_urls(ids)
    for email in sorted({email for viewers, _url in pages.values() for email in viewers}):
        context = browser.new_context()
        page = context.new_page()
        try:
            sign_in(page, live_server.url, email)
            for name, (viewers, url) in pages.items():
                if email not in viewers:
                    continue
                page.goto(live_server.url + url)
                shown_as_text = markup_in_visible_text(page)
                problems += [f"{email} {url}: {found}" for found in shown_as_text]
                if not shown_as_text:
                    assert_accessible(page, f"{name} as {email}")
                    seen.setdefault(name, set()).add(_what_the_page_shows(page, name))
        finally:
            context.close()
    assert not problems, "\n".join(problems)
    assert seen == {
        "confirmation": {f"DEC-{ids['second']:06d}"},
        "fingerprint and evidence links": {EVIDENCE_FILENAME},
        "replaced declaration": {f"DEC-{ids['second']:06d}"},
        "supplier's own declaration": {EVIDENCE_FILENAME},
        "copied answers": {"We copied"},
        "pack run": {PACK_CHECKSUM},
    }


def _what_the_page_shows(page, name: str) -> str:
    """The element the page exists to show, found as a person would find it."""
    if name == "confirmation":
        return page.locator(".govuk-panel__body strong").inner_text()
    if name in ("fingerprint and evidence links", "supplier's own declaration"):
        link = page.get_by_role("link", name=EVIDENCE_FILENAME)
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename == EVIDENCE_FILENAME
        assert page.locator("code.app-hash").inner_text().strip()
        return link.inner_text()
    if name == "replaced declaration":
        return page.locator(".govuk-inset-text a.govuk-link").inner_text()
    if name == "copied answers":
        # Said once per section, and beside each copied answer for a screen reader.
        assert page.locator(".govuk-summary-list__key .govuk-visually-hidden").count() > 0
        note = page.locator(".app-copied-note").first.inner_text()
        assert " in this section from your last declaration" in note
        return note.split(" ", 2)[0] + " " + note.split(" ", 2)[1]
    return page.locator(".govuk-summary-list code").inner_text()
