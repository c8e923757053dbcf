"""A mail catcher for trying the service locally: `make run` starts aiosmtpd on 127.0.0.1:1025
with this handler, so every invitation and reminder the demo sends can be read in a plain text
file (instance/mail.log) instead of waiting undelivered in the outbox.

    python -m aiosmtpd -n -l 127.0.0.1:1025 -c supplier_dd.infrastructure.mail_catcher.LogFile \
        instance/mail.log

Only the plain-text part is written (every message has one: templates/email/<name>/body.txt),
with who it is from and to and its subject, so a sign-up link can be copied straight out of it.
Never used in production, where SMTP_HOST names the council's mail server.
"""

from __future__ import annotations

import email
import email.policy
from datetime import UTC, datetime
from pathlib import Path

RULE = "=" * 72


def readable(raw: bytes, recipients: list[str], received: datetime) -> str:
    """One message as a block of text: headers a person needs, then the text body."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    body = message.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else "(no plain-text part)"
    return "\n".join([
        RULE,
        f"Received: {received:%Y-%m-%d %H:%M:%S} UTC",
        f"From:     {message['From']}",
        f"To:       {', '.join(recipients)}",
        f"Subject:  {message['Subject']}",
        "",
        text.rstrip(),
        "",
    ]) + "\n"


class LogFile:
    """aiosmtpd handler: appends each message, readable, to a text file."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("LogFile takes one argument: the file to write messages to")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        entry = readable(envelope.original_content or envelope.content, envelope.rcpt_tos,
                         datetime.now(UTC))
        with self.path.open("a", encoding="utf-8") as log:
            log.write(entry)
        return "250 Message accepted for delivery"
