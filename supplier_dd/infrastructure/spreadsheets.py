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

An XLSX list opens as an officer would want it (`write_table`): a bold header row that stays in
view (frozen) with a filter on every column, dates as real dates shown day first, numbers as
numbers. A CSV export starts with a UTF-8 byte order mark, without which Excel on Windows reads
the file in the PC's legacy code page ('Société' becomes 'SociÃ©tÃ©'); LibreOffice and Python's
'utf-8-sig' read it as the encoding signature it is.

Identifiers made of digits (a Companies House number such as 01234567) are text in XLSX. In a
CSV both Excel and LibreOffice turn any field of digits into a number on opening, quoted or not,
so 01234567 would show as 1234567. What else is done elsewhere does not fit here: ="01234567"
is a formula (LibreOffice only evaluates it when asked, and it defeats the rule above that no
cell starts with '='); a leading apostrophe or tab is shown in the cell (and a tab is a formula
start); a note line breaks the header row every CSV reader expects. So an `Identifier` of digits
that a spreadsheet would change (a leading zero, or more than 15 digits) is written after a
WORD JOINER (U+2060): a character both programs then read as text, and, being a default-ignorable
code point, one that no font draws. The importers strip it again (domain/organisations).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TextIO

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BYTE_ORDER_MARK = "\ufeff"
WORD_JOINER = "\u2060"
DATE_FORMAT = "dd/mm/yyyy"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
HEADER_FONT = Font(bold=True)
# Excel keeps 15 significant digits; a longer run of digits read as a number loses the rest.
_EXCEL_DIGITS = 15


class Identifier(str):
    """Text that only looks like a number (a Companies House number): kept exactly as written."""


def _changed_by_a_spreadsheet(text: str) -> bool:
    return text.isdigit() and (text.startswith("0") or len(text) > _EXCEL_DIGITS)


def sheet_text(text: str) -> str:
    """Text as a spreadsheet can hold it (also for workbook properties such as the author)."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def csv_value(value):
    if not isinstance(value, str):
        return value
    text = sheet_text(value)
    if isinstance(value, Identifier) and _changed_by_a_spreadsheet(text):
        return WORD_JOINER + text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class CsvWriter:
    """csv.writer whose every cell is made safe to open in a spreadsheet program. With
    `byte_order_mark`, the stream starts with one (see above): for a file a person opens."""

    def __init__(self, stream: TextIO, *, byte_order_mark: bool = False):
        if byte_order_mark:
            stream.write(BYTE_ORDER_MARK)
        self._writer = csv.writer(stream)

    def writerow(self, values: Iterable) -> None:
        self._writer.writerow([csv_value(value) for value in values])


def xlsx_cell(sheet: WriteOnlyWorksheet, value) -> WriteOnlyCell:
    """A cell for a write-only sheet; text is stored as text, never as a formula or error, and
    a date as a date shown day first."""
    if not isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, date):
            cell.number_format = DATETIME_FORMAT if isinstance(value, datetime) else DATE_FORMAT
        return cell
    cell = WriteOnlyCell(sheet, value=sheet_text(value))
    cell.data_type = "s"  # openpyxl guessed 'f' for '=...' and 'e' for '#N/A'
    return cell


def xlsx_row(sheet: WriteOnlyWorksheet, values: Iterable) -> list:
    """A row for sheet.append: text and dates as cells (above), numbers as they are, which is
    quicker for long sheets of numbers."""
    return [xlsx_cell(sheet, value) if isinstance(value, str | date) else value
            for value in values]


def xlsx_header(sheet: WriteOnlyWorksheet, labels: Iterable[str]) -> list:
    """A header row for sheet.append: bold text."""
    cells = [xlsx_cell(sheet, label) for label in labels]
    for cell in cells:
        cell.font = HEADER_FONT
    return cells


def freeze_header(sheet: WriteOnlyWorksheet, header_row: int) -> None:
    """Keep rows up to `header_row` in view. Call before the sheet's first row is appended: a
    write-only sheet writes its view first."""
    sheet.freeze_panes = f"A{header_row + 1}"


def filter_table(sheet: WriteOnlyWorksheet, header_row: int, last_row: int, width: int) -> None:
    """An autofilter from the header over the rows below it (set once they are written)."""
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(max(width, 1))}{last_row}"


def write_table(sheet: WriteOnlyWorksheet, columns: Sequence[str],
                rows: Iterable[Sequence]) -> int:
    """A sheet holding one list: bold frozen header, a filter over every column, typed cells.
    Returns how many data rows were written."""
    freeze_header(sheet, 1)
    sheet.append(xlsx_header(sheet, columns))
    count = 0
    for values in rows:
        sheet.append(xlsx_row(sheet, values))
        count += 1
    filter_table(sheet, 1, count + 1, len(columns))
    return count
