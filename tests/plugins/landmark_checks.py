"""Content outside every landmark (axe-core's best-practice rule `region`, which axe rates
moderate, so the serious/critical gate lets it through).

A screen-reader user moving by landmarks never reaches text or a link outside them: the GOV.UK
back link, placed before <main> as the Design System asks, is the usual case.
"""

from __future__ import annotations

LANDMARKS = ", ".join([
    "header", "main", "footer", "nav", "aside", "section[aria-label]", "section[aria-labelledby]",
    "form[aria-label]", "form[aria-labelledby]", "dialog", "[role=banner]", "[role=main]",
    "[role=contentinfo]", "[role=navigation]", "[role=complementary]", "[role=search]",
    "[role=region][aria-label]", "[role=region][aria-labelledby]",
])

_FIND_OUTSIDE = """
(landmarks) => {
  const describe = (el) => {
    const text = (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    return `${el.tagName.toLowerCase()}${el.className ? '.' + [...el.classList].join('.') : ''}` +
      (text ? ` "${text}"` : '');
  };
  const interactive = 'a[href], button, input, select, textarea, [tabindex]';
  return [...document.body.querySelectorAll('*')].filter((el) => {
    if (el.closest(landmarks) || el.closest('script, template, noscript')) return false;
    // The skip link comes before every landmark by design (axe allows it too).
    if (el.closest('.govuk-skip-link')) return false;
    if (el.getClientRects().length === 0) return false;
    const ownText = [...el.childNodes].some(
      (node) => node.nodeType === Node.TEXT_NODE && node.textContent.trim());
    return ownText || el.matches(interactive);
  }).map(describe);
}
"""


def content_outside_landmarks(page) -> list[str]:
    return [f"outside every landmark: {found}"
            for found in page.evaluate(_FIND_OUTSIDE, LANDMARKS)]
