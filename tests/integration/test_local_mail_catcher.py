"""`make run`'s mail catcher: the demo's emails can be read in a plain text file (issue 21)."""

from __future__ import annotations

import smtplib
import subprocess
import sys

import pytest

from supplier_dd import PROJECT_ROOT
from supplier_dd.config import load_settings
from supplier_dd.infrastructure.mail import SmtpSender
from tests.plugins import smtp as smtp_plugin


@pytest.fixture
def catcher(tmp_path):
    port = smtp_plugin.free_port()
    log = tmp_path / "mail.log"
    # The command the Makefile runs.
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
         "-c", "supplier_dd.infrastructure.mail_catcher.LogFile", str(log)],
        cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True)
    smtp_plugin._allowed_ports.add(port)
    try:
        yield port, log, process
    finally:
        smtp_plugin._allowed_ports.discard(port)
        process.terminate()
        process.wait(timeout=10)


def _connect(port: int, process) -> smtplib.SMTP:
    """The server is up once it accepts a connection (or the test fails if it exited)."""
    while True:
        assert process.poll() is None, process.stderr.read()
        try:
            return smtplib.SMTP("127.0.0.1", port, timeout=5)
        except ConnectionRefusedError:
            continue


def test_an_invitation_sent_to_the_catcher_can_be_read_in_its_log(catcher, tmp_path):
    port, log, process = catcher
    settings = load_settings({"SUPPLIER_DD_SECRET_KEY": "x" * 40, "SMTP_PORT": str(port),
                              "SUPPLIER_DD_DATABASE_URL": f"sqlite:///{tmp_path}/db.sqlite3"})
    message = SmtpSender(settings).build(
        "contact@brightwater.example", "Set up your supplier account",
        "Hello,\n\nSet up your account: http://127.0.0.1:5000/invitations/abc123\n",
        "<p>Set up your account</p>", "invitation:1")
    client = _connect(port, process)
    try:
        client.send_message(message)
    finally:
        client.quit()
    text = log.read_text(encoding="utf-8")
    assert "To:       contact@brightwater.example" in text
    assert "Subject:  Set up your supplier account" in text
    assert "http://127.0.0.1:5000/invitations/abc123" in text
    assert "<p>" not in text, "the plain-text part, not the HTML"
