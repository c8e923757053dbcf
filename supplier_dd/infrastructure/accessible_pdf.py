"""Tagged, accessible PDFs from HTML, byte for byte the same each time.

WeasyPrint writes PDF/UA-1 from the HTML's own structure: headings become H1..H6, tables
Table/TR/TH/TD (each data cell pointing at its headers), lists L/LI, <img alt> and an <svg> with
a <title> child become a Figure with /Alt, <title> the document title, <html lang> its language.
(An <svg>'s aria-label or role="img" is not read: give it a <title>.) So the page that a
browser shows and the PDF that a screen reader reads come from one source.

The same HTML and `created` give the same bytes: the dates are the caller's, and the file
identifier is WeasyPrint's hash of the document's objects, not a random one.
"""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pikepdf
import weasyprint
from weasyprint.urls import FatalURLFetchingError, URLFetcher

PDF_VARIANT = "pdf/ua-1"
# Stylesheets and images come from files beside the HTML or data: URLs, never the network, and
# one that cannot be read stops the render instead of leaving an unstyled report.
_ALLOWED_PROTOCOLS = ("file", "data")


class PdfRenderError(Exception):
    """The HTML cannot become an accessible PDF; the message says what to fix."""


def render_pdf(html: str, *, base_url: str | None, created: datetime) -> bytes:
    """The HTML as a tagged PDF/UA-1 document dated `created` (naive means UTC).

    `base_url` is where relative links (the stylesheet, images) are found: a directory path
    ending in "/" or a file: URL. Raises PdfRenderError if a linked file cannot be read, or if
    the document would have no language, no title or a figure without alternative text.
    """
    fetcher = URLFetcher(allowed_protocols=_ALLOWED_PROTOCOLS, fail_on_errors=True)
    try:
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
    except FatalURLFetchingError as error:  # a BaseException: it must not pass unnoticed
        raise PdfRenderError(str(error)) from error
    # The caller's dates, not any <meta name="dcterms.created"> in the HTML.
    document.metadata.created = document.metadata.modified = _w3c_date(created)
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT, pdf_identifier=True)
    problems = accessibility_problems(pdf)
    if problems:
        raise PdfRenderError("; ".join(problems))
    return pdf


def accessibility_problems(pdf: bytes) -> list[str]:
    """What a screen reader would miss in this tagged PDF: its language, its title, and the
    alternative text of each figure."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        problems = []
        if not str(document.Root.get("/Lang", "")):
            problems.append('no document language: set <html lang="...">')
        if not str(document.docinfo.get("/Title", "")):
            problems.append("no document title: set <title>")
        if "/StructTreeRoot" not in document.Root:
            return [*problems, "no structure tree"]
        for figure in _structure_elements(document.Root.StructTreeRoot, "/Figure"):
            if not str(figure.get("/Alt", "")):
                problems.append(
                    "a figure has no alternative text: give <img> an alt, <svg> a <title>")
        return problems


def _structure_elements(root: pikepdf.Dictionary, kind: str):
    pending = [root]
    while pending:
        node = pending.pop()
        if node.get("/S") == kind:
            yield node
        kids = node.get("/K")
        if isinstance(kids, pikepdf.Dictionary):
            pending.append(kids)
        elif isinstance(kids, pikepdf.Array):
            pending.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary))


def _w3c_date(moment: datetime) -> str:
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
