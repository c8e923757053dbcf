"""Links in an email that act for its recipient (an invitation, a password reset) carry a
random token; anyone who reads the link can use it. The outbox shows an email to admins with
those tokens hidden: an admin sends a new link instead of passing on someone else's."""

from __future__ import annotations

import re

HIDDEN = "(hidden)"
# secrets.token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; anything 32 or longer in a
# path segment is treated as a token.
_TOKEN_IN_PATH = re.compile(r"(?<=/)[A-Za-z0-9_-]{32,}(?=$|[/?#\s\"'<>)])")


def hide_link_tokens(text: str) -> str:
    return _TOKEN_IN_PATH.sub(HIDDEN, text)
