"""Where a `next` parameter may send the browser after signing in: this site only."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# Control characters (C0, DEL, C1): a CR/LF in a Location header is header injection, and
# Werkzeug refuses to send one, so following it answered 500 after signing the person in.
_CONTROL_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f]")


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: never follow `next` to another host (open redirect)."""
    if not target or _CONTROL_CHARACTER.search(target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target
