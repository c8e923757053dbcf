"""The Cabinet covering report for a year's evidence pack (issue 19): the pack's figures counted
now, for the council the session acts for, written as a Word document (reports/covering_report.py)
that committee services complete. Nothing is stored: the same data gives the same document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from supplier_dd.models import Council
from supplier_dd.models.tenancy import acting_council
from supplier_dd.reports.covering_report import covering_report_docx, download_name
from supplier_dd.reports.data import ReportInputError
from supplier_dd.reports.queries import build_report_data
from supplier_dd.services import ServiceError
from supplier_dd.services.cabinet_packs import check_request


@dataclass(frozen=True)
class CoveringReport:
    content: bytes
    download_name: str


def covering_report(session: Session, year_text: str, today: date, *, author: str,
                    fallback_council: str) -> CoveringReport:
    """The covering report for the financial year `year_text` ('2025/26'), dated `today` and
    reporting the council's current action plan, as a pack requested today would. ServiceError
    says what to change (a year written wrongly, or one not started)."""
    request = check_request(year_text, today, author, "1.0", today, session=session)
    council_id = acting_council(session)
    council = session.get(Council, council_id) if council_id is not None else None
    name = council.name if council is not None else fallback_council
    # A deployment that names no council record is named in the file by its council name.
    short_name = (council.short_name if council is not None
                  else re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "council")
    try:
        data = build_report_data(session, request.year, request.cover_date, request.author,
                                 council=name, version=request.version,
                                 action_plan_id=request.action_plan_id, edition=request.edition)
    except ReportInputError as error:
        raise ServiceError(str(error)) from None
    return CoveringReport(covering_report_docx(data, council=name, author=request.author),
                          download_name(short_name, data))
