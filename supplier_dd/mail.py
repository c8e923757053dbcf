"""Rendering messages from templates/email/<name>/ and handing them to an SMTP server."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template

from supplier_dd.config import Settings


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(template: str, **context) -> RenderedEmail:
    subject = render_template(f"email/{template}/subject.txt", **context).strip()
    return RenderedEmail(
        subject=" ".join(subject.split()),
        text=render_template(f"email/{template}/body.txt", **context),
        html=render_template(f"email/{template}/body.html", **context),
    )


class PermanentDeliveryError(Exception):
    """The server refused the recipient or message: retrying cannot help."""


class SmtpSender:
    def __init__(self, settings: Settings, timeout: float = 15.0):
        self.settings = settings
        self.timeout = timeout

    def _connect(self) -> smtplib.SMTP:
        s = self.settings
        if s.smtp_ssl:
            client = smtplib.SMTP_SSL(
                s.smtp_host, s.smtp_port, timeout=self.timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=self.timeout)
            if s.smtp_starttls:
                client.starttls(context=ssl.create_default_context())
        if s.smtp_username:
            client.login(s.smtp_username, s.smtp_password or "")
        return client

    def send(self, recipient: str, subject: str, text: str, html: str, message_key: str) -> None:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = recipient
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="supplier-dd.invalid")
        # Lets a receiving system (and our tests) recognise a message by its outbox key.
        message["X-Supplier-DD-Key"] = message_key
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        try:
            with self._connect() as client:
                client.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise PermanentDeliveryError(f"Recipient refused: {error.recipients}") from error
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentDeliveryError(f"{error.smtp_code} {error.smtp_error!r}") from error
            raise


def sender_for_app() -> SmtpSender:
    return SmtpSender(current_app.config["SUPPLIER_DD_SETTINGS"])
