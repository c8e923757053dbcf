"""The re-attestation reminder sweep over active cycles, with 1 % and 10 % due today.

The sweep reads cycles over the (status, next_reminder_on) index, so its time should follow the
number due, not the total: the 1 % run is repeated over a tenth of the cycles (same number due)
to show it.
Each due cycle's contact gets one message, rendered from its templates and queued in the outbox,
exactly as in production (the send pass is not part of this measure).

    .venv/bin/python -m bench.bench_reminders                 # 100,000 cycles (make bench)
    .venv/bin/python -m bench.bench_reminders --total 20000   # any other scale
    .venv/bin/python -m bench.bench_reminders --quick         # 5,000, for a smoke run
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime, timedelta

from sqlalchemy import delete, insert, text, update

from bench.common import (
    BenchResult,
    databases,
    median_p95,
    migrated_app,
    peak_rss_mb,
    scratch_database,
)

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 6, 0)
BATCH = 5_000
FAR_FUTURE = date(2099, 1, 1)


def _generate(app, count: int) -> None:
    from supplier_dd.extensions import db
    from supplier_dd.models import AttestationSchedule, Supplier, User

    with app.app_context():
        connection = db.session.connection()
        for start in range(1, count + 1, BATCH):
            ids = range(start, min(start + BATCH, count + 1))
            connection.execute(insert(Supplier.__table__), [
                {"id": i, "name": f"Bench {i:06d} Ltd", "normalised_name": f"bench {i:06d}",
                 "companies_house_number": f"{i:08d}", "country": "GB", "created_at": NOW}
                for i in ids])
            connection.execute(insert(User.__table__), [
                {"id": i, "email": f"contact{i}@bench{i}.example", "name": f"Contact {i}",
                 "role": "supplier", "supplier_id": i, "active": True, "created_at": NOW}
                for i in ids])
            connection.execute(insert(AttestationSchedule.__table__), [
                {"id": i, "supplier_id": i, "declaration_id": i, "status": "active",
                 "valid_from": TODAY - timedelta(days=200), "due_on": TODAY + timedelta(days=30),
                 "reason": "annual", "holidays_known": True, "next_reminder_on": FAR_FUTURE,
                 "created_at": NOW, "updated_at": NOW}
                for i in ids])
        if connection.dialect.name == "postgresql":
            for table in ("suppliers", "users", "attestation_schedules"):
                connection.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {count})"))
        db.session.commit()
        db.session.connection().execute(text("ANALYZE"))
        db.session.commit()


def _make_due(app, due: int, active: int) -> None:
    """The first `due` cycles are due a 30-day reminder today; the rest of `active` are not
    due yet; any beyond `active` are completed (history, as in a council after some years)."""
    from supplier_dd.extensions import db
    from supplier_dd.models import AttestationReminder, AttestationSchedule, OutboxMessage

    schedule = AttestationSchedule.__table__
    with app.app_context():
        session = db.session
        session.execute(delete(AttestationReminder.__table__))
        session.execute(delete(OutboxMessage.__table__))
        session.execute(update(schedule).values(status="active", next_reminder_on=FAR_FUTURE))
        session.execute(update(schedule).where(schedule.c.id <= due)
                        .values(next_reminder_on=TODAY))
        session.execute(update(schedule).where(schedule.c.id > active)
                        .values(status="completed", next_reminder_on=None))
        session.commit()


def _sweep(app) -> tuple[float, int]:
    from supplier_dd.extensions import db
    from supplier_dd.jobs.reminders import run_sweep

    with app.app_context():
        started = time.perf_counter()
        result = run_sweep(app, db.session, NOW)
        elapsed = time.perf_counter() - started
        db.session.remove()
    return elapsed, result.queued


def _plan(app) -> str:
    from supplier_dd.extensions import db

    with app.app_context():
        connection = db.session.connection()
        if connection.dialect.name == "sqlite":
            rows = connection.execute(text(
                "EXPLAIN QUERY PLAN SELECT id FROM attestation_schedules "
                "WHERE status = 'active' AND next_reminder_on <= :today "
                "ORDER BY next_reminder_on, id LIMIT 500"), {"today": TODAY}).all()
            plan = " | ".join(str(row[-1]) for row in rows)
        else:
            rows = connection.execute(text(
                "EXPLAIN SELECT id FROM attestation_schedules "
                "WHERE status = 'active' AND next_reminder_on <= :today "
                "ORDER BY next_reminder_on, id LIMIT 500"), {"today": TODAY}).all()
            plan = " | ".join(row[0].strip() for row in rows)
        db.session.remove()
    return plan


def bench_database(kind: str, total: int, repeats: int) -> list[BenchResult]:
    url, drop = scratch_database(kind, "reminders")
    results = []
    try:
        app = migrated_app(url, SECRET_KEY="bench-secret-key-that-is-long-enough-0123456789")
        _generate(app, total)
        plan = _plan(app)
        one_percent = total // 100
        cases = [
            (f"{total:,} active, 1% due", one_percent, total),
            (f"{total:,} active, 10% due", total // 10, total),
            # The same number due among a tenth of the cycles: equal times mean the sweep
            # does not read what is not due.
            (f"{total // 10:,} active, {one_percent:,} due", one_percent, total // 10),
        ]
        for label, due, active in cases:
            samples = []
            for _ in range(repeats):
                _make_due(app, due, active)
                elapsed, queued = _sweep(app)
                if queued != due:
                    raise RuntimeError(f"expected {due} messages, queued {queued}")
                samples.append(elapsed)
            median, p95 = median_p95(samples)
            results.append(BenchResult(
                workload="reminder sweep", database=kind, scale=label, median_s=median,
                p95_s=p95, peak_mb=peak_rss_mb(),
                target="time follows the number due",
                notes=f"{due / median:,.0f} messages/s decided, rendered and queued",
                extra={"due": due, "active": active, "per_message_ms": 1000 * median / due,
                       "query_plan": plan},
            ))
        # Met when the same number due costs about the same among 10x the cycles.
        big, _, small = results[-3:]
        met = big.median_s <= 1.5 * small.median_s
        for result in results[-3:]:
            result.met = met
    finally:
        drop()
    return results


# The scale of issue 5: 100,000 active cycles. Since the sweep writes each batch in two
# statements (0.3-0.6 ms a message), 10 % due among them is a few seconds per database.
DEFAULT_TOTAL = 100_000
QUICK_TOTAL = 5_000


def run(quick: bool = False, total: int | None = None, repeats: int = 3) -> list[dict]:
    total = total or (QUICK_TOTAL if quick else DEFAULT_TOTAL)
    return [result.as_dict() for kind in databases()
            for result in bench_database(kind, total, repeats)]


if __name__ == "__main__":
    given = sys.argv[sys.argv.index("--total") + 1] if "--total" in sys.argv else None
    for row in run(quick="--quick" in sys.argv, total=int(given) if given else None):
        print(f"{row['database']:10} {row['scale']:28} median {row['median_s']:.3f}s "
              f"p95 {row['p95_s']:.3f}s  {row['notes']}  "
              f"({row['extra']['per_message_ms']:.2f} ms/message)")
        print(f"{'':10} plan: {row['extra']['query_plan']}")
