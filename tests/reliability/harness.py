"""A real server process (gunicorn, as in production) and plain HTTP clients with cookie jars.

The sizes are modest by default so `make test` stays bounded; `make soak` sets
SUPPLIER_DD_SOAK=1 to run the long versions.
"""

from __future__ import annotations

import http.client
import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from supplier_dd.demo.declarations import demo_answers
from supplier_dd.domain.questionnaire import current_version
from supplier_dd.models import AuditEntry, Declaration, DeclarationRequest, Supplier, User
from supplier_dd.models.base import utcnow
from supplier_dd.services import audit
from supplier_dd.services.declaration_integrity import DeclarationBreak, verify_all
from tests.ports import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "reliability-password-1"
# The server checks whatever cost the stored hash names: a cheap one keeps 500 sign-ins from
# being a password-hashing benchmark. Production hashes keep Werkzeug's default cost.
CHEAP_HASH = generate_password_hash(PASSWORD, method="scrypt:1024:8:1")
SOAK = os.environ.get("SUPPLIER_DD_SOAK", "") not in ("", "0")


def size(default: int, soak: int) -> int:
    return soak if SOAK else default


class Unreachable(Exception):
    """No HTTP response at all: refused, reset, or the server died mid-request."""


@dataclass
class Reply:
    status: int
    location: str
    body: str


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_args, **_kwargs):
        return None  # surface the 302 itself: where it points is what the test checks


class Browser:
    """One person's browser: its own cookies, redirects not followed."""

    def __init__(self, base_url: str, timeout: float = 120):
        self.base_url = base_url
        self.timeout = timeout
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())
        self.statuses: list[int] = []

    def _open(self, method: str, path: str, data: dict | None = None) -> Reply:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base_url + path, data=body, method=method)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                reply = Reply(response.status, response.headers.get("Location", ""),
                              response.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as error:
            reply = Reply(error.code, error.headers.get("Location", ""),
                          error.read().decode("utf-8", "replace"))
        except (urllib.error.URLError, http.client.HTTPException, ConnectionError,
                TimeoutError, OSError) as error:
            raise Unreachable(f"{method} {path}: {error!r}") from error
        self.statuses.append(reply.status)
        return reply

    def get(self, path: str) -> Reply:
        return self._open("GET", path)

    def post(self, path: str, data: dict) -> Reply:
        return self._open("POST", path, data)

    def token(self, path: str) -> str:
        reply = self.get(path)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', reply.body)
        if reply.status != 200 or not match:
            raise AssertionError(f"GET {path} gave {reply.status} without a form")
        return match.group(1)

    def sign_in(self, email: str) -> None:
        reply = self.post("/sign-in", {"csrf_token": self.token("/sign-in"), "email": email,
                                       "password": PASSWORD})
        if reply.status != 302:
            raise AssertionError(f"sign-in as {email} gave {reply.status}")

    def submit_declaration(self, declaration_id: int) -> Reply:
        path = f"/supplier/declarations/{declaration_id}/declare"
        token = self.token(path)
        return self.post(path, {
            "csrf_token": token, "signatory_name": "Load Tester", "signatory_role": "Director",
            "confirm_true": "yes", "confirm_authority": "yes",
        })


def at_once(count: int, action: Callable[[], Reply]) -> list[Reply]:
    """`action` from `count` threads released together, as a double-click or an impatient
    reload sends the same request several times before the first answer arrives."""
    start = threading.Barrier(count)

    def released() -> Reply:
        start.wait()
        return action()

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(lambda _: released(), range(count)))


def acknowledged(reply: Reply, declaration_id: int) -> bool:
    """The success response: the redirect to the confirmation page, sent after the commit."""
    return reply.status == 302 and reply.location.endswith(
        f"/supplier/declarations/{declaration_id}/confirmation")



def server_env(database_url: str, tmp_path: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("SUPPLIER_DD_", "SMTP_", "DATABASE_URL", "SECRET_KEY"))}
    env.update({
        "SUPPLIER_DD_ENV": "test",
        "DATABASE_URL": database_url,
        "SECRET_KEY": "reliability-secret-key-long-enough-0123456789",
        "SUPPLIER_DD_UPLOAD_DIR": str(tmp_path / "uploads"),
        # The test app's own audit key (tests/plugins/apps.py makes it on start), so the
        # entries the server signs verify in the test.
        "SUPPLIER_DD_AUDIT_KEY_FILE": str(tmp_path / "instance" / "audit.key"),
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": "9",
        "PYTHONUNBUFFERED": "1",
        # As in the in-process test app (tests/plugins/apps.py): staff sign in with a password.
        "SUPPLIER_DD_STAFF_MFA": "optional",
    })
    return env


