"""Markup shown as text: what a page looks like when HTML was escaped on its way into it.

The browser's `document.body.innerText` is what a person sees (and a screen reader reads), so a
tag or an entity in it is markup that the page printed instead of rendering: `<strong>` from a
string joined onto escaped text, `&amp;lt;` or `&amp;amp;` from text escaped twice.
"""

from __future__ import annotations

import re

# A start or end tag, a comment or a doctype, written out: '<a href="/x">', '</code>', '<br>',
# '<br/>', '<!--'. A lone '<' in prose ('fewer than 10 < 20') is not tag-like.
TAG_AS_TEXT = r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?/?>|<!(?:--|doctype)"
# An entity written out: '&lt;', '&gt;', '&amp;', '&#60;', '&#x3c;'. The browser decodes every
# entity it is sent once, so one still visible was escaped twice.
ENTITY_AS_TEXT = r"&(?:[a-zA-Z][a-zA-Z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});"
MARKUP_AS_TEXT = re.compile(f"{TAG_AS_TEXT}|{ENTITY_AS_TEXT}", re.IGNORECASE)

# Text that records deliberately contain and a page must show as it is, written here exactly.
# The demo council and the test records contain none today.
ENTERED_MARKUP: tuple[str, ...] = ()


def markup_in_text(text: str, entered: tuple[str, ...] = ENTERED_MARKUP) -> list[str]:
    """Each piece of markup in `text`, with a little of the text round it."""
    for allowed in entered:
        text = text.replace(allowed, " ")
    found = []
    for match in MARKUP_AS_TEXT.finditer(text):
        start, end = max(match.start() - 30, 0), min(match.end() + 30, len(text))
        context = " ".join(text[start:end].split())
        found.append(f"markup shown as text: {match.group(0)!r} in “{context}”")
    return found


def markup_in_visible_text(page, entered: tuple[str, ...] = ENTERED_MARKUP) -> list[str]:
    """Markup in what the loaded Playwright page shows."""
    return markup_in_text(page.evaluate("() => document.body.innerText"), entered)
