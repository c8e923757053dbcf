"""A supplier never sees points, weights, scores or the council's ratings (issue 15), so the form
cannot be answered to the score: crawl every page a signed-in supplier can reach by following
links from its home page, and read back the declaration PDF, and fail on any of them."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

from pypdf import PdfReader
from sqlalchemy import select

from supplier_dd.models import RecommendationResponse
from supplier_dd.models.base import utcnow
from supplier_dd.services.feedback import turn_into_action
from tests.factories import PASSWORD
from tests.feedback_helpers import accepted_supplier

# What would let a supplier answer to the score: the words, a percentage or a number beside
# "maturity", and the bands of the council's inherent and residual ratings (and the maturity
# colours they are made from).
FORBIDDEN = re.compile(
    r"\bscor(e|es|ed|ing)\b|\bpoints?\b|\bweight(s|ed|ing)?\b|\brating\b|\bresidual\b"
    r"|\binherent\b|\bmaturity\b|\d\s*%|\bper ?cent\b"
    r"|\b(Low|Medium|High|Critical) risk\b|\bCritical\b|\bExcluded pending review\b"
    r"|\b(Red|Yellow|Orange|Green)\b",
)
SKIP = ("/sign-out", "/static/")
# The accessibility statement's zoom levels are not scores.
ZOOM = re.compile(r"\d+% zoom|zoom in up to \d+%")


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self._skip = 0
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def _pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


def _crawl(client, start: str) -> dict[str, str]:
    """Every same-site page reachable from `start`: address -> visible text (PDFs read back)."""
    seen: dict[str, str] = {}
    queue = [start]
    while queue:
        url = queue.pop(0)
        if url in seen:
            continue
        response = client.get(url)
        kind = response.headers.get("Content-Type", "")
        if response.status_code != 200:
            seen[url] = ""
            continue
        if kind.startswith("application/pdf"):
            seen[url] = _pdf_text(response.data)
            continue
        if not kind.startswith("text/html"):
            seen[url] = ""
            continue
        parser = _Links()
        parser.feed(response.get_data(as_text=True))
        seen[url] = " ".join(" ".join(parser.text).split())
        for href in parser.links:
            target = urldefrag(href)[0]
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith("/"):
                continue
            if not target.startswith(SKIP) and target not in seen:
                queue.append(target)
    return seen


def test_no_supplier_page_or_pdf_shows_scores_points_weights_or_ratings(session, client):
    accepted = accepted_supplier(session, profile="poor")
    client.sign_in("jane@acme.example", PASSWORD)
    key = "pol_board_review.never"
    client.submit(f"/supplier/declarations/{accepted.declaration.id}/feedback/{key}",
                  {"kind": "will_do", "due_date": ["30", "6", "2099"]})
    response = session.scalars(select(RecommendationResponse)).one()
    turn_into_action(session, response, title="Board review", description="Every year",
                     owner="Jane", due_date=utcnow().date(), officer=accepted.officer,
                     now=utcnow())
    session.commit()

    pages = _crawl(client, "/supplier/")
    declaration = f"/supplier/declarations/{accepted.declaration.id}"
    # The crawl reached the pages that matter: feedback, a response form, the corrective
    # action and the declaration PDF.
    for must in (f"{declaration}/feedback", f"{declaration}/pdf", "/supplier/council-requests"):
        assert pages.get(must), f"the crawl did not reach {must}"
    assert any(url.startswith(f"{declaration}/feedback/") and pages[url] for url in pages)
    assert any(url.startswith("/supplier/actions/") and pages[url] for url in pages)
    assert "Jane Smith" in pages[f"{declaration}/pdf"]  # the PDF was really read back
    assert "Developing" in pages[f"{declaration}/feedback"]
    assert len(pages) >= 8, sorted(pages)
    pages = {url: ZOOM.sub("", text) for url, text in pages.items()}
    found = {url: sorted({m.group(0) for m in FORBIDDEN.finditer(text)})
             for url, text in pages.items() if FORBIDDEN.search(text)}
    assert found == {}, f"a supplier page shows what the score is made of: {found}"
