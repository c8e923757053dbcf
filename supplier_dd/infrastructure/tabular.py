"""Streaming readers for uploaded spreadsheets: CSV (any Excel flavour) and XLSX.

Rows are read one at a time, so a 100,000-row register never sits in memory. The file type is
decided by its content, not its name. Problems a person can fix (an old .xls file, text that is
not UTF-8 or Windows-1252, a broken quote) raise TableFileError with a message that says how.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path

CSV = "csv"
XLSX = "xlsx"

# Registry summaries hold paragraphs in one cell; the csv module's default limit is 128 KB.
_FIELD_SIZE_LIMIT = 16 * 1024 * 1024
# Formatted but empty rows at the end of a worksheet can run to a million; stop well before.
_TRAILING_BLANK_ROWS = 1000
_CHUNK = 1024 * 1024


class TableFileError(ValueError):
    """The file cannot be read as a table; the message says what to do."""


def sniff_kind(path: Path | str) -> str:
    """CSV or XLSX, decided from the bytes. Anything else is refused with a reason."""
    with open(path, "rb") as handle:
        head = handle.read(64 * 1024)
    if not head.strip():
        raise TableFileError("The file is empty.")
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            raise TableFileError("The file looks like an Excel workbook but is damaged.") from None
        if "xl/workbook.xml" in names:
            return XLSX
        raise TableFileError(
            "The file is a ZIP archive, not an Excel workbook. Upload a .xlsx or .csv file."
        )
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise TableFileError(
            "The file is in the old Excel format (.xls). Open it in Excel and save it as "
            "'Excel Workbook (.xlsx)' or 'CSV UTF-8', then upload it again."
        )
    if head.startswith(b"%PDF"):
        raise TableFileError("The file is a PDF. Upload the register as a .xlsx or .csv file.")
    if b"\x00" in head:
        raise TableFileError(
            "The file is not a spreadsheet or text file. Upload a .xlsx or .csv file."
        )
    return CSV


def _csv_encoding(path: Path | str) -> str:
    """UTF-8 (with or without Excel's byte-order mark) if the whole file decodes, else the
    Windows-1252 that Excel's plain 'CSV' option writes (its '£' is not valid UTF-8)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def _delimiter(first_line: str) -> str:
    counts = {d: first_line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _csv_rows(path: Path | str) -> Iterator[tuple[int, list]]:
    csv.field_size_limit(max(csv.field_size_limit(), _FIELD_SIZE_LIMIT))
    encoding = _csv_encoding(path)
    try:
        with open(path, encoding=encoding, errors="strict", newline="") as handle:
            first_line = handle.readline()
            handle.seek(0)
            reader = csv.reader(handle, delimiter=_delimiter(first_line), strict=False)
            row_number = 0
            while True:
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as error:
                    raise TableFileError(
                        f"Row {row_number + 1} of the file could not be read ({error}). Check "
                        "its quotation marks, or save the file again from Excel as 'CSV UTF-8'."
                    ) from None
                row_number += 1
                yield row_number, row
    except UnicodeDecodeError:
        raise TableFileError(
            "The file's text could not be read. Save it from Excel as 'CSV UTF-8 (Comma "
            "delimited)' and upload it again."
        ) from None


def _xlsx_rows(path: Path | str) -> Iterator[tuple[int, list]]:
    from openpyxl import load_workbook

    # A file object, not the path: openpyxl judges a path by its extension, we by content.
    handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        handle.close()
        raise TableFileError(
            f"The Excel workbook could not be opened ({type(error).__name__}). Open it in "
            "Excel, save it again and upload it."
        ) from None
    try:
        sheet = workbook.active or workbook.worksheets[0]
        blank_run = 0
        for row_number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            values = list(row)
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
                blank_run += 1
                if blank_run >= _TRAILING_BLANK_ROWS:
                    return
            else:
                blank_run = 0
            yield row_number, values
    finally:
        workbook.close()
        handle.close()


def iter_rows(path: Path | str, kind: str | None = None) -> Iterator[tuple[int, list]]:
    """(row number as a spreadsheet shows it, cell values) for every row, header included."""
    kind = kind or sniff_kind(path)
    return _xlsx_rows(path) if kind == XLSX else _csv_rows(path)
