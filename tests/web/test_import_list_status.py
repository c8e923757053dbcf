"""The imports page lists each upload with what became of it (issue 21): a contracts file that
cannot be imported as it is says "Failed" and why, instead of waiting for a confirmation that
can never come. On SQLite and PostgreSQL."""

from __future__ import annotations

import re

from tests.import_files import csv_bytes, register_rows
from tests.web.test_imports_web import CONTRACTS, officer, upload  # noqa: F401


def _status_cell(page_html: str, filename: str) -> str:
    row = re.search(rf"<tr[^>]*>(?:(?!</tr>).)*{re.escape(filename)}(?:(?!</tr>).)*</tr>",
                    page_html, re.S)
    assert row, f"{filename} is not listed"
    return text_of_html(row.group(0))


def text_of_html(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def test_a_contracts_file_with_bad_rows_is_listed_as_failed_with_its_reason(officer):  # noqa: F811
    rows = register_rows([CONTRACTS[0], dict(CONTRACTS[1], start="30/02/2025")])
    upload(officer, "/imports/contracts", csv_bytes(rows), "bad-register.csv")
    upload(officer, "/imports/contracts", csv_bytes(register_rows(CONTRACTS)),
           "good-register.csv")

    page = officer.get("/imports").get_data(as_text=True)
    bad = _status_cell(page, "bad-register.csv")
    assert "Failed" in bad and "Waiting for confirmation" not in bad
    assert "1 row has a problem. Row 3 (contract NHDC-2)" in bad
    assert "Waiting for confirmation" in _status_cell(page, "good-register.csv")
