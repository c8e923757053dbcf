"""The annual Cabinet evidence pack for a large council: 100,000 suppliers, 200,000 declarations.

Builds the pack on the generated council (bench/generate.py: suppliers, declarations,
contracts, tenders and invitations, assessments with their KPI results, corrective actions,
re-attestation cycles, registry statements, training, referrals, the action plan) and times
the whole build: ReportData from SQL aggregates, the PDF and the XLSX. Peak memory is measured
on a further build under tracemalloc (Python allocations during the build) besides the
process's peak RSS.
Floor: ReportLab and openpyxl writing the same tables (every figure, and the evidence rows)
from the already-built ReportData: no queries, no layout beyond a plain table.
Target: PDF and XLSX built in under 20 s with peak memory under 500 MB.

    .venv/bin/python -m bench.bench_cabinet          # 100,000 suppliers, 200,000 declarations
    .venv/bin/python -m bench.bench_cabinet --quick  # 1,000 suppliers, for a smoke run
"""

from __future__ import annotations

import io
import sys
import time
import tracemalloc
from datetime import date

from bench.common import BenchResult, databases, median_p95, migrated_app, peak_rss_mb
from bench.generate import council, scale_for

USES_COUNCIL = True  # the harness builds bench/generate.py's council once for these
TARGET_S = 20.0
TARGET_MB = 500.0
YEAR = "2025/26"
COVER_DATE = date(2026, 5, 14)


def _build(app) -> tuple[int, int, int]:
    from supplier_dd.extensions import db
    from supplier_dd.reports.pdf import render_pdf
    from supplier_dd.reports.queries import build_report_data
    from supplier_dd.reports.xlsx import render_xlsx

    with app.app_context():
        data = build_report_data(db.session, YEAR, COVER_DATE, "Bench", council="Bench council")
        pdf, xlsx = render_pdf(data), render_xlsx(data)
        db.session.rollback()
        return len(pdf), len(xlsx), len(data.figure_index())


def _report_data(app):
    from supplier_dd.extensions import db
    from supplier_dd.reports.queries import build_report_data

    with app.app_context():
        data = build_report_data(db.session, YEAR, COVER_DATE, "Bench", council="Bench council")
        db.session.rollback()
    return data


def plain_tables(data) -> tuple[int, int]:
    """The floor: the pack's figures and evidence rows as bare ReportLab and openpyxl tables."""
    from openpyxl import Workbook
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import SimpleDocTemplate, Table

    figures = [("Section", "Figure", "Value")] + [
        (entry.section, entry.figure.label[:90], entry.figure.display())
        for entry in data.figure_index()]
    pdf = io.BytesIO()
    SimpleDocTemplate(pdf, pagesize=A4).build([Table(figures, repeatRows=1)])
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Figures")
    for row in figures:
        sheet.append(row)
    for number, table in enumerate(data.evidence_tables, start=1):
        sheet = workbook.create_sheet(f"Evidence {number}")
        sheet.append(list(table.columns))
        for row in table.rows:
            sheet.append(list(row))
    xlsx = io.BytesIO()
    workbook.save(xlsx)
    return len(pdf.getvalue()), len(xlsx.getvalue())


def _measure(kind: str, quick: bool) -> BenchResult:
    scale = scale_for(quick)
    url, remove, generated = council(kind, scale)
    try:
        app = migrated_app(url, SECRET_KEY="bench-secret-key-that-is-long-enough-0123456789",
                           SUPPLIER_DD_DEMO_PASSWORD="bench-demo-password")
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            pdf_size, xlsx_size, figures = _build(app)
            samples.append(time.perf_counter() - started)
        tracemalloc.start()
        _build(app)
        _current, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        traced_mb = traced_peak / 1024 / 1024
        data = _report_data(app)
        floor_samples = []
        for _ in range(3):
            started = time.perf_counter()
            plain_tables(data)
            floor_samples.append(time.perf_counter() - started)
        from supplier_dd.extensions import db

        with app.app_context():
            db.engine.dispose()
    finally:
        remove()
    median, p95 = median_p95(samples)
    evidence_rows = sum(len(table.rows) for table in data.evidence_tables)
    return BenchResult(
        workload="Cabinet pack (data + PDF + XLSX)", database=kind, scale=scale.label,
        median_s=median, p95_s=max(samples), peak_mb=peak_rss_mb(),
        floor_s=median_p95(floor_samples)[0],
        target=f"< {TARGET_S:.0f} s and < {TARGET_MB:.0f} MB",
        met=max(samples) < TARGET_S and traced_mb < TARGET_MB and peak_rss_mb() < TARGET_MB,
        notes=(f"{figures} figures, {evidence_rows:,} evidence rows; PDF {pdf_size:,} B, "
               f"XLSX {xlsx_size:,} B; build allocated at most {traced_mb:.0f} MB "
               f"(tracemalloc)" + (f"; council generated in {generated:.0f}s"
                                   if generated else "")),
        extra={"traced_peak_mb": round(traced_mb, 1), "evidence_rows": evidence_rows,
               "samples_s": [round(s, 2) for s in samples]},
    )


def run(quick: bool = False) -> list[dict]:
    """Build the pack on every available database; one dict per database."""
    return [_measure(kind, quick).as_dict() for kind in databases()]


if __name__ == "__main__":
    for row in run(quick="--quick" in sys.argv):
        print(f"{row['workload']} on {row['database']} ({row['scale']}): median "
              f"{row['median_s']:.1f} s, slowest {row['p95_s']:.1f} s, traced peak "
              f"{row['extra']['traced_peak_mb']} MB, RSS {row['peak_mb']:.0f} MB, floor "
              f"{row['floor_s']:.1f} s: {'met' if row['met'] else 'NOT MET'}\n  {row['notes']}")
