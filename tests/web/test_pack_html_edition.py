"""The accessible editions of a Cabinet pack run (issue 19): a web page with the pack's figures,
references, charts and evidence, and a tagged PDF/UA document printed from it, both rebuilt from
the run's own parameters and saying whether that is still the data of the run's PDF and XLSX."""

from __future__ import annotations

import io
import subprocess
from datetime import date
from decimal import Decimal

import lxml.html
import pikepdf
import pytest

from supplier_dd.infrastructure.accessible_pdf import _structure_elements, accessibility_problems
from supplier_dd.models import CabinetPackRun, Contract, Council
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import acting_for
from supplier_dd.reports.data import FinancialYear, financial_year_of
from supplier_dd.reports.queries import build_report_data, report_trends
from supplier_dd.services import audit
from supplier_dd.services.councils import create_council
from supplier_dd.services.programme import (
    EvidenceDetails,
    TrainingDetails,
    add_charter_evidence,
    add_training_record,
)
from tests.factories import PASSWORD, make_supplier, make_user
from tests.pack_helpers import pack_run
from tests.programme_helpers import import_seed
from tests.report_checks import words_outside_content
from tests.risk_helpers import add_risk_records

COUNCIL = 1
CONTRACTS = 12  # more than the 10 rows the editions show of a list
SAME_DATA = "shows the same data as the PDF and spreadsheet of this run"
CHANGED = "The council’s records have changed since this pack was built"
SIDE_MARGIN = 18 * 72 / 25.4  # statement-print.css: 18 mm either side, in points


def _open_year() -> FinancialYear:
    return financial_year_of(utcnow().date())


@pytest.fixture
def records(session) -> FinancialYear:
    """Staff, an action plan, contracts live in the open year, a risk rating, training this
    year and last (so the training chart has two years) and a piece of Charter evidence."""
    year = _open_year()
    now = utcnow()
    with acting_for(session, COUNCIL):
        for role in ("officer", "legal", "admin", "safeguarding"):
            make_user(session, role, email=f"{role}@example.org")
        import_seed(session)
        suppliers = [make_supplier(session, name=f"Cleaner {number:02d} Ltd")
                     for number in range(CONTRACTS)]
        session.add_all(_contract(year, number, supplier.id)
                        for number, supplier in enumerate(suppliers))
        session.flush()
        make_user(session, "supplier", email="supplier@example.org", supplier=suppliers[0])
        add_risk_records(session, suppliers[1])
        for day, completed in ((year.previous.first_day, 2), (year.first_day, 4)):
            add_training_record(session, TrainingDetails(
                staff_group="procurement_team", course="CIPS Ethical Procurement and Supply",
                completed=completed, total=5, recorded_on=day), None, now)
        add_charter_evidence(session, EvidenceDetails(
            commitment=3, evidenced_on=year.first_day,
            description="Supplier briefing on low-cost tenders"), None, now)
    session.commit()
    return year


def _contract(year: FinancialYear, number: int, supplier_id: int) -> Contract:
    return Contract(reference=f"C-{number:03d}", title=f"Cleaning contract {number}",
                    value=Decimal("25000"), start_date=year.first_day,
                    end_date=year.last_day, supplier_id=supplier_id)


def _council_name(session) -> str:
    return session.get(Council, COUNCIL).name


def _run(session, *, finished: bool = True) -> CabinetPackRun:
    """A pack for the open year asked for today."""
    today = utcnow().date()
    return pack_run(session, COUNCIL, _open_year().label, today, finished=finished)


def _signed_in(client, role: str = "officer"):
    client.sign_in(f"{role}@example.org", PASSWORD)
    return client


def _page(client, run: CabinetPackRun):
    response = client.get(f"/reports/cabinet/runs/{run.id}/html")
    assert response.status_code == 200
    return lxml.html.fromstring(response.get_data(as_text=True))


def _text(element) -> str:
    """What the element reads as, a line break a space."""
    return " ".join("".join(_words(element)).split())


def _words(element):
    # Comments and processing instructions have text too, but no words on the page.
    if not isinstance(element.tag, str):
        return
    yield element.text or ""
    for child in element:
        if child.tag == "br":
            yield " "
        yield from _words(child)
        yield child.tail or ""


def _rows(tree, table_class: str) -> list[list[str]]:
    table = tree.xpath(f"//table[contains(concat(' ', @class, ' '), ' {table_class} ')]")
    assert len(table) == 1, f"one {table_class} table"
    return [[_text(cell) for cell in row.xpath("th|td")] for row in table[0].xpath("tbody/tr")]


def _expected(session, run: CabinetPackRun):
    """The pack's data for the run's parameters, built here as the pack builds it."""
    with acting_for(session, COUNCIL):
        data = build_report_data(session, run.financial_year, run.cover_date, run.author,
                                 council=_council_name(session), version=run.version,
                                 action_plan_id=run.action_plan_id, edition=run.edition)
        year = data.cover.year
        trends = report_trends(session, year, min(year.last_day, run.cover_date), run.edition,
                               data.figure_refs())
    return data, trends


