"""Messages shown once on the next page. `flash(message)` is good news (a green success banner);
`flash_refusal(message)` says what the person asked for was not done, and why: it shows in an
"Important" banner (templates/base.html), never dressed as success."""

from __future__ import annotations

from flask import flash

REFUSAL = "refusal"


def flash_refusal(message: str) -> None:
    flash(message, REFUSAL)
