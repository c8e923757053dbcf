"""A list's rows sent as a CSV or XLSX download, every cell through infrastructure/spreadsheets."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from flask import Response

from supplier_dd.infrastructure.spreadsheets import CsvWriter, write_table
from supplier_dd.web.council_scope import stream_for_council

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Sent to the browser in pieces about this size, so a long list never sits whole in memory.
CSV_CHUNK_CHARACTERS = 64_000


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f"attachment; filename={filename}"}


def csv_download(columns: Sequence[str], rows: Iterable[Sequence], filename: str) -> Response:
    """`rows` is read lazily while the response streams (inside the request's context)."""

    def chunks():
        buffer = io.StringIO()
        writer = CsvWriter(buffer, byte_order_mark=True)
        writer.writerow(columns)
        for values in rows:
            writer.writerow(values)
            if buffer.tell() > CSV_CHUNK_CHARACTERS:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_for_council(chunks()), mimetype="text/csv",
                    headers=_attachment(filename))


def xlsx_download(columns: Sequence[str], rows: Iterable[Sequence], filename: str,
                  sheet_title: str) -> Response:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    write_table(sheet, columns, rows)
    output = io.BytesIO()
    workbook.save(output)
    return Response(output.getvalue(), mimetype=XLSX_MIMETYPE, headers=_attachment(filename))
