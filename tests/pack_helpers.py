"""A finished Cabinet pack run for tests, built as the background job builds it."""

from __future__ import annotations

from datetime import date

from flask import current_app

from supplier_dd.models import CabinetPackRun, Council
from supplier_dd.models.base import utcnow
from supplier_dd.models.cabinet_pack import PACK_KINDS
from supplier_dd.models.tenancy import acting_for
from supplier_dd.services.cabinet_packs import check_request, generate, start_run


def pack_run(session, council_id: int, year: str, cover_date: date, *, version: str = "1.0",
             kinds=PACK_KINDS, finished: bool = True) -> CabinetPackRun:
    """The council's pack for `year` as legal would ask for it (its current plan, the year's
    edition), by Helen Marsh; built and stored unless `finished` is false. Committed."""
    with acting_for(session, council_id):
        request = check_request(year, cover_date, "Helen Marsh", version, utcnow().date(),
                                session=session)
        run = start_run(session, request, None, "Helen Marsh", utcnow())
        if finished:
            generate(session, run, upload_dir=current_app.config["SUPPLIER_DD_SETTINGS"]
                     .upload_dir, council=session.get(Council, council_id).name, now=utcnow,
                     kinds=kinds)
    session.commit()
    return run
