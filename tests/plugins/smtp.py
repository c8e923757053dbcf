"""A real SMTP server (aiosmtpd on 127.0.0.1) that collects what the app sends.

Any attempt to reach another mail host fails the test, so no test can email the outside world.
"""

from __future__ import annotations

import email
import email.policy
import smtplib
import threading
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from aiosmtpd.controller import Controller

from tests.ports import free_port

_allowed_ports: set[int] = set()



@dataclass
class ReceivedMessage:
    sender: str
    recipients: list[str]
    message: email.message.EmailMessage

    @property
    def subject(self) -> str:
        return self.message["Subject"]

    @property
    def key(self) -> str | None:
        return self.message["X-Supplier-DD-Key"]

    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()

    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()


class _Collector:
    def __init__(self, owner: SmtpServer):
        self.owner = owner

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.owner.before_rcpt is not None:
            # Runs on the server's thread and may block it: tests use it to hold a client still.
            self.owner.before_rcpt(address)
        if address.lower() in self.owner.reject_recipients:
            return "550 5.1.1 Mailbox does not exist"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.owner.lock:
            self.owner.messages.append(
                ReceivedMessage(envelope.mail_from, list(envelope.rcpt_tos), parsed)
            )
        if self.owner.after_data is not None:
            # The message is stored but not yet acknowledged: the window a crashed client
            # cannot know about.
            self.owner.after_data(parsed)
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.messages: list[ReceivedMessage] = []
        self.reject_recipients: set[str] = set()
        self.before_rcpt: Callable[[str], None] | None = None
        self.after_data: Callable[[email.message.EmailMessage], None] | None = None
        self.lock = threading.Lock()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(_Collector(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        _allowed_ports.add(self.port)

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def env(self) -> dict:
        return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self.port)}

    def to(self, address: str) -> list[ReceivedMessage]:
        return [m for m in self.messages if address in m.recipients]

    def keys(self) -> list[str]:
        """Every X-Supplier-DD-Key received, once per copy: duplicates show up as repeats."""
        with self.lock:
            return [m.key for m in self.messages]


@pytest.fixture
def smtp_server():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()
    _allowed_ports.discard(server.port)


@pytest.fixture(autouse=True)
def _only_the_test_mail_server(monkeypatch):
    real_connect = smtplib.SMTP.connect

    def guarded_connect(self, host="localhost", port=0, source_address=None):
        if host not in ("127.0.0.1", "localhost") or int(port) not in _allowed_ports:
            pytest.fail(f"A test tried to send email through {host}:{port}, not the test server")
        return real_connect(self, host, port, source_address)

    monkeypatch.setattr(smtplib.SMTP, "connect", guarded_connect)
