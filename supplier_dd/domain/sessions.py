"""When a signed-in session has ended by itself: idleness, measured on the server.

The last activity of a session is written at most once a `TOUCH_INTERVAL`, so a busy person does
not cost a database write per page. The recorded time can therefore lag the real last request by
up to that interval, and the idle limit allows it: nobody is signed out early, and a session is
over at most one interval after the configured idle time.
"""

from __future__ import annotations

from datetime import datetime, timedelta

TOUCH_INTERVAL = timedelta(minutes=1)
USER_AGENT_LENGTH = 200


def is_idle_expired(last_seen_at: datetime, now: datetime, idle_limit: timedelta) -> bool:
    return now - last_seen_at > idle_limit + TOUCH_INTERVAL


def needs_touch(last_seen_at: datetime, now: datetime) -> bool:
    return now - last_seen_at >= TOUCH_INTERVAL


def user_agent_summary(raw: str | None) -> str:
    """What the browser said it was, kept short and printable for a list of one's sessions."""
    printable = "".join(ch for ch in (raw or "") if ch.isprintable())
    return " ".join(printable.split())[:USER_AGENT_LENGTH]


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
             ("Chromium/", "Chromium"), ("HeadlessChrome/", "Chrome"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"),
            ("Windows", "Windows"), ("Mac OS X", "Mac"), ("CrOS", "ChromeOS"),
            ("Linux", "Linux"))


def device_description(user_agent: str | None) -> str:
    """'Firefox on Windows': enough for someone to recognise their own devices in a list."""
    raw = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in raw), None)
    system = next((name for marker, name in _SYSTEMS if marker in raw), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown browser"