class GunicornServer:
    """`gunicorn -w 4 --threads 4 'supplier_dd:create_app()'` in its own process group."""

    def __init__(self, database_url: str, tmp_path: Path, workers: int = 4, threads: int = 4):
        self.env = server_env(database_url, tmp_path)
        self.log_path = tmp_path / "gunicorn.log"
        self.workers, self.threads = workers, threads
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, ready_within: float = 180) -> GunicornServer:
        self.port = free_port()
        log = open(self.log_path, "a")  # noqa: SIM115 - closed with the process
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", str(self.workers), "--threads",
             str(self.threads), "-b", f"127.0.0.1:{self.port}", "--timeout", "300",
             "--graceful-timeout", "5", "supplier_dd:create_app()"],
            cwd=PROJECT_ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        deadline = time.monotonic() + ready_within
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start-up:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return self
            except (urllib.error.URLError, ConnectionError, OSError):
                time.sleep(0.3)
        self.kill()
        raise RuntimeError(f"gunicorn did not answer within {ready_within}s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the master and every worker at once: no clean-up, no flush, no goodbye."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except FileNotFoundError:
            return "(no log)"


def prepare_drafts(session, count: int, prefix: str = "load") -> list[tuple[str, int]]:
    """`count` suppliers, each with one contact and a complete draft ready to sign, in bulk.
    Returns (contact email, declaration id) pairs."""
    questionnaire = current_version("modern_slavery")
    now = utcnow()
    suppliers = [Supplier(name=f"Load Test {number} Ltd", normalised_name=f"load test {number}",
                          companies_house_number=f"{40_000_000 + number:08d}", country="GB",
                          sector="Cleaning and security services", turnover_band="under-36m",
                          created_at=now)
                 for number in range(count)]
    session.add_all(suppliers)
    session.flush()
    users, drafts = [], []
    for number, supplier in enumerate(suppliers):
        users.append(User(email=f"{prefix}{number}@supplier.example", name=f"Contact {number}",
                          role="supplier", supplier_id=supplier.id, password_hash=CHEAP_HASH,
                          active=True, created_at=now))
        request = DeclarationRequest(
            natural_key=f"annual:{prefix}:{number}", supplier_id=supplier.id, kind="annual",
            due_date=now.date() + timedelta(days=30), questionnaire_id=questionnaire.id,
            note="", requested_at=now)
        profile = SimpleNamespace(name=supplier.name,
                                  companies_house_number=supplier.companies_house_number,
                                  country="GB", sector=supplier.sector,
                                  turnover_band=supplier.turnover_band)
        drafts.append(Declaration(
            supplier_id=supplier.id, request=request, questionnaire_id=questionnaire.id,
            questionnaire_version=questionnaire.version, status="draft",
            answers=demo_answers(profile, f"load{number}", "good", now.date()),
            review_question_ids=[], created_at=now, updated_at=now))
    session.add_all(users + drafts)
    session.commit()
    return [(user.email, draft.id) for user, draft in zip(users, drafts, strict=True)]


def stored_records(session) -> dict:
    """What the database holds now, read afresh."""
    session.expire_all()
    session.rollback()
    statuses = Counter(dict(session.execute(
        select(Declaration.status, func.count(Declaration.id)).group_by(Declaration.status)
    ).all()))
    per_request = Counter(session.scalars(select(Declaration.request_id)))
    seals = Counter(session.scalars(
        select(AuditEntry.object_id).where(AuditEntry.action == "declaration.submitted")))
    return {"statuses": statuses, "per_request": per_request, "seals": seals}


def assert_chain_and_seals_verify(session) -> None:
    assert audit.verify(session) is None, "the audit chain must survive concurrent writers"
    upload_root = Path(current_app.config["SUPPLIER_DD_SETTINGS"].upload_dir)
    breaks = [item for item in verify_all(session, upload_root)
              if isinstance(item, DeclarationBreak)]
    assert not breaks, breaks[:3]


def assert_records_whole(session, count: int) -> None:
    """`count` requests, each with exactly one declaration, submitted and sealed once."""
    stored = stored_records(session)
    assert stored["statuses"] == Counter({"submitted": count}), stored["statuses"]
    assert set(stored["per_request"].values()) == {1}, "a request has more than one declaration"
    assert len(stored["seals"]) == count and set(stored["seals"].values()) == {1}, (
        "each submission must be audited exactly once")
    assert_chain_and_seals_verify(session)
