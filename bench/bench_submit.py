"""Declaration submit over HTTP: the real app under gunicorn, 8 clients at once.

Eight supplier users (on the generated council, so the indexes, audit chain and dashboard rows
are at full size) each get PER_CLIENT complete drafts. Each client signs in once, then signs
and submits its drafts one after another (POST /supplier/declarations/<id>/declare, the form a
person sends), so every submission is validated, sealed, scored, scheduled for re-attestation
and audited, in one transaction, as in production.
Floor: bench/floor_app.py, a Flask route that inserts one row, under the same gunicorn settings
on the same database, driven the same way.
Target: submit throughput at least 40 % of the floor's.

This benchmark writes to the council, so it runs last (the harness runs modules in name order).

    .venv/bin/python -m bench.bench_submit          # the 100,000-supplier council
    .venv/bin/python -m bench.bench_submit --quick  # the 1,000-supplier council
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from bench.common import BenchResult, databases, median_p95, migrated_app, peak_rss_mb
from bench.generate import council, scale_for

CLIENTS = 8
WORKERS = 4  # docs/operations.md: gunicorn -w 4
PER_CLIENT = 25
QUICK_PER_CLIENT = 8
FLOOR_REQUESTS_PER_CLIENT = 100
USES_COUNCIL = True  # the harness builds bench/generate.py's council once for these
TARGET_SHARE = 0.40
PASSWORD = "bench-submit-password-1234"
SECRET = "bench-secret-key-that-is-long-enough-0123456789"
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _prepare(url: str, per_client: int) -> list[tuple[str, list[int]]]:
    """(email, draft ids) per client: a supplier account and complete drafts, ready to sign."""
    from types import SimpleNamespace

    from sqlalchemy import select

    from supplier_dd.demo.declarations import demo_answers
    from supplier_dd.extensions import db
    from supplier_dd.models import Declaration, DeclarationRequest, Supplier
    from supplier_dd.services.users import create_user

    app = migrated_app(url, SECRET_KEY=SECRET)
    clients = []
    with app.app_context():
        session = db.session
        suppliers = session.scalars(select(Supplier).order_by(Supplier.id).limit(CLIENTS)).all()
        for supplier in suppliers:
            email = f"bench-submit-{supplier.id}-{os.getpid()}@supplier.example"
            create_user(session, email, "supplier", PASSWORD, name="Bench Signatory",
                        supplier=supplier)
            facts = SimpleNamespace(name=supplier.name, country=supplier.country,
                                    companies_house_number=supplier.companies_house_number,
                                    sector=supplier.sector, turnover_band=supplier.turnover_band)
            answers = demo_answers(facts, "bench", "good", date.today())
            drafts = []
            for n in range(per_client):
                request = DeclarationRequest(
                    natural_key=f"bench-submit:{os.getpid()}:{n}:supplier:{supplier.id}",
                    supplier_id=supplier.id, kind="annual",
                    due_date=date.today() + timedelta(days=28))
                session.add(request)
                session.flush()
                draft = Declaration(supplier_id=supplier.id, request_id=request.id,
                                    questionnaire_id="modern_slavery", questionnaire_version=1,
                                    status="draft", answers=answers)
                session.add(draft)
                session.flush()
                drafts.append(draft.id)
            clients.append((email, drafts))
        session.commit()
        db.engine.dispose()
    return clients


class Server:
    """gunicorn on a free port, with the settings both the app and the floor are run with."""

    def __init__(self, target: str, env: dict):
        self.port = _free_port()
        self.folder = tempfile.mkdtemp(prefix="bench-gunicorn-")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", str(WORKERS), "-b",
             f"127.0.0.1:{self.port}", "--worker-class", "sync", "--timeout", "120", target],
            cwd=ROOT, env={**os.environ, **env, "PYTHONPATH": str(ROOT)},
            stdout=subprocess.DEVNULL, stderr=open(Path(self.folder) / "gunicorn.log", "w"),
        )
        self.base = f"http://127.0.0.1:{self.port}"

    def wait(self, path: str, timeout: float = 60) -> None:
        import requests

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited: "
                                   + (Path(self.folder) / "gunicorn.log").read_text()[-2000:])
            try:
                requests.get(self.base + path, timeout=10)
                return
            except requests.RequestException:  # not listening yet, or a worker still booting
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer on {self.base} within {timeout}s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _drive(work: list, do_one) -> tuple[float, list[float], list[str]]:
    """Run each client's work list in its own thread; (wall seconds, latencies, errors)."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def client(items):
        state = items[0]
        for item in items[1]:
            started = time.perf_counter()
            try:
                do_one(state, item)
            except Exception as error:  # reported in the table's notes, not raised
                with lock:
                    errors.append(str(error)[:200])
                continue
            with lock:
                latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(items,)) for items in work]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, errors


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


