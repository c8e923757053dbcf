"""Console errors, uncaught script errors and Content Security Policy violations on a page.

A page that logs an error to the console is broken for someone: a script failed, or the page's
own CSP refused something it sent (an inline `style` attribute, an inline script without the
nonce). Chromium logs a CSP refusal as a console error; the `securitypolicyviolation` event is
recorded too, so a violation is reported with the directive it broke even if the browser stops
logging it.

`watch_console(page)` once, straight after the page is created; then, after each load,
`console_problems(page)` returns what happened since the last main-frame navigation and
forgets it, so each page is charged only with its own errors.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

# Runs in every document before its own scripts: records each CSP violation on the window.
_RECORD_CSP_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(
    `${event.effectiveDirective} refused ${event.blockedURI || 'inline'}` +
    (event.sample ? ` (${event.sample})` : '') + ` at line ${event.lineNumber}`);
});
"""
_READ_CSP_VIOLATIONS = "() => window.__cspViolations || []"

_messages: WeakKeyDictionary = WeakKeyDictionary()


def watch_console(page) -> None:
    """Start collecting the page's console errors, script errors and CSP violations."""
    found: list[str] = []
    _messages[page] = found

    def on_console(message):
        if message.type == "error":
            location = message.location or {}
            where = f" ({location.get('url', '')}:{location.get('lineNumber', '')})"
            found.append(f"console error: {message.text}{where if location else ''}")

    def on_navigated(frame):
        if frame == page.main_frame:
            found.clear()

    page.on("console", on_console)
    page.on("pageerror", lambda error: found.append(f"uncaught script error: {error}"))
    page.on("framenavigated", on_navigated)
    page.add_init_script(_RECORD_CSP_VIOLATIONS)


def console_problems(page) -> list[str]:
    """What went wrong in the loaded page's console since it was navigated to."""
    if page not in _messages:
        raise RuntimeError("watch_console(page) was not called before the page loaded")
    found = list(_messages[page])
    _messages[page].clear()
    found += [f"CSP violation: {violation}" for violation in page.evaluate(_READ_CSP_VIOLATIONS)]
    page.evaluate("() => { window.__cspViolations = []; }")
    return found
