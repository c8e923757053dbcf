"""Writing the spreadsheets the service hands out (CSV and XLSX): every cell goes through here.

Text stays text. openpyxl turns any string starting with '=' into a formula (a supplier named
"=cmd|' /C calc'!A0" would be a DDE payload in the Cabinet pack), so XLSX text cells are stored
with the string type set explicitly: they read back exactly as written. CSV has no types, so a
text cell starting with = + - @ tab or carriage return gets a leading apostrophe, which Excel and
LibreOffice read as "this is text" (the OWASP advice for CSV injection); the csv module already
quotes any cell holding a delimiter, quote or line break, so no cell can start a new one.
(defusedcsv does the same for CSV but leaves tab and carriage return, and rewrites '|' inside
the text.)

Characters XML cannot hold (the C0 controls other than tab and line breaks) are dropped from
both, so a control character already stored in a name never stops an export or a pack: the forms
refuse new ones (domain/control_characters.py).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import TextIO

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sheet_text(text: str) -> str:
    """Text as a spreadsheet can hold it (also for workbook properties such as the author)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def csv_value(value):
    if not isinstance(value, str):
        return value
    text = sheet_text(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CsvWriter:
    """csv.writer whose every cell is made safe to open in a spreadsheet program."""

    def __init__(self, stream: TextIO):
        self._writer = csv.writer(stream)

    def writerow(self, values: Iterable) -> None:
        self._writer.writerow([csv_value(value) for value in values])


def xlsx_cell(sheet: WriteOnlyWorksheet, value) -> WriteOnlyCell:
    """A cell for a write-only sheet; text is stored as text, never as a formula or error."""
    if not isinstance(value, str):
        return WriteOnlyCell(sheet, value=value)
    cell = WriteOnlyCell(sheet, value=sheet_text(value))
    cell.data_type = "s"  # openpyxl guessed 'f' for '=...' and 'e' for '#N/A'
    return cell


def xlsx_row(sheet: WriteOnlyWorksheet, values: Iterable) -> list:
    """A row for sheet.append: text as cells (above), other values as they are, which is
    quicker for long sheets of numbers and dates."""
    return [xlsx_cell(sheet, value) if isinstance(value, str) else value for value in values]
