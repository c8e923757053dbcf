"""Evidence files built to harm whoever handles them: a zip bomb is refused before anything is
stored, and every download keeps its own sandboxing policy under a name that matches what its
bytes are. Through the real upload form as a supplier, CSRF on, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import secrets
import tracemalloc
import zipfile
from functools import cache
from pathlib import Path

import docx
import pytest
from werkzeug.http import parse_options_header

from supplier_dd.models import AuditEntry, EvidenceFile
from supplier_dd.services.evidence import DOCX, EvidenceStore
from tests.declaration_helpers import (
    PDF_BYTES,
    STATEMENT_PAGE,
    add_declaration_records,
    all_form_values,
    declaration_of,
    make_request,
    start_declaration,
    supplier_with_contact,
    upload_statement,
)
from tests.factories import PASSWORD, make_user
from tests.helpers import text_of

MIB = 1024 * 1024
# What today's check looks for in a DOCX manifest, so only the sizes can give a bomb away.
MANIFEST_HEAD = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    b'content-types"><Override PartName="/word/document.xml" ContentType="application/'
    b'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
)
MANIFEST_TAIL = b"</Types>"
BOMB_INFLATES_TO = 256 * MIB
# A PDF to every PDF reader, and a page with a script to a browser that opens it as HTML.
POLYGLOT = PDF_BYTES + b"<html><body><script>document.title='ran'</script></body></html>\n"


@cache
def zip_bomb_docx() -> bytes:
    """About 250 KB whose [Content_Types].xml inflates to 256 MB of spaces (valid XML)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("[Content_Types].xml", "w") as manifest:
            manifest.write(MANIFEST_HEAD)
            padding = b" " * MIB
            for _ in range(BOMB_INFLATES_TO // MIB):
                manifest.write(padding)
            manifest.write(MANIFEST_TAIL)
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def docx_with_a_manifest_too_big_to_read() -> bytes:
    """A 2 MB manifest of random text, stored uncompressed: no ratio gives it away, only its
    size, which no real document's manifest comes near."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        filler = b"<!-- " + secrets.token_hex(MIB).encode() + b" -->"
        archive.writestr("[Content_Types].xml", MANIFEST_HEAD + filler + MANIFEST_TAIL)
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def real_word_document() -> bytes:
    document = docx.Document()
    document.add_heading("Modern slavery statement 2024 to 2025", level=1)
    for _ in range(40):
        document.add_paragraph("We audit every tier one supplier in a high-risk sector each year.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def declaration_id(client, session):
    supplier = supplier_with_contact(session, "Own Facilities Ltd", "own@supplier.example")
    request = make_request(session, supplier)
    session.commit()
    client.sign_in("own@supplier.example", PASSWORD)
    started = start_declaration(client, request.id)
    client.submit(f"/supplier/declarations/{started}/sections/s54/relevance", all_form_values())
    return started


def _store(app) -> EvidenceStore:
    return EvidenceStore(Path(app.config["SUPPLIER_DD_SETTINGS"].upload_dir))


def _stored_files(app) -> list[Path]:
    return [path for path in _store(app).root.rglob("*") if path.is_file()]


def _assert_refused_and_nothing_stored(response, message: str, app, session, declaration_id):
    assert response.status_code == 200
    body = text_of(response)
    assert "There is a problem" in body
    assert "The selected file cannot be opened safely" in body
    assert message in body
    assert session.query(EvidenceFile).count() == 0
    assert _stored_files(app) == []
    assert session.query(AuditEntry).filter_by(action="evidence.uploaded").count() == 0
    assert "s54_statement_file" not in (declaration_of(session, declaration_id).answers or {})


def test_a_zip_bomb_is_refused_without_being_inflated_and_nothing_is_stored(
        client, session, app, declaration_id):
    bomb = zip_bomb_docx()
    assert len(bomb) < MIB  # small enough for any upload limit
    tracemalloc.start()
    try:
        response = upload_statement(client, declaration_id, bomb, "statement.docx")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    _assert_refused_and_nothing_stored(response, "more than 100 times", app, session,
                                       declaration_id)
    # The worker never holds the inflated part: at most the capped read, not 256 MB.
    assert peak < 32 * MIB, f"the upload took {peak / MIB:.0f} MB of memory"


def test_an_archive_part_bigger_than_the_cap_is_refused_though_it_barely_compresses(
        client, session, app, declaration_id):
    response = upload_statement(client, declaration_id, docx_with_a_manifest_too_big_to_read(),
                                "statement.docx")
    _assert_refused_and_nothing_stored(response, "larger than 1MB", app, session, declaration_id)


def test_a_real_word_document_still_uploads(client, session, declaration_id):
    content = real_word_document()
    response = upload_statement(client, declaration_id, content, "statement.docx")
    assert response.status_code == 302
    record = session.query(EvidenceFile).one()
    assert record.content_type == DOCX
    assert record.original_filename == "statement.docx"
    download = client.get(f"/supplier/declarations/{declaration_id}/evidence/{record.id}")
    assert download.data == content


def _download_policy_and_name(response) -> tuple[str, str]:
    assert response.status_code == 200
    disposition, options = parse_options_header(response.headers["Content-Disposition"])
    assert disposition == "attachment"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    return response.headers["Content-Security-Policy"], options["filename"]


def _assert_download_policy(policy: str) -> None:
    directives = {part.strip() for part in policy.split(";")}
    assert "sandbox" in directives
    assert "default-src 'none'" in directives
    assert not any("'self'" in directive for directive in directives), policy


def test_a_download_keeps_its_sandbox_policy_and_is_named_by_its_detected_type(
        client, session, app, declaration_id):
    assert upload_statement(client, declaration_id, POLYGLOT, "statement.html").status_code == 302
    record = session.query(EvidenceFile).one()
    assert record.content_type == "application/pdf"
    assert "statement.pdf" in text_of(client.get(STATEMENT_PAGE.format(id=declaration_id)))
    url = f"/supplier/declarations/{declaration_id}/evidence/{record.id}"
    download = client.get(url)
    policy, filename = _download_policy_and_name(download)
    _assert_download_policy(policy)
    assert filename == "statement.pdf"
    assert download.mimetype == "application/pdf"
    assert download.data == POLYGLOT

    # A file stored under its uploaded name before names followed content is offered the same.
    earlier = EvidenceFile(
        declaration_id=declaration_id, question_id=record.question_id,
        original_filename="statement.html", stored_name=_store(app).write(POLYGLOT),
        content_type=record.content_type, size_bytes=record.size_bytes, sha256=record.sha256,
        uploaded_at=record.uploaded_at,
    )
    session.add(earlier)
    session.commit()
    earlier_url = f"/supplier/declarations/{declaration_id}/evidence/{earlier.id}"
    assert _download_policy_and_name(client.get(earlier_url))[1] == "statement.pdf"


def test_an_officers_download_keeps_the_same_sandbox_policy(client, session):
    supplier = supplier_with_contact(session, "Submitted Ltd", "submitted@supplier.example")
    records = add_declaration_records(session, supplier)
    make_user(session, "officer", email="officer@example.org")
    session.commit()
    client.sign_in("officer@example.org", PASSWORD)
    download = client.get(f"/officer/declarations/{records['other_declaration']}"
                          f"/evidence/{records['other_evidence']}")
    policy, filename = _download_policy_and_name(download)
    _assert_download_policy(policy)
    assert filename == "statement.pdf"


def test_pages_keep_the_site_policy(client, declaration_id):
    policy = client.get(STATEMENT_PAGE.format(id=declaration_id)).headers[
        "Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "sandbox" not in policy
