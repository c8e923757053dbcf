"""The risk dashboard in a partnership (issue 17): ten councils sharing 100,000 suppliers.

Each council knows 10-27 % of the suppliers (bench/generate.py's CONSORTIUM_SCALE: about
10,000-30,000 each, overlapping), with its own dashboard row for each; the summary table holds
every council's rows, so each dashboard is a range of that table (its key and every index lead
with council_id). For each council an officer of that council is signed in (the request then
acts for the council, models.tenancy) and the first page and the filtered page of
bench_dashboard are timed, on SQLite and, when it answers, PostgreSQL.
Floor: as bench_dashboard, the page's own SQL replayed bare through the driver.
Target: p95 under 50 ms for each page of each council on each database.

    .venv/bin/python -m bench.bench_dashboard_councils          # 100,000 suppliers, 10 councils
    .venv/bin/python -m bench.bench_dashboard_councils --quick  # 1,000
"""

from __future__ import annotations

import statistics
import sys
import time

from bench.bench_dashboard import (
    FILTERED_PAGE,
    FIRST_PAGE,
    TARGET_S,
    _bare,
    _captured_sql,
    _signed_in_client,
    dashboard_app,
)
from bench.common import BenchResult, databases, median_p95, peak_rss_mb, timings
from bench.generate import council, scale_for

USES_COUNCIL = "consortium"  # the harness builds bench/generate.py's partnership once
PAGES = (("first page", FIRST_PAGE), ("filtered page", FILTERED_PAGE))


def _suppliers_by_council(app) -> dict[int, int]:
    from sqlalchemy import func, select

    from supplier_dd.extensions import db
    from supplier_dd.models import CouncilSupplier

    with app.app_context():
        rows = db.session.execute(
            select(CouncilSupplier.council_id, func.count()).group_by(CouncilSupplier.council_id)
            .order_by(CouncilSupplier.council_id)).all()
        db.session.remove()
    return dict(rows)


def _time_council(app, council_id: int, repeats: int) -> dict[str, dict]:
    client = _signed_in_client(app, council_id)
    figures = {}
    with app.app_context():
        for label, path in PAGES:

            cpu: list[float] = []

            def request(path=path, cpu=cpu):
                started = time.process_time()
                response = client.get(path)
                cpu.append(time.process_time() - started)
                if response.status_code != 200:
                    raise RuntimeError(f"GET {path} gave {response.status_code}")

            median, p95 = median_p95(timings(request, repeats, warmup=3))
            statements = _captured_sql(app, client, path)
            floor, _floor_p95 = median_p95(timings(_bare(app, statements), repeats))
            # This process's CPU per request: on a shared machine, less moved by others' load
            # than the wall-clock figures (PostgreSQL's own work is not in it).
            figures[label] = {"median_s": median, "p95_s": p95, "floor_s": floor,
                              "cpu_median_s": statistics.median(cpu[3:]),
                              "statements": len(statements)}
    return figures


def _measure(kind: str, quick: bool, repeats: int) -> list[BenchResult]:
    scale = scale_for(quick, consortium=True)
    url, remove, generated = council(kind, scale)
    try:
        app = dashboard_app(url)
        sizes = _suppliers_by_council(app)
        by_council = {council_id: _time_council(app, council_id, repeats)
                      for council_id in sizes}
        results = []
        for label, path in PAGES:
            rows = [{"council": council_id, "suppliers": sizes[council_id],
                     **by_council[council_id][label]} for council_id in sizes]
            worst = max(rows, key=lambda row: row["p95_s"])
            results.append(BenchResult(
                workload=f"risk dashboard, {label}, each of {len(rows)} councils",
                database=kind,
                scale=(f"{scale.suppliers:,} suppliers, {min(sizes.values()):,}-"
                       f"{max(sizes.values()):,} a council"),
                median_s=statistics.median(row["median_s"] for row in rows),
                p95_s=worst["p95_s"], peak_mb=peak_rss_mb(),
                floor_s=statistics.median(row["floor_s"] for row in rows),
                target=f"p95 < {TARGET_S * 1000:.0f} ms for every council",
                met=all(row["p95_s"] < TARGET_S for row in rows),
                notes=(f"GET {path}; median of the councils' medians, the worst council's p95 "
                       f"(council {worst['council']}); p95 by council: "
                       + ", ".join(f"{row['council']} ({row['suppliers']:,}) "
                                   f"{row['p95_s'] * 1000:.1f} ms" for row in rows)
                       + (f"; partnership generated in {generated:.0f}s" if generated else "")),
                extra={"councils": rows},
            ))
        with app.app_context():
            from supplier_dd.extensions import db

            db.engine.dispose()
        return results
    finally:
        remove()


def run(quick: bool = False, repeats: int = 60) -> list[dict]:
    """Both pages for every council on every available database; one dict per (page, database),
    each council's figures in its `extra`."""
    return [result.as_dict() for kind in databases() for result in
            _measure(kind, quick, repeats)]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['workload']:48} {row['database']:10}  median {row['median_s'] * 1000:6.1f} ms"
              f"  worst p95 {row['p95_s'] * 1000:6.1f} ms  {'met' if row['met'] else 'NOT MET'}")
        for item in row["extra"]["councils"]:
            print(f"    council {item['council']:2} {item['suppliers']:>7,} suppliers  "
                  f"median {item['median_s'] * 1000:6.1f} ms  p95 {item['p95_s'] * 1000:6.1f} ms"
                  f"  floor {item['floor_s'] * 1000:5.2f} ms"
                  f"  CPU {item['cpu_median_s'] * 1000:5.1f} ms")
