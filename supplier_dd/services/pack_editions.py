"""The accessible editions of a finished Cabinet pack run (issue 19): a web page and a tagged
PDF/UA-1 document printed from the same markup, both from the run's ReportData rebuilt from the
run's own parameters.

The ReportLab PDF and the XLSX stay as they are (a closed year's pack rebuilds byte for byte);
these editions are the same data for people who cannot read that PDF. Nothing is stored: the
data is rebuilt on each request and its checksum compared with the run's, so a page never
claims to show the run's figures when the records have changed since.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.orm import Session

from supplier_dd.infrastructure.accessible_pdf import PdfRenderError, render_pdf
from supplier_dd.models import CabinetPackRun
from supplier_dd.models.cabinet_pack import RUN_DONE
from supplier_dd.reports.data import SECTION_HEADINGS, ReportData
from supplier_dd.reports.editions import edition_label
from supplier_dd.reports.pack_edition import PackLayout, pack_layout
from supplier_dd.reports.queries import report_trends
from supplier_dd.reports.trends import Trend
from supplier_dd.services import ServiceError
from supplier_dd.services.cabinet_packs import file_stem, run_report_data

MEDIA_TYPE = "application/pdf"


class RunNotFinished(ServiceError):
    """Only a finished run has editions: until then there is no checksum to compare with."""


@dataclass(frozen=True)
class PackEdition:
    run: CabinetPackRun
    data: ReportData
    refs: dict[str, str]
    trends: tuple[Trend, ...]

    @property
    def same_as_run(self) -> bool:
        """The rebuilt data is the data the run's PDF and XLSX were built from."""
        return self.data.checksum() == self.run.data_checksum

    @cached_property
    def layout(self) -> PackLayout:
        return pack_layout(self.data, self.refs, self.trends)

    @property
    def edition_label(self) -> str:
        return edition_label(self.data.edition)

    @property
    def headings(self) -> dict[str, str]:
        return SECTION_HEADINGS


def pack_edition(session: Session, run: CabinetPackRun, *, council: str) -> PackEdition:
    """The run's data rebuilt, with the four trend charts counted to the same day."""
    if run.status != RUN_DONE:
        raise RunNotFinished("This pack has not been built, so it has no edition to show yet.")
    data = run_report_data(session, run, council=council)
    refs = data.figure_refs()
    year = data.cover.year
    as_of = min(year.last_day, run.cover_date)
    return PackEdition(run, data, refs, report_trends(session, year, as_of, run.edition, refs))


def accessible_pdf(html: str, base_url: str, run: CabinetPackRun) -> bytes:
    """The print edition's HTML as a tagged PDF dated when the run was asked for, so the same
    run and records give the same bytes."""
    try:
        return render_pdf(html, base_url=base_url, created=run.requested_at)
    except PdfRenderError as error:
        raise ServiceError(f"The accessible PDF cannot be made: {error}") from error


def accessible_pdf_name(run: CabinetPackRun) -> str:
    return f"{file_stem(run.financial_year, run.version)}-accessible.pdf"
