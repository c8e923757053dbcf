"""The five pages that showed their own HTML as text (issue 15) render real elements.

Each is fetched as the role that sees it; the HTML must hold the element itself (a link to the
evidence file, a "Copied" tag, a <code> checksum) and never its escaped form.
"""

from __future__ import annotations

import re

import pytest

from tests.factories import PASSWORD
from tests.markup_pages import EVIDENCE_FILENAME, PACK_CHECKSUM, add_markup_pages, markup_page_urls

# What markup looks like once it has been escaped into text.
ESCAPED_MARKUP = re.compile(r"&lt;/?[a-z]|&amp;(?:lt|gt|amp|quot|#)", re.IGNORECASE)


@pytest.fixture
def pages(session):
    ids = add_markup_pages(session)
    return ids, markup_page_urls(ids)


def _page_as(client, pages, name: str) -> str:
    """The page as the first role that sees it (the browser test visits it as every role)."""
    (email, *_others), url = pages[1][name]
    client.sign_in(email, PASSWORD)
    response = client.get(url)
    assert response.status_code == 200, f"{url}: {response.status_code}"
    html = response.get_data(as_text=True)
    escaped = sorted(set(ESCAPED_MARKUP.findall(html)))
    assert not escaped, f"{url} shows escaped markup as text: {escaped}"
    return html


def test_submission_confirmation_shows_the_reference_in_bold(client, pages):
    ids, _urls = pages
    html = _page_as(client, pages, "confirmation")
    assert f"Your reference<br><strong>DEC-{ids['second']:06d}</strong>" in html


def test_officer_sees_the_fingerprint_as_code_and_opens_evidence_by_link(client, session, pages):
    from supplier_dd.models import Declaration

    ids, _urls = pages
    html = _page_as(client, pages, "fingerprint and evidence links")
    fingerprint = session.get(Declaration, ids["second"]).answers_sha256
    assert f'<code class="app-hash">{fingerprint}</code>' in html
    (evidence_id,) = ids["evidence"]
    link = (f'<a class="govuk-link" href="/officer/declarations/{ids["second"]}/evidence/'
            f'{evidence_id}">{EVIDENCE_FILENAME.replace("&", "&amp;")}</a>')
    assert link in html
    assert client.get(f"/officer/declarations/{ids['second']}/evidence/{evidence_id}"
                      ).headers["Content-Disposition"].startswith("attachment")


def test_supplier_opens_its_own_evidence_by_link(client, pages):
    ids, _urls = pages
    html = _page_as(client, pages, "supplier's own declaration")
    (evidence_id,) = ids["evidence"]
    assert (f'href="/supplier/declarations/{ids["second"]}/evidence/{evidence_id}">'
            f'{EVIDENCE_FILENAME.replace("&", "&amp;")}</a>') in html


def test_a_replaced_declaration_links_to_the_one_that_replaced_it(client, pages):
    ids, _urls = pages
    html = _page_as(client, pages, "replaced declaration")
    assert (f'<a class="govuk-link" href="/officer/declarations/{ids["second"]}">'
            f'DEC-{ids["second"]:06d}</a>. Both are kept.') in html


def test_check_answers_marks_copied_answers(client, pages):
    html = _page_as(client, pages, "copied answers")
    marks = re.findall(r'<span class="govuk-visually-hidden"> \(copied from your last '
                       r'declaration\)</span>', html)
    assert marks, "no copied mark on check-your-answers"


def test_pack_run_shows_the_checksum_as_code(client, pages):
    html = _page_as(client, pages, "pack run")
    assert f'<code class="govuk-!-text-break-word">{PACK_CHECKSUM}</code>' in html


# Two more places with the same cause: a multi-line action description, and several messages
# flashed at once (both were joined with '<br>' onto escaped text, so the '<br>' showed).


def test_a_multi_line_action_description_keeps_its_line_breaks(client, session):
    from tests.factories import make_user
    from tests.programme_helpers import import_seed

    make_user(session, "officer", email="officer@example.org")
    action = import_seed(session).priorities[0].actions[0]
    action.description = "Map the supply chain.\nAsk each supplier for its statement & policy."
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    html = client.get(f"/programme/actions/{action.id}").get_data(as_text=True)
    assert "Map the supply chain.<br>Ask each supplier for its statement &amp; policy." in html
    assert not ESCAPED_MARKUP.search(html)


def test_several_messages_at_once_are_shown_on_separate_lines(client, session):
    from tests.factories import make_user

    make_user(session, "officer", email="officer@example.org")
    client.sign_in("officer@example.org", PASSWORD)
    with client.session_transaction() as flask_session:
        flask_session["_flashes"] = [("message", "Supplier saved."),
                                     ("message", "Invitation sent to a&b@example.org.")]
    html = client.get("/officer/suppliers").get_data(as_text=True)
    assert "Supplier saved.<br>Invitation sent to a&amp;b@example.org." in html
    assert not ESCAPED_MARKUP.search(html)