def test_the_web_edition_shows_every_figure_of_the_pack_with_its_reference(
        app, client, session, records):
    run = _run(session)
    data, trends = _expected(session, run)
    refs = data.figure_refs()
    tree = _page(_signed_in(client), run)
    page = _text(tree)

    assert data.checksum() == run.data_checksum
    assert SAME_DATA in page and CHANGED not in page
    assert run.data_checksum in page
    assert f"Modern slavery: annual evidence pack for Cabinet, {records.label}" in _text(
        tree.xpath("//h1")[0])

    # The evidence index: every figure once, F1.., with the pack's label, key, value and source.
    index_table = tree.xpath("//table[contains(@class, 'app-pack-index')]/tbody/tr")
    shown = {_text(row.xpath("th")[0]): (row.xpath("td[1]")[0].text.strip(),
                                         _text(row.xpath("td[1]/code")[0]),
                                         _text(row.xpath("td[2]")[0]),
                                         _text(row.xpath("td[3]")[0]))
             for row in index_table}
    assert shown == {refs[entry.figure.key]: (entry.figure.label, entry.figure.key,
                                              entry.figure.display(), entry.figure.source)
                     for entry in data.figure_index()}
    assert data.figure("contracts.live").display() == f"{CONTRACTS}"

    # Headline KPIs: this year, last year, change, target and RAG in words.
    assert _rows(tree, "app-pack-summary") == [
        [refs[kpi.figure.key], kpi.figure.label, kpi.figure.display(), kpi.previous_display(),
         kpi.change_display(),
         " ".join(filter(None, (kpi.target_display(), kpi.target_note))),
         kpi.rag.label if kpi.rag else "Not rated"] for kpi in data.summary]

    # The Charter's ten commitments, each with its status and evidence references.
    charter = _rows(tree, "app-pack-charter")
    assert [row[:3] for row in charter] == [
        [str(c.number), c.commitment, c.status] for c in data.charter]
    for row, commitment in zip(charter, data.charter, strict=True):
        for figure in commitment.evidence:
            assert f"{figure.label}: {figure.display()} ({refs[figure.key]})" in row[3]

    # The Transparency Statement groups and the risk bands, each under its own heading.
    headings = [_text(h) for h in tree.xpath("//h3")]
    for group in (*data.transparency, data.risk_bands, *data.training):
        assert group.title in headings

    # The four trend charts: their words as the picture's title and under it, their figures.
    assert {trend.key for trend in trends} == {"risk_bands", "declaration_coverage",
                                               "reattestation", "training"}
    for trend in trends:
        chart = tree.xpath(f"//svg[@aria-labelledby='chart-{trend.key}-title']")
        assert len(chart) == 1, trend.key
        assert _text(chart[0].xpath("title")[0]) == trend.text_alternative()
        assert trend.text_alternative() in page
        table = tree.xpath(f"//table[@id='chart-{trend.key}-data']/tbody/tr")
        assert [[_text(cell) for cell in row.xpath("th|td")][:len(trend.series) + 1]
                for row in table] == [
            [year, *(series.points[i].display(trend.unit) for series in trend.series)]
            for i, year in enumerate(trend.years)]
    training = next(trend for trend in trends if trend.key == "training")
    assert len(training.years) == 2 and "80.0%" in training.text_alternative()

    # The rows behind the figures, capped, saying how many are left out and where they are.
    assert (f"The first 10 of {CONTRACTS} rows: {CONTRACTS - 10} are left out here; the "
            f"spreadsheet lists all {CONTRACTS}.") in page
    contracts = next(table for table in tree.xpath("//table[contains(@class, 'app-pack-rows')]")
                     if _text(table.xpath("caption")[0]).startswith("Contracts live"))
    assert len(contracts.xpath("tbody/tr")) == 10
    assert f"{records.first_day.day} {records.first_day:%B %Y}" in _text(contracts)


def test_a_record_changed_since_the_run_is_said_before_any_figure(
        app, client, session, records):
    run = _run(session)
    with acting_for(session, COUNCIL):
        supplier = make_supplier(session, name="Late Addition Ltd")
        session.add(_contract(records, CONTRACTS, supplier.id))
    session.commit()
    data, _trends = _expected(session, run)
    assert data.checksum() != run.data_checksum

    tree = _page(_signed_in(client), run)
    warning = _text(tree.xpath("//*[contains(@class, 'govuk-warning-text')]")[0])
    assert CHANGED in warning and "Generate a new pack" in warning
    page = _text(tree)
    assert SAME_DATA not in page
    assert run.data_checksum in page and data.checksum() in page
    index = {row[0]: row for row in _rows(tree, "app-pack-index")}
    assert index[data.figure_refs()["contracts.live"]][2] == f"{CONTRACTS + 1}"
    # The tagged PDF says so too.
    pdf = client.get(f"/reports/cabinet/runs/{run.id}/accessible.pdf").get_data()
    assert CHANGED in _pdf_text(pdf)


