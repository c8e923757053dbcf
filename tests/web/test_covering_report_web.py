"""Legal downloads the Cabinet covering report (issue 19) for a year: a Word document with the
figures a pack generated now would print, named for the council and the year; a year written
wrongly, or not started, is explained on the form."""

from __future__ import annotations

import io
import re
from html import unescape

import docx
from docx.oxml.ns import qn

from supplier_dd.models import Council
from supplier_dd.models.base import utcnow
from supplier_dd.models.tenancy import acting_for
from supplier_dd.reports.covering_report import TO_COMPLETE
from supplier_dd.reports.data import financial_year_of
from supplier_dd.reports.editions import default_edition
from supplier_dd.reports.queries import build_report_data
from tests.factories import PASSWORD, make_user
from tests.programme_helpers import add_programme_records

URL = "/reports/cabinet/covering-report"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _signed_in(client, session, role="legal"):
    user = make_user(session, role, email=f"{role}@example.org")
    session.commit()
    client.sign_in(f"{role}@example.org", PASSWORD)
    return user


def test_legal_downloads_the_year_just_ended_with_the_packs_figures(client, session):
    with acting_for(session, 1):
        add_programme_records(session)
    session.commit()
    _signed_in(client, session)
    year = financial_year_of(utcnow().date()).previous

    form = client.get(URL)
    assert form.status_code == 200
    assert f'value="{year.label}"' in form.get_data(as_text=True)

    response = client.get(URL, query_string={"year": year.label})
    assert response.status_code == 200
    assert response.mimetype == DOCX
    council = session.get(Council, 1)
    assert (f"filename={council.short_name}-cabinet-covering-report-"
            f"{year.label.replace('/', '-')}.docx") in response.headers["Content-Disposition"]

    document = docx.Document(io.BytesIO(response.data))
    assert document.core_properties.title.startswith(f"{council.name}: Cabinet covering report")
    assert document.core_properties.author == "legal@example.org"
    assert f"Council: {council.name}" in [p.text for p in document.paragraphs]
    assert any(p.text.startswith(TO_COMPLETE) for p in document.paragraphs)

    # The headline figures are the pack's own, as a pack for this year built now prints them.
    with acting_for(session, 1):
        pack = build_report_data(session, year, utcnow().date(), "legal@example.org",
                                 council=council.name, edition=default_edition(year))
    refs = pack.figure_refs()
    table = document.tables[0]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    assert [[cell.text for cell in row.cells] for row in table.rows[1:]] == [
        [kpi.figure.label, kpi.figure.display(), kpi.previous_display(), kpi.change_display(),
         kpi.target_display() + (f"\n{kpi.target_note}" if kpi.target_note else ""),
         kpi.rag.label if kpi.rag else "Not rated", refs[kpi.figure.key]]
        for kpi in pack.summary]
    plan = next(p.text for p in document.paragraphs
                if p.text.startswith("The evidence pack reports the action plan"))
    assert pack.action_plan.title in plan


def test_a_year_written_wrongly_or_not_started_is_explained_on_the_form(client, session):
    _signed_in(client, session)
    next_year = financial_year_of(utcnow().date()).start_year + 1
    for text, message in (
        ("2025/27", "A financial year runs from April to the next March, so 2025 is followed "
                    "by 26: enter 2025/26, not 2025/27."),
        ("", "Enter the financial year, like 2025/26"),
        ("next year", "Enter the financial year like 2025/26, got 'next year'."),
        (f"{next_year}/{(next_year + 1) % 100:02d}", "financial year has not started yet."),
    ):
        response = client.get(URL, query_string={"year": text})
        assert response.status_code == 200, text
        assert response.mimetype == "text/html"
        html = unescape(response.get_data(as_text=True))
        assert "There is a problem" in html and message in html, text
        assert re.search(r"<title>\s*Error: ", html)
        # What was typed is kept, to correct.
        assert f'value="{text}"' in html


def test_the_packs_page_links_to_it_for_those_who_may_generate_reports(client, session):
    _signed_in(client, session)
    assert URL in client.get("/reports/cabinet").get_data(as_text=True)


def test_officers_see_no_link_and_are_refused(client, session):
    _signed_in(client, session, "officer")
    assert URL not in client.get("/reports/cabinet").get_data(as_text=True)
    assert client.get(URL, query_string={"year": "2025/26"}).status_code == 403
