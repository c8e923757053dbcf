"""Office documents (XLSX, DOCX) are zip archives, and zipfile dates each entry by the clock;
rewritten with one fixed date, the same document gives the same bytes and the same checksum."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime


def repeatable_zip(raw: bytes, stamp: datetime) -> bytes:
    """Rewrite the archive with every entry dated `stamp`: zipfile otherwise stamps the clock."""
    date_time = (max(stamp.year, 1980), stamp.month, stamp.day, 0, 0, 0)
    output = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, \
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=date_time)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            target.writestr(entry, source.read(info.filename))
    return output.getvalue()
