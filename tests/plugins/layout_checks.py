"""Reflow, zoom and text-spacing checks on the page in the browser (WCAG 2.2 1.4.10, 1.4.4,
1.4.12), for what axe-core does not check: whether a page scrolls sideways or cuts text off.

Each layout is applied to the page already loaded, through Chrome's device metrics (no second
page load), checked, and the page is put back to the desktop size.

- Reflow: 320 CSS px wide (WCAG 1.4.10 names 320 CSS px, the width of a 1280 px window at
  400 % zoom).
- Zoom: 200 % on a 1280 px window. Browser zoom makes CSS pixels larger, so the page lays out
  in a 640 CSS px viewport with 2 device pixels per CSS pixel; a 640 px viewport with
  deviceScaleFactor 2 is the standard way to emulate it (1280 x 720 device pixels).
- Text spacing: the WCAG 1.4.12 overrides (line height 1.5, paragraph spacing 2 em, letter
  spacing 0.12 em, word spacing 0.16 em) injected as a user stylesheet, at 320 px.
"""

from __future__ import annotations

from dataclasses import dataclass

DESKTOP = {"width": 1280, "height": 720, "deviceScaleFactor": 1, "mobile": False}

# The WCAG 1.4.12 text-spacing overrides, as the W3C's understanding document states them.
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important;
    word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""


@dataclass(frozen=True)
class Layout:
    name: str
    width: int
    height: int
    device_scale_factor: int = 1
    css: str = ""


REFLOW = Layout("320 CSS px (WCAG 1.4.10 reflow)", 320, 640)
ZOOM_200 = Layout("1280 px at 200 % zoom: 640 CSS px, deviceScaleFactor 2 (WCAG 1.4.4)",
                  640, 360, device_scale_factor=2)
TEXT_SPACING = Layout("320 CSS px with text-spacing overrides (WCAG 1.4.12)", 320, 640,
                      css=TEXT_SPACING_CSS)
LAYOUTS = (REFLOW, ZOOM_200, TEXT_SPACING)

# Runs in the page; returns what a person at this size would find wrong, one string each.
_FIND_PROBLEMS = """
() => {
  const problems = [];
  const root = document.documentElement;
  const viewport = root.clientWidth;
  const describe = (el) => {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    const classes = [...el.classList].slice(0, 2);
    if (classes.length) name += '.' + classes.join('.');
    const text = (el.innerText || el.textContent || '').trim().replace(/\\s+/g, ' ');
    return text ? `${name} "${text.slice(0, 60)}"` : name;
  };
  const style = (el) => getComputedStyle(el);
  // GOV.UK's visually hidden text is clipped to 1 px on purpose.
  const visuallyHidden = (el) => {
    const s = style(el);
    return el.clientWidth <= 1 || el.clientHeight <= 1 ||
      (s.clipPath && s.clipPath !== 'none') || (s.clip && s.clip !== 'auto');
  };
  const hasText = (el) => (el.innerText || '').trim().length > 0;
  const scrolls = (value) => value === 'auto' || value === 'scroll';
  const clips = (value) => value === 'hidden' || value === 'clip';
  const isFormControl = (el) => ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName);
  const all = [...document.body.querySelectorAll('*')].filter(
    (el) => el.getClientRects().length > 0 && style(el).visibility !== 'hidden');

  // 1. The page scrolls sideways: name the innermost elements that stick out, unless a
  //    scrolling or clipping box holds them (those are checked below).
  if (root.scrollWidth > viewport + 1) {
    // A box that scrolls or clips holds its content in, except content positioned against
    // a box further out (GOV.UK's visually hidden text is position: absolute).
    const contained = (el) => {
      const position = style(el).position;
      if (position === 'fixed') return false;
      const positioned = (up) => style(up).position !== 'static' || style(up).transform !== 'none';
      let first = el.parentElement;
      if (position === 'absolute') while (first && !positioned(first)) first = first.parentElement;
      for (let up = first; up && up !== document.body; up = up.parentElement) {
        const s = style(up);
        if (scrolls(s.overflowX) || clips(s.overflowX)) return true;
      }
      return false;
    };
    // An element sticks out, or its text does (a long word overflows the box it is in).
    const outside = all.filter((el) => {
      const box = el.getBoundingClientRect();
      const textOverflows = style(el).overflowX === 'visible' &&
        box.left + el.scrollWidth > viewport + 1;
      return (box.right > viewport + 1 || box.left < -1 || textOverflows) && !contained(el);
    });
    const innermost = outside.filter((el) => !outside.some((o) => o !== el && el.contains(o)));
    problems.push(`scrolls sideways: the page is ${root.scrollWidth}px wide in a ` +
      `${viewport}px viewport; sticking out: ` +
      innermost.slice(0, 4).map((el) => `${describe(el)} (to ${Math.round(
        el.getBoundingClientRect().right)}px)`).join('; '));
  }

  for (const el of all) {
    const s = style(el);
    // 2. Text cut off by a box that hides its overflow.
    const cutX = clips(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
    const cutY = clips(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
    if ((cutX || cutY || s.textOverflow === 'ellipsis') && !visuallyHidden(el) && hasText(el)
        && !isFormControl(el)) {
      if (s.textOverflow !== 'ellipsis' || el.scrollWidth > el.clientWidth + 1) {
        problems.push(`clipped text: ${describe(el)} shows ${el.clientWidth}x${el.clientHeight}` +
          `px of ${el.scrollWidth}x${el.scrollHeight}px`);
      }
    }
    // 3. A box that scrolls sideways must be reachable and named for keyboard and screen
    //    reader users (the GOV.UK pattern: tabindex=0, role=region, aria-label).
    if (scrolls(s.overflowX) && el.scrollWidth > el.clientWidth + 1 && !isFormControl(el)) {
      const named = el.getAttribute('aria-label') || el.getAttribute('aria-labelledby');
      if (el.tabIndex < 0 || el.getAttribute('role') !== 'region' || !named) {
        problems.push(`scrolling region without tabindex=0, role=region and a label: ` +
          describe(el));
      }
    }
  }
  return problems;
}
"""

_SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def layout_problems(page, layouts=LAYOUTS) -> list[str]:
    """What scrolls sideways or is cut off on the loaded page at each layout, as
    'layout: problem' strings; the page is back at desktop size afterwards."""
    cdp = page.context.new_cdp_session(page)
    problems = []
    try:
        for layout in layouts:
            cdp.send("Emulation.setDeviceMetricsOverride", {
                "width": layout.width, "height": layout.height,
                "deviceScaleFactor": layout.device_scale_factor, "mobile": False})
            sheet = _add_user_stylesheet(cdp, layout.css) if layout.css else None
            page.evaluate(_SETTLED)
            problems += [f"{layout.name}: {found}" for found in page.evaluate(_FIND_PROBLEMS)]
            if sheet:
                cdp.send("CSS.setStyleSheetText", {"styleSheetId": sheet, "text": ""})
    finally:
        cdp.send("Emulation.setDeviceMetricsOverride", DESKTOP)
        cdp.detach()
    return problems


def _add_user_stylesheet(cdp, css: str) -> str:
    """An inspector stylesheet, as a reader's own stylesheet would be: the page's Content
    Security Policy (style-src 'self') rightly refuses a <style> element added by a script."""
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    frame = cdp.send("Page.getFrameTree")["frameTree"]["frame"]["id"]
    sheet = cdp.send("CSS.createStyleSheet", {"frameId": frame})["styleSheetId"]
    cdp.send("CSS.setStyleSheetText", {"styleSheetId": sheet, "text": css})
    return sheet
