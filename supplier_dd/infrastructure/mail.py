"""Rendering messages from templates/email/<name>/ and handing them to an SMTP server."""

from __future__ import annotations

import contextlib
import email.policy
import hashlib
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from email_validator import EmailNotValidError, validate_email
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


class MailServerUnavailable(Exception):
    """The mail server could not be reached or refused our login. Not the message's fault, so it
    costs the message no attempt; the send pass stops and tries again later."""


def invalid_address_reason(address: str | None) -> str | None:
    """Why an address cannot be mailed, or None if it looks deliverable. No DNS lookups."""
    if not address:
        return "No email address."
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as error:
        return str(error)
    return None


def stable_message_id(message_key: str, mail_from: str) -> str:
    """The same Message-ID every time a given outbox message is sent, so a copy delivered again
    after an interrupted attempt can be recognised (and is merged by many mail clients)."""
    digest = hashlib.sha256(message_key.encode()).hexdigest()[:32]
    domain = mail_from.rsplit("@", 1)[-1].strip("> ") or "supplier-dd.invalid"
    return f"<{digest}@{domain}>"


def describe_smtp_problem(settings: Settings, error: BaseException) -> str:
    """A sentence an operator can act on, naming the settings involved."""
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return (f"The mail server at {where} refused the login for SMTP_USERNAME "
                f"{settings.smtp_username!r} ({error.smtp_code}). Check SMTP_USERNAME and "
                "SMTP_PASSWORD.")
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return (f"The mail server at {where} does not support what the settings ask for "
                f"({error}). Check SMTP_STARTTLS, SMTP_SSL, SMTP_USERNAME.")
    if isinstance(error, ssl.SSLError):
        return (f"TLS with the mail server at {where} failed ({error.reason or error}). "
                "Use SMTP_SSL=true for port 465 (TLS from the start), SMTP_STARTTLS=true for "
                "port 587, and check the server's certificate.")
    if isinstance(error, socket.gaierror):
        return f"SMTP_HOST {settings.smtp_host!r} is not a host name that resolves ({error})."
    if isinstance(error, ConnectionRefusedError):
        return (f"Nothing accepts connections at {where}. Check SMTP_HOST and SMTP_PORT and that "
                "the mail server is running.")
    if isinstance(error, TimeoutError | socket.timeout):
        return (f"The mail server at {where} did not answer in time. Check SMTP_HOST, "
                "SMTP_PORT and any firewall between here and the server.")
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return (f"The mail server at {where} closed the connection ({error}). If it expects "
                "TLS from the start, set SMTP_SSL=true.")
    return f"Could not use the mail server at {where}: {type(error).__name__}: {error}"


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
        # Greet now, so a server that refuses us shows up as a connection problem.
        client.ehlo_or_helo_if_needed()
        return client

    def connect(self) -> smtplib.SMTP:
        """Connect and log in, or raise MailServerUnavailable with an operator's explanation."""
        try:
            return self._connect()
        except (OSError, smtplib.SMTPException) as error:
            raise MailServerUnavailable(describe_smtp_problem(self.settings, error)) from error

    def check(self) -> str:
        """Connect, log in if configured, and say hello: the start-up connectivity check."""
        client = self.connect()
        try:
            code, _ = client.noop()
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                client.quit()
        s = self.settings
        security = "TLS" if s.smtp_ssl else "STARTTLS" if s.smtp_starttls else "no TLS"
        login = f"logged in as {s.smtp_username}" if s.smtp_username else "no login"
        return f"Mail server {s.smtp_host}:{s.smtp_port} answered ({code}; {security}; {login})."

    def build(self, recipient: str, subject: str, text: str, html: str,
              message_key: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.mail_from
        message["To"] = recipient
        message["Subject"] = subject
        message["Message-ID"] = stable_message_id(message_key, self.settings.mail_from)
        # Lets a receiving system (and our tests) recognise a message by its outbox key.
        message["X-Supplier-DD-Key"] = message_key
        message.set_content(text)
        message.add_alternative(html, subtype="html")
        return message

    def send(self, recipient: str, subject: str, text: str, html: str, message_key: str,
             before_data: Callable[[], None] | None = None) -> None:
        """Deliver one message. `before_data` runs after the server accepted the recipient and
        before the message itself is handed over: up to then nothing can have been delivered."""
        reason = invalid_address_reason(recipient)
        if reason:
            raise PermanentDeliveryError(f"Invalid address {recipient!r}: {reason}")
        message = self.build(recipient, subject, text, html, message_key)
        payload = message.as_bytes(policy=email.policy.SMTP)
        client = self.connect()
        try:
            code, reply = client.mail(self.settings.mail_from)
            if code != 250:
                raise smtplib.SMTPSenderRefused(code, reply, self.settings.mail_from)
            code, reply = client.rcpt(recipient)
            if code not in (250, 251):
                raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
            if before_data is not None:
                before_data()
            code, reply = client.data(payload)
            if code != 250:
                raise smtplib.SMTPDataError(code, reply)
        except smtplib.SMTPRecipientsRefused as error:
            code = next(iter(error.recipients.values()))[0]
            if 500 <= code < 600:
                raise PermanentDeliveryError(f"Recipient refused: {error.recipients}") from error
            raise
        except smtplib.SMTPResponseException as error:
            if 500 <= error.smtp_code < 600:
                raise PermanentDeliveryError(f"{error.smtp_code} {error.smtp_error!r}") from error
            raise
        finally:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                client.quit()


def sender_for_app() -> SmtpSender:
    return SmtpSender(current_app.config["SUPPLIER_DD_SETTINGS"])