def _pdf_text(pdf: bytes) -> str:
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                                   check=True).stdout.decode().split())


def _structure(pdf: bytes) -> tuple[dict[str, int], list[str]]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.StructTreeRoot
        kinds = {kind: sum(1 for _ in _structure_elements(root, f"/{kind}"))
                 for kind in ("H1", "H2", "H3", "Table", "TH", "TD", "Figure")}
        alts = [str(figure.get("/Alt", "")) for figure in _structure_elements(root, "/Figure")]
    return kinds, alts


def test_the_accessible_pdf_is_tagged_and_the_same_run_gives_the_same_bytes(
        app, client, session, records, tmp_path):
    run = _run(session)
    data, trends = _expected(session, run)
    client = _signed_in(client, "legal")
    response = client.get(f"/reports/cabinet/runs/{run.id}/accessible.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    year = run.financial_year.replace("/", "-")
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename=cabinet-evidence-pack-{year}-v1.0-accessible.pdf")
    pdf = response.get_data()
    assert client.get(f"/reports/cabinet/runs/{run.id}/accessible.pdf").get_data() == pdf

    assert accessibility_problems(pdf) == []
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert str(document.Root.Lang) == "en-GB"
        assert str(document.docinfo.Title) == (
            f"{_council_name(session)} Modern slavery annual evidence pack "
            f"{run.financial_year} (version 1.0, accessible edition)")
        assert str(document.docinfo.CreationDate).startswith(
            f"D:{run.requested_at:%Y%m%d%H%M%S}")
        assert document.Root.MarkInfo.Marked is True
    kinds, alts = _structure(pdf)
    # One title; the cover, contents and the seven sections as H2; groups as H3.
    assert kinds["H1"] == 1 and kinds["H2"] == 9 and kinds["H3"] >= len(data.transparency)
    assert kinds["Table"] >= 10 and kinds["TH"] > kinds["Table"] and kinds["TD"] > 0
    # Every chart is a figure whose alternative text is the chart in words.
    assert sorted(alts) == sorted(trend.text_alternative() for trend in trends)

    text = _pdf_text(pdf)
    for expected in (run.data_checksum, SAME_DATA, _council_name(session),
                     "Charter Against Modern Slavery", "Appendix: evidence index"):
        assert expected in text
    live = data.figure("contracts.live")
    assert f"{data.figure_refs()[live.key]} {live.label} {live.display()}" in text
    path = tmp_path / "accessible.pdf"
    path.write_bytes(pdf)
    assert words_outside_content(path, margin=SIDE_MARGIN) == []


def test_the_run_page_and_the_packs_list_link_to_the_web_edition(app, client, session,
                                                                  records):
    run = _run(session)
    _signed_in(client)
    for path in (f"/reports/cabinet/runs/{run.id}", "/reports/cabinet"):
        tree = lxml.html.fromstring(client.get(path).get_data(as_text=True))
        assert tree.xpath(f"//a[@href='/reports/cabinet/runs/{run.id}/html']"), path
    run_page = lxml.html.fromstring(client.get(f"/reports/cabinet/runs/{run.id}").get_data(
        as_text=True))
    assert run_page.xpath(f"//a[@href='/reports/cabinet/runs/{run.id}/accessible.pdf']")


def test_a_pack_still_being_built_has_no_edition_yet(app, client, session, records):
    run = _run(session, finished=False)
    _signed_in(client)
    for suffix in ("html", "accessible.pdf"):
        assert client.get(f"/reports/cabinet/runs/{run.id}/{suffix}").status_code == 404
    page = client.get(f"/reports/cabinet/runs/{run.id}").get_data(as_text=True)
    assert f"/reports/cabinet/runs/{run.id}/html" not in page


def test_only_the_councils_pack_readers_reach_the_editions(app, client, session, records):
    run = _run(session)
    other = create_council(session, "Neighbouring District Council", utcnow(), audit.CLI,
                           short_name="neighbouring")
    session.flush()
    with acting_for(session, other.id):
        make_user(session, "legal", email="legal@neighbouring.example")
    session.commit()
    paths = [f"/reports/cabinet/runs/{run.id}{suffix}"
             for suffix in ("", "/html", "/accessible.pdf")]
    for email, status in (("legal@neighbouring.example", 404), ("supplier@example.org", 403),
                          ("safeguarding@example.org", 403), (None, 302)):
        visitor = app.test_client()
        if email is not None:
            visitor.sign_in(email, PASSWORD)
        assert [visitor.get(path).status_code for path in paths] == [status] * 3, email


def test_a_closed_year_run_keeps_its_data(app, client, session, records):
    """A closed year's pack, rebuilt for its web edition, is its run's data exactly."""
    closed = _open_year().previous
    run = pack_run(session, COUNCIL, closed.label, date(closed.start_year + 1, 5, 14),
                   version="2.0", kinds=("xlsx",))
    tree = _page(_signed_in(client), run)
    assert SAME_DATA in _text(tree)
    assert "Web edition of version 2.0" in _text(tree)
