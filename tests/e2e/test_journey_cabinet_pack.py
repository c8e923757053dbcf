"""Journey 3 in a real browser: legal generates the Cabinet evidence pack, waits on the progress
page (which follows the build without reloading), and downloads the PDF and the XLSX."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from supplier_dd.models import CabinetPack
from tests.e2e.journey_steps import assert_accessible, error_summary, go, sign_in
from tests.factories import make_supplier, make_user

pytestmark = [pytest.mark.browser, pytest.mark.sqlite_only]


def test_legal_generates_the_cabinet_pack_and_downloads_pdf_and_xlsx(live_server, page,
                                                                     session):
    make_user(session, "legal", email="legal@example.org")
    make_supplier(session, name="Brightwater Cleaning Ltd")
    session.commit()

    sign_in(page, live_server.url, "legal@example.org")
    go(page.get_by_role("link", name="Cabinet packs"))
    assert_accessible(page)
    go(page.get_by_role("button", name="Generate a pack"))
    assert_accessible(page)
    page.get_by_label("Financial year").fill("2025-2026?")
    page.get_by_label("Author").fill("")
    go(page.get_by_role("button", name="Generate the pack"))
    summary = error_summary(page)
    assert "Enter the author's name for the cover" in summary
    assert "Enter the financial year like 2025/26, got '2025-2026?'" in summary

    page.get_by_label("Financial year").fill("2025/26")
    page.get_by_label("Date on the cover").fill("14/05/2026")
    page.get_by_label("Author").fill("Helen Marsh")
    page.get_by_label("Version").fill("1.0")
    go(page.get_by_role("button", name="Generate the pack"))
    assert page.get_by_role("heading", name="Cabinet evidence pack 2025/26").is_visible()
    # The progress page follows the build in a live region (tests/e2e/test_pack_progress.py).
    page.get_by_role("status").filter(has_text="The pack is ready.").wait_for(timeout=120_000)
    go(page.get_by_role("link", name="Show the pack and its files"))
    assert_accessible(page)

    files = {}
    for kind in ("pdf", "xlsx"):
        with page.expect_download() as download:
            page.get_by_role("link", name=f"Download the {kind.upper()}").click()
        saved = download.value
        assert saved.suggested_filename == f"cabinet-evidence-pack-2025-26-v1.0.{kind}"
        files[kind] = open(saved.path(), "rb").read()  # noqa: SIM115 - Playwright's temp file

    assert files["pdf"].startswith(b"%PDF-") and b"%%EOF" in files["pdf"][-1024:]
    with zipfile.ZipFile(io.BytesIO(files["xlsx"])) as archive:
        assert "xl/workbook.xml" in archive.namelist()
    workbook = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    assert workbook.sheetnames
    stored = {pack.kind: pack.size_bytes for pack in session.query(CabinetPack)}
    assert stored == {"pdf": len(files["pdf"]), "xlsx": len(files["xlsx"])}


def test_a_build_that_stopped_says_so_accessibly_and_offers_to_generate_again(live_server,
                                                                             page, session):
    from datetime import date, timedelta

    from supplier_dd.models import CabinetPackRun
    from supplier_dd.models.base import utcnow

    make_user(session, "legal", email="legal@example.org")
    silent = utcnow() - timedelta(minutes=30)
    run = CabinetPackRun(financial_year="2025/26", cover_date=date(2026, 5, 14), version="1.0",
                         author="Helen Marsh", status="running", step="Counting risk",
                         requested_by_name="Helen Marsh", requested_at=silent,
                         heartbeat_at=silent)
    session.add(run)
    session.commit()

    sign_in(page, live_server.url, "legal@example.org")
    page.goto(f"{live_server.url}/reports/cabinet/runs/{run.id}")
    assert page.get_by_text("The build stopped before it finished").is_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    assert_accessible(page)
    go(page.get_by_role("button", name="Generate a pack"))
    assert page.get_by_role("heading", name="Generate a Cabinet evidence pack").is_visible()