def _submit_phase(url: str, per_client: int) -> tuple[float, list[float], list[str], int]:
    import requests

    clients = _prepare(url, per_client)
    folder = tempfile.mkdtemp(prefix="bench-submit-")
    server = Server("supplier_dd:create_app()", {
        "SUPPLIER_DD_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": SECRET,
        "SUPPLIER_DD_AUDIT_KEY": SECRET,
        "SUPPLIER_DD_BASE_URL": "http://127.0.0.1", "SUPPLIER_DD_UPLOAD_DIR": folder,
        # Eight clients sign in from one address within a second.
        "SUPPLIER_DD_LOGIN_RATE_LIMIT": "1000 per minute",
    })
    try:
        server.wait("/sign-in")
        sessions = []
        for email, drafts in clients:
            http = requests.Session()
            token = _csrf(http.get(server.base + "/sign-in").text)
            response = http.post(server.base + "/sign-in", allow_redirects=False, data={
                "csrf_token": token, "email": email, "password": PASSWORD})
            if response.status_code != 302:
                raise RuntimeError(f"sign-in as {email} gave {response.status_code}")
            # The CSRF token belongs to the signed-in session; any form page carries it.
            page = http.get(f"{server.base}/supplier/declarations/{drafts[0]}/declare")
            sessions.append(({"http": http, "token": _csrf(page.text)}, drafts))

        def submit(state, draft_id):
            response = state["http"].post(
                f"{server.base}/supplier/declarations/{draft_id}/declare", allow_redirects=False,
                data={"csrf_token": state["token"], "signatory_name": "Bench Signatory",
                      "signatory_role": "Director", "confirm_true": "yes",
                      "confirm_authority": "yes"})
            if response.status_code != 302 or "confirmation" not in response.headers.get(
                    "Location", ""):
                raise RuntimeError(f"submit {draft_id} gave {response.status_code} "
                                   f"{response.headers.get('Location', '')}")

        wall, latencies, errors = _drive(sessions, submit)
    finally:
        server.stop()
    return wall, latencies, errors, sum(len(d) for _e, d in clients)


def _floor_phase(url: str) -> tuple[float, list[float], list[str]]:
    import requests

    from bench.floor_app import create_table

    create_table(url)
    server = Server("bench.floor_app:create_app()", {"BENCH_FLOOR_DATABASE_URL": url})
    try:
        server.wait("/")
        work = [(requests.Session(), range(FLOOR_REQUESTS_PER_CLIENT)) for _ in range(CLIENTS)]

        def insert(http, n):
            response = http.post(server.base + "/insert", data={"payload": f"row {n}"})
            if response.status_code != 204:
                raise RuntimeError(f"floor insert gave {response.status_code}")

        wall, latencies, errors = _drive(work, insert)
    finally:
        server.stop()
    return wall, latencies, errors


def _measure(kind: str, quick: bool) -> BenchResult:
    scale = scale_for(quick)
    url, remove, generated = council(kind, scale)
    try:
        wall, latencies, errors, attempted = _submit_phase(
            url, QUICK_PER_CLIENT if quick else PER_CLIENT)
        floor_wall, floor_latencies, floor_errors = _floor_phase(url)
    finally:
        remove()
    throughput = len(latencies) / wall
    floor_throughput = len(floor_latencies) / floor_wall
    median, p95 = median_p95(latencies)
    floor_median, floor_p95 = median_p95(floor_latencies)
    share = throughput / floor_throughput
    problems = f"; {len(errors)} of {attempted} failed: {errors[0]}" if errors else ""
    if floor_errors:
        problems += f"; floor: {len(floor_errors)} failed: {floor_errors[0]}"
    return BenchResult(
        workload=f"declaration submit, HTTP, {CLIENTS} clients", database=kind,
        scale=f"{attempted} submits, {scale.suppliers:,} suppliers", median_s=median, p95_s=p95,
        peak_mb=peak_rss_mb(), floor_s=floor_median,
        target=f">= {TARGET_SHARE:.0%} of floor throughput",
        met=(share >= TARGET_SHARE) if not (errors or floor_errors) else False,
        notes=(f"{throughput:.1f} submits/s = {share:.0%} of the floor's {floor_throughput:.0f} "
               f"inserts/s (floor p95 {floor_p95 * 1000:.0f} ms); gunicorn -w {WORKERS} sync"
               + problems),
        extra={"throughput_per_s": throughput, "floor_throughput_per_s": floor_throughput,
               "share_of_floor": share, "floor_p95_s": floor_p95, "errors": len(errors),
               "generated_s": generated},
    )


def run(quick: bool = False) -> list[dict]:
    return [_measure(kind, quick).as_dict() for kind in databases()]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['database']:10} median {row['median_s'] * 1000:.0f} ms, p95 "
              f"{row['p95_s'] * 1000:.0f} ms: {row['notes']}")
