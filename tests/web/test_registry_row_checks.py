"""A statement registry row that cannot be right is skipped and listed with its row number and
reason, as the upload page promises ("Rows the registry published with errors are skipped and
listed; the rest are imported"), on SQLite and PostgreSQL (issue 21)."""

from __future__ import annotations

from sqlalchemy import select

from supplier_dd.models import RegistryStatement
from tests.factories import PASSWORD, make_user
from tests.import_files import REGISTRY_HEADERS, csv_bytes, registry_row
from tests.web.test_imports_web import post_form, text_of, upload

LAST_UPDATED = REGISTRY_HEADERS.index("LastUpdated")


def _with_last_updated(row: list, value: str) -> list:
    row[LAST_UPDATED] = value
    return row


BAD_ROWS = [
    # (row as the file has it, what the officer is told)
    (registry_row(year=2026, name="Backwards Dates Ltd", start="2026-03-31", end="2025-04-01"),
     "Row 3 (Backwards Dates Ltd): StatementEndDate 01/04/2025 is before StatementStartDate "
     "31/03/2026"),
    (registry_row(year=2026, name="Not A Link Ltd", url="see our website"),
     "Row 4 (Not A Link Ltd): StatementURL 'see our website' is not a web address, like "
     "https://www.example.co.uk/modern-slavery-statement"),
    (registry_row(year=2026, name="Script Link Ltd", url="javascript:alert(1)"),
     "Row 5 (Script Link Ltd): StatementURL 'javascript:alert(1)' is not a web address, like "
     "https://www.example.co.uk/modern-slavery-statement"),
    (registry_row(year=2026, name="Odd Turnover Ltd", turnover="About £40m"),
     "Row 6 (Odd Turnover Ltd): Turnover 'About £40m' is not one of the registry's turnover "
     "bands (Under £36 million, £36 million to £60 million, £60 million to £100 million, "
     "£100 million to £500 million, Over £500 million)"),
    (_with_last_updated(registry_row(year=2026, name="Garbled Update Ltd"), "yesterday"),
     "Row 7 (Garbled Update Ltd): LastUpdated 'yesterday' is not a date; use a format like "
     "31/03/2025 or 2025-03-31"),
]


def test_invalid_registry_rows_are_listed_with_their_reason_and_skipped(session, client):
    make_user(session, "admin", email="admin@example.org")
    session.commit()
    client.sign_in("admin@example.org", PASSWORD)
    good = registry_row(year=2026, name="Brightwater Cleaning Ltd", number="04567812",
                        start="2025-04-01", end="2026-03-31", approved="2026-09-10",
                        turnover="£36 million - £60 million")  # the band as a dash range
    rows = [good] + [row for row, _reason in BAD_ROWS]
    preview_url = upload(client, "/imports/registry", csv_bytes([REGISTRY_HEADERS, *rows]),
                         "StatementSummaries2026.csv").headers["Location"]

    preview = text_of(client.get(preview_url))
    assert "Rows skipped 5" in preview
    assert "New statements 1" in preview
    for _row, reason in BAD_ROWS:
        assert reason in preview

    token = preview_url.rsplit("/", 1)[1]
    assert post_form(client, preview_url, f"/imports/{token}/confirm").status_code == 302
    stored = session.scalars(select(RegistryStatement)).all()
    assert [(s.organisation_name, s.turnover_band) for s in stored] == [
        ("Brightwater Cleaning Ltd", "36m-60m")]
