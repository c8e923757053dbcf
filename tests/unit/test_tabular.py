"""Reading uploaded files: CSV flavours Excel writes, XLSX, and files that are neither."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from supplier_dd.infrastructure import tabular
from tests.import_files import csv_bytes, write_xlsx


def rows_of(path):
    return list(tabular.iter_rows(path))


def test_csv_with_bom_crlf_and_a_quoted_multi_line_cell(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes([["Reference", "Title"], ["C-1", "Cleaning\r\nall sites"],
                                ["C-2", 'He said "yes", twice']], bom=True, line_ending="\r\n"))
    assert rows_of(path) == [
        (1, ["Reference", "Title"]),
        (2, ["C-1", "Cleaning\r\nall sites"]),
        (3, ["C-2", 'He said "yes", twice']),
    ]


def test_windows_1252_csv_from_excel_is_read(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(csv_bytes([["Reference", "Value"], ["C-1", "£1,200"]], bom=False,
                               encoding="cp1252"))
    assert rows_of(path)[1] == (2, ["C-1", "£1,200"])


def test_semicolon_separated_csv(tmp_path):
    path = tmp_path / "register.csv"
    path.write_bytes(b"Reference;Title\nC-1;Cleaning\n")
    assert rows_of(path) == [(1, ["Reference", "Title"]), (2, ["C-1", "Cleaning"])]


def test_xlsx_is_read_by_content_not_by_name(tmp_path):
    path = write_xlsx(tmp_path / "register.csv", [
        ["Reference", "Start Date", "Value"],
        ["C-1", dt.datetime(2024, 4, 1), 1200.5],
    ])
    assert tabular.sniff_kind(path) == tabular.XLSX
    assert rows_of(path) == [(1, ["Reference", "Start Date", "Value"]),
                             (2, ["C-1", dt.datetime(2024, 4, 1), 1200.5])]


@pytest.mark.parametrize("content, message", [
    (b"", "The file is empty."),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, r"old Excel format \(\.xls\)"),
    (b"%PDF-1.7\n%\xe2\xe3", "The file is a PDF"),
    (b"MZ\x90\x00\x03\x00\x00\x00", "not a spreadsheet or text file"),
])
def test_files_that_are_not_tables_are_refused_with_a_reason(tmp_path, content, message):
    path = tmp_path / "register.csv"
    path.write_bytes(content)
    with pytest.raises(tabular.TableFileError, match=message):
        tabular.sniff_kind(path)


def test_a_zip_that_is_not_a_workbook_is_refused(tmp_path):
    path = tmp_path / "register.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(tabular.TableFileError, match="ZIP archive, not an Excel workbook"):
        tabular.sniff_kind(path)
