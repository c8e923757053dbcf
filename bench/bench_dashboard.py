"""The officers' risk dashboard on the generated council: first page and a filtered page.

Times whole requests through the app (session, access check, queries, template) for an officer
on SQLite and, when it answers, PostgreSQL, on the council from bench/generate.py (100,000
suppliers by default).
Floor: the same SQL statements the page ran (captured from one request), replayed bare through
the database driver: what the page would cost if the app added nothing.
Target: p95 under 50 ms for each page on each database, and a median within 3x of the floor.

    .venv/bin/python -m bench.bench_dashboard          # 100,000 suppliers
    .venv/bin/python -m bench.bench_dashboard --quick  # 1,000, for a smoke run
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable

from sqlalchemy import event

from bench.common import (
    BenchResult,
    databases,
    median_p95,
    migrated_app,
    peak_rss_mb,
    timings,
)
from bench.generate import council, scale_for

USES_COUNCIL = True  # the harness builds bench/generate.py's council once for these
TARGET_S = 0.050
TARGET_RATIO = 3.0
FIRST_PAGE = "/officer/risk/"
# Three filters at once: the combination the first version of the indexes served worst.
FILTERED_PAGE = ("/officer/risk/?band=High&sector=Construction%2C+civil+engineering+and+"
                 "building+products&country=GB")
LAYOUT_PAGE = "/accessibility"
PASSWORD = "bench-password-12345"


def dashboard_app(url: str):
    """The app on a generated database, for officers signing in with a password alone (as in
    the test app: the bench times the page, not two-step sign-in)."""
    return migrated_app(url, SECRET_KEY="bench-secret-key-that-is-long-enough-0123456789",
                        SUPPLIER_DD_DEMO_PASSWORD="bench-demo-password",
                        SUPPLIER_DD_STAFF_MFA="optional")


def _signed_in_client(app, council_id: int | None = None):
    """A test client signed in as a new officer of `council_id` (None: the only council)."""
    from supplier_dd.extensions import db
    from supplier_dd.services.users import create_user
    from tests.helpers import FormClient

    # The council is shared by the run's benchmarks: a unique address per process.
    email = f"bench-officer-{uuid.uuid4().hex[:12]}@council.example"
    with app.app_context():
        create_user(db.session, email, "officer", PASSWORD, council_id=council_id)
        db.session.commit()
    app.test_client_class = FormClient
    client = app.test_client()
    client.sign_in(email, PASSWORD)
    return client


def _captured_sql(app, client, path: str) -> list[tuple[str, object]]:
    """Every statement (with its parameters) one request for `path` sends to the database."""
    from supplier_dd.extensions import db

    statements = []

    def capture(_conn, _cursor, statement, parameters, _context, _executemany):
        statements.append((statement, parameters))

    engine = db.engine
    event.listen(engine, "before_cursor_execute", capture)
    try:
        client.get(path)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return statements


def _bare(app, statements) -> Callable[[], None]:
    """Replay the statements through one raw driver connection, fetching every row."""
    from supplier_dd.extensions import db

    connection = db.engine.raw_connection()

    def replay():
        cursor = connection.cursor()
        for statement, parameters in statements:
            cursor.execute(statement, parameters)
            if cursor.description is not None:
                cursor.fetchall()
        cursor.close()
        connection.rollback()

    return replay


def _measure(kind: str, quick: bool, repeats: int) -> list[BenchResult]:
    scale = scale_for(quick)
    url, remove, generated = council(kind, scale)
    try:
        app = dashboard_app(url)
        client = _signed_in_client(app)
        results = []
        with app.app_context():
            # For reading the ratio: the app's lightest signed-in page (the same layout, no
            # queries beyond the session's user) is most of what any page costs above its SQL.
            layout, _layout_p95 = median_p95(timings(lambda: client.get(LAYOUT_PAGE), repeats,
                                                     warmup=3))
            for label, path in (("first page", FIRST_PAGE), ("filtered page", FILTERED_PAGE)):

                def request(path=path):
                    response = client.get(path)
                    if response.status_code != 200:
                        raise RuntimeError(f"GET {path} gave {response.status_code}")

                median, p95 = median_p95(timings(request, repeats, warmup=3))
                # Captured after the warm-up, so the per-process headline cache is as warm as
                # it was for the timed requests.
                statements = _captured_sql(app, client, path)
                floor, _floor_p95 = median_p95(timings(_bare(app, statements), repeats))
                results.append(BenchResult(
                    workload=f"risk dashboard, {label}", database=kind,
                    scale=f"{scale.suppliers:,} suppliers", median_s=median, p95_s=p95,
                    peak_mb=peak_rss_mb(), floor_s=floor,
                    target=f"p95 < {TARGET_S * 1000:.0f} ms, <= {TARGET_RATIO:.0f}x floor",
                    met=p95 < TARGET_S and median <= TARGET_RATIO * floor,
                    notes=(f"GET {path}; {len(statements)} statements; the layout alone "
                           f"(GET {LAYOUT_PAGE}) {layout * 1000:.1f} ms"
                           + (f"; council generated in {generated:.0f}s" if generated else "")),
                    extra={"statements": [s for s, _p in statements], "layout_s": layout},
                ))
            from supplier_dd.extensions import db

            db.engine.dispose()
        return results
    finally:
        remove()


def run(quick: bool = False, repeats: int = 60) -> list[dict]:
    """Time both pages on every available database; one dict per (page, database)."""
    return [result.as_dict() for kind in databases() for result in
            _measure(kind, quick, repeats)]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['workload']:34} {row['database']:10} {row['scale']:>8}  "
              f"median {row['median_s'] * 1000:6.1f} ms  p95 {row['p95_s'] * 1000:6.1f} ms  "
              f"{'met' if row['met'] else 'NOT MET'}")
