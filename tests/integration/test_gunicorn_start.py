"""Starting the production web server (gunicorn with the service's config module): what it
refuses, and that what it accepts shares rate limits between its workers."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest

from tests.helpers import csrf_token_in
from tests.ports import free_port

PROJECT_ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379"



def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class Gunicorn:
    def __init__(self, tmp_path: Path, database_url: str, workers: int, env: dict,
                 port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "gunicorn.log"
        environment = {
            **os.environ,
            "SUPPLIER_DD_ENV": "production",
            "SECRET_KEY": "a-production-secret-key-of-enough-length-0123456789",
            "DATABASE_URL": database_url,
            "SUPPLIER_DD_BASE_URL": f"http://127.0.0.1:{self.port}",
            "SUPPLIER_DD_UPLOAD_DIR": str(tmp_path / "uploads"),
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": "9",
            "SUPPLIER_DD_AUDIT_KEY": "0f" * 32,
            **env,
        }
        with open(self.log, "w") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "python:supplier_dd.web.gunicorn_config",
                 "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--graceful-timeout", "5",
                 "supplier_dd:create_app()"],
                cwd=tmp_path, env=environment, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until_serving(self, within: float = 60) -> None:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"gunicorn exited:\n{self.output()}"
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise AssertionError(f"gunicorn did not answer within {within}s:\n{self.output()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=30)


@pytest.fixture
def servers():
    started: list[Gunicorn] = []
    yield started
    for server in started:
        server.stop()


def test_several_workers_counting_rate_limits_in_memory_are_refused_in_production(
    tmp_path, servers
):
    server = Gunicorn(tmp_path, f"sqlite:///{tmp_path / 'db.sqlite3'}", workers=2,
                      env={"SUPPLIER_DD_RATELIMIT_STORAGE_URI": "memory://"})
    servers.append(server)
    exit_code = server.process.wait(timeout=60)
    output = server.output()
    assert exit_code != 0
    assert "Configuration error" in output
    assert "2 web workers" in output and "SUPPLIER_DD_RATELIMIT_STORAGE_URI" in output
    assert "redis://" in output
    assert "Traceback" not in output
    assert "Booting worker" not in output  # refused before any worker started


def _post_failed_sign_in(url: str, forwarded_for: str) -> int:
    """A fresh browser each time (cookie and CSRF token), so consecutive requests are free to
    land on any worker."""
    import http.cookiejar

    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    headers = {"X-Forwarded-For": forwarded_for}
    with opener.open(urllib.request.Request(url + "/sign-in", headers=headers)) as page:
        token = csrf_token_in(page.read().decode())
    body = urllib.parse.urlencode({"csrf_token": token, "email": "nobody@example.org",
                                   "password": "wrong"}).encode()
    try:
        with opener.open(urllib.request.Request(url + "/sign-in", data=body,
                                                headers=headers)) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.skipif(not _redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_workers_sharing_rate_limits_in_redis_start_and_count_together(
    tmp_path, database_url, servers
):
    server = Gunicorn(tmp_path, database_url, workers=3, env={
        "SUPPLIER_DD_RATELIMIT_STORAGE_URI": REDIS_URL,
        "SUPPLIER_DD_TRUSTED_PROXIES": "1",
    })
    servers.append(server)
    server.wait_until_serving()
    # An address of its own, so no other run's counts in the shared Redis are in the way.
    address = f"2001:db8::{uuid.uuid4().hex[:4]}:{uuid.uuid4().hex[:4]}"
    statuses = [_post_failed_sign_in(server.url, address) for _ in range(8)]
    # The limit is five failures a minute, whichever of the three workers took each request.
    assert statuses == [200] * 5 + [429] * 3, statuses


def _group_alive(group_id: int) -> bool:
    try:
        os.killpg(group_id, 0)
    except ProcessLookupError:
        return False
    return True


def test_after_a_crash_stopping_the_process_group_frees_the_port_for_a_restart(tmp_path, servers):
    """docs/operations.md, 'Restarting the web server after a crash': the master killed as the
    out-of-memory killer would leaves its workers holding the socket; stopping the whole group
    frees the port, and a new server on the same port serves."""
    database = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    limits = {"SUPPLIER_DD_RATELIMIT_STORAGE_URI": "memory://"}
    crashed = Gunicorn(tmp_path, database, workers=1, env=limits)
    servers.append(crashed)
    crashed.wait_until_serving()
    group_id = os.getpgid(crashed.process.pid)
    assert group_id == crashed.process.pid  # started as the leader of its own group
    crashed.process.send_signal(signal.SIGKILL)
    crashed.process.wait(timeout=30)
    assert _group_alive(group_id), "the worker should outlive its master"

    os.killpg(group_id, signal.SIGTERM)  # kill -TERM -- -"$PGID"
    deadline = time.monotonic() + 30
    while _group_alive(group_id) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _group_alive(group_id), "a process of the crashed server is still running"

    restarted = Gunicorn(tmp_path, database, workers=1, env=limits, port=crashed.port)
    servers.append(restarted)
    restarted.wait_until_serving()
    assert "Connection in use" not in restarted.output()
