"""A report rendered from HTML reads back as a tagged PDF/UA document: headings, a table whose
cells know their headers, figures with alternative text, a title and a language; and the same
HTML gives the same bytes."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pikepdf
import pytest

from supplier_dd.infrastructure.accessible_pdf import PdfRenderError, render_pdf

CREATED = datetime(2025, 3, 31, 9, 30)
TITLE = "Modern slavery annual report 2024 to 2025"

# A bar chart drawn as an image file; the inline one below is the same chart as SVG markup.
BAR_CHART_FILE = """<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80">
<rect x="0" y="10" width="200" height="25" fill="#1d70b8"/>
<rect x="0" y="45" width="90" height="25" fill="#d4351c"/></svg>"""

REPORT = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<title>{TITLE}</title>
<link rel="stylesheet" href="report.css">
</head>
<body>
<h1>Modern slavery annual report</h1>
<p>Westshire District Council, year ending 31 March 2025.</p>
<h2>Suppliers by risk</h2>
<table>
<caption>Suppliers asked for a declaration, by risk rating</caption>
<thead><tr><th scope="col">Risk rating</th><th scope="col">Suppliers</th></tr></thead>
<tbody>
<tr><td>High</td><td>12</td></tr>
<tr><td>Low</td><td>140</td></tr>
</tbody>
</table>
<h2>Declarations returned</h2>
<svg xmlns="http://www.w3.org/2000/svg" width="240" height="80" role="img">
<title>Bar chart: 152 declarations returned, 31 outstanding</title>
<rect x="0" y="10" width="200" height="25" fill="#1d70b8"/>
<rect x="0" y="45" width="40" height="25" fill="#d4351c"/>
</svg>
<img src="bar-chart.svg" alt="Bar chart: 12 high-risk suppliers, 140 low-risk">
</body>
</html>
"""

STYLESHEET = """@page { size: A4; margin: 2cm; }
body { font-family: "Liberation Sans", sans-serif; color: #0b0c0c; }
h1 { font-size: 28pt; border-bottom: 4px solid #1d70b8; }
th, td { border: 1px solid #b1b4b6; padding: 4px 8px; text-align: left; }
"""


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    (tmp_path / "report.css").write_text(STYLESHEET, encoding="utf-8")
    (tmp_path / "bar-chart.svg").write_text(BAR_CHART_FILE, encoding="utf-8")
    return tmp_path


def render(report_dir: Path, html: str = REPORT, created: datetime = CREATED) -> bytes:
    return render_pdf(html, base_url=f"{report_dir}/", created=created)


def read(pdf: bytes) -> pikepdf.Pdf:
    return pikepdf.open(io.BytesIO(pdf))


def structure(document: pikepdf.Pdf) -> list[pikepdf.Dictionary]:
    """Every structure element, in reading order."""
    found = []

    def visit(node):
        if isinstance(node, pikepdf.Array):
            for kid in node:
                visit(kid)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                found.append(node)
            visit(node.get("/K"))

    visit(document.Root.StructTreeRoot.K)
    return found


def test_headings_table_and_figures_are_tagged(report_dir):
    document = read(render(report_dir))
    elements = structure(document)
    tags = [str(element.S)[1:] for element in elements]
    assert [tag for tag in tags if tag in ("H1", "H2")] == ["H1", "H2", "H2"]
    assert tags.count("Table") == 1 and tags.count("Caption") == 1
    header_cells = [element for element in elements if element.S == "/TH"]
    data_cells = [element for element in elements if element.S == "/TD"]
    assert len(header_cells) == 2 and len(data_cells) == 4
    # Each data cell names the column header a screen reader announces with it.
    header_ids = [str(cell.ID) for cell in header_cells]
    assert [[str(ref) for ref in cell.A.Headers] for cell in data_cells] == [
        [header_ids[0]], [header_ids[1]], [header_ids[0]], [header_ids[1]]]

    figures = [str(element.Alt) for element in elements if element.S == "/Figure"]
    assert figures == ["Bar chart: 152 declarations returned, 31 outstanding",
                       "Bar chart: 12 high-risk suppliers, 140 low-risk"]


def test_title_language_and_marking_are_set(report_dir):
    document = read(render(report_dir))
    assert str(document.Root.Lang) == "en-GB"
    assert document.Root.MarkInfo.Marked is True
    # Viewers show the title, not the file name, in their title bar (PDF/UA asks for it).
    assert document.Root.ViewerPreferences.DisplayDocTitle is True
    assert str(document.docinfo.Title) == TITLE
    assert str(document.docinfo.CreationDate) == "D:20250331093000Z"
    metadata = document.open_metadata()
    assert metadata["dc:title"] == TITLE
    assert metadata["pdfuaid:part"] == "1"
    assert metadata["xmp:CreateDate"] == "2025-03-31T09:30:00Z"


def test_the_same_html_and_date_give_the_same_bytes(report_dir):
    first = render(report_dir)
    assert render(report_dir) == first
    identifier = read(first).trailer.ID
    assert len(identifier) == 2 and bytes(identifier[0])

    later = render(report_dir, created=datetime(2025, 4, 1, 9, 30))
    assert later != first
    assert str(read(later).docinfo.CreationDate) == "D:20250401093000Z"


@pytest.mark.parametrize(("change", "problem"), [
    (('alt="Bar chart: 12 high-risk suppliers, 140 low-risk"', ""), "alternative text"),
    (("<title>Bar chart: 152 declarations returned, 31 outstanding</title>", ""),
     "alternative text"),
    (('<html lang="en-GB">', "<html>"), "language"),
    ((f"<title>{TITLE}</title>", ""), "title"),
    (("report.css", "missing.css"), "missing.css"),
])
def test_html_a_screen_reader_could_not_follow_is_refused(report_dir, change, problem):
    with pytest.raises(PdfRenderError, match=problem):
        render(report_dir, REPORT.replace(*change))


def test_the_network_is_never_fetched(report_dir):
    html = REPORT.replace('href="report.css"', 'href="http://127.0.0.1:9/report.css"')
    with pytest.raises(PdfRenderError, match="report.css"):
        render(report_dir, html)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (make system-deps)")
def test_first_page_renders_as_a_picture(report_dir, tmp_path):
    (tmp_path / "report.pdf").write_bytes(render(report_dir))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                    str(tmp_path / "report.pdf"), str(tmp_path / "page-1")], check=True)
    picture = tmp_path / "page-1.png"
    assert picture.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # An A4 page at 60 dpi with a heading, a table and two charts: far from a blank page.
    assert picture.stat().st_size > 10_000
