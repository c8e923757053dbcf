"""Reading a Cabinet pack back, for the unit and integration tests: the PDF's text, the XLSX's
evidence index, and where each printed word sits on its page."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from supplier_dd.reports.data import ReportData

PDFTOPPM = shutil.which("pdftoppm")
PDFTOTEXT = shutil.which("pdftotext")


def pdf_pages(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace made single spaces, so a label that wrapped in
    a table cell still reads as one phrase."""
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


def pdf_text(pdf: bytes) -> str:
    return " ".join(pdf_pages(pdf))


def pdf_page_count(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def xlsx_evidence_index(xlsx: bytes) -> dict[str, dict]:
    """Evidence index rows by figure key."""
    workbook = load_workbook(io.BytesIO(xlsx), read_only=True)
    rows = list(workbook["Evidence index"].iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(rows) if row and row[0] == "Ref")
    header = rows[header_at]
    return {row[1]: dict(zip(header, row, strict=True)) for row in rows[header_at + 1:]
            if row and row[0]}


def assert_pack_reports(data: ReportData, pdf: bytes, xlsx: bytes) -> None:
    """Every figure appears in the PDF as printed, and the XLSX holds the same value."""
    # Compared without whitespace: a long key may wrap anywhere inside its table cell.
    text = "".join(pdf_text(pdf).split())
    index = xlsx_evidence_index(xlsx)
    refs = data.figure_refs()
    assert set(index) == set(refs), "XLSX evidence index and the pack list different figures"
    for entry in data.figure_index():
        figure = entry.figure
        row = index[figure.key]
        assert row["Ref"] == refs[figure.key]
        assert row["Value"] == figure.value, f"{figure.key}: XLSX {row['Value']!r}"
        assert row["Shown in the pack as"] == figure.display()
        assert row["Source"] == figure.source
        # The appendix prints each figure as: ref, label, key, value.
        printed = " ".join([refs[figure.key], figure.label, figure.key, figure.display()])
        assert "".join(printed.split()) in text, f"{figure.key} not printed as {printed!r}"


def words_outside_content(pdf_path: Path, margin: float = 56.69) -> list[str]:
    """Words printed beyond the page's side margins (or off the page): clipped or overflowing
    text. Uses poppler's pdftotext word boxes."""
    html = subprocess.run([PDFTOTEXT, "-bbox", str(pdf_path), "-"], check=True,
                          capture_output=True, text=True).stdout
    problems = []
    for page_number, page in enumerate(re.findall(r"<page (.*?)</page>", html, re.S), start=1):
        width = float(re.search(r'width="([\d.]+)"', page).group(1))
        height = float(re.search(r'height="([\d.]+)"', page).group(1))
        for x_min, y_min, x_max, y_max, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
            page,
        ):
            if (float(x_min) < margin - 1 or float(x_max) > width - margin + 1
                    or float(y_min) < 0 or float(y_max) > height):
                problems.append(f"page {page_number}: {word!r} at x {x_min}..{x_max}")
    return problems


def render_pages(pdf_path: Path, out_dir: Path, resolution: int = 50) -> list[Path]:
    subprocess.run([PDFTOPPM, "-r", str(resolution), "-png", str(pdf_path),
                    str(out_dir / "page")], check=True, capture_output=True)
    return sorted(out_dir.glob("page-*.png"))
