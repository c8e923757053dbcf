"""The Transparency Statement's PDF edition (issue 19), made once, when the statement is
approved: the print edition's HTML (templates/statements/print.html) as a tagged PDF/UA
document, signed with the deployment's certificate when one is set up, stored under
<upload_dir>/statements with its SHA-256 on the statement's row.

The PDF is dated the moment the approval was recorded, not when it is built, so rebuilding an
approved version from its frozen content gives the same bytes before signing: anyone holding
the unsigned SHA-256 can check a rebuild against it. The signature is dated the approval too.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from supplier_dd.config import Settings
from supplier_dd.infrastructure.accessible_pdf import PdfRenderError, render_pdf
from supplier_dd.infrastructure.pdf_signing import SigningSetupError, load_pkcs12, sign_pdf
from supplier_dd.models import Council, TransparencyStatement
from supplier_dd.services import ServiceError
from supplier_dd.services.statements import public_year

STATEMENT_FOLDER = "statements"
MEDIA_TYPE = "application/pdf"


class StoredPdfChanged(ServiceError):
    """The stored PDF is missing or no longer has the SHA-256 recorded at approval."""


def statement_folder(upload_dir: str) -> Path:
    folder = Path(upload_dir) / STATEMENT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def unsigned_pdf(html: str, base_url: str, statement: TransparencyStatement) -> bytes:
    """The print edition as a tagged PDF, dated when the approval was recorded."""
    if statement.approval_recorded_at is None:
        raise ServiceError("Only an approved statement has a PDF edition")
    try:
        return render_pdf(html, base_url=base_url, created=statement.approval_recorded_at)
    except PdfRenderError as error:
        raise ServiceError(f"The statement's PDF cannot be made: {error}") from error


def signing_reason(statement: TransparencyStatement) -> str:
    return (f"Approved by {statement.approver_name}, {statement.approver_role}, under "
            f"{statement.decision_reference}")


def _signed(statement: TransparencyStatement, unsigned: bytes, settings: Settings,
            now: datetime) -> bytes | None:
    """The PDF signed with the deployment's certificate; None when none is set up."""
    if settings.signing_certificate is None:
        return None
    try:
        # Read at each approval: start-up checked it, but the file may have been replaced since.
        signer = load_pkcs12(settings.signing_certificate, settings.signing_passphrase)
    except SigningSetupError as error:
        raise ServiceError(f"The statement's PDF cannot be signed: {error}") from error
    return sign_pdf(unsigned, signer, reason=signing_reason(statement), signed_at=now)


def sign_and_store(session: Session, statement: TransparencyStatement, unsigned: bytes,
                   settings: Settings, now: datetime) -> None:
    """Sign the approved statement's PDF (if a certificate is set up), store it and record it
    on the statement, in the approval's transaction: the model lets these columns be filled
    once (models/statement.PDF_COLUMNS)."""
    if not statement.is_approved:
        raise ServiceError("Only an approved statement has a PDF edition")
    if statement.pdf_filename is not None:
        raise ServiceError("This statement's PDF is already stored: it never changes")
    signed = _signed(statement, unsigned, settings, now)
    content = unsigned if signed is None else signed
    stored_name = f"{secrets.token_hex(16)}.pdf"
    try:
        folder = statement_folder(settings.upload_dir)
        # Written beside the final name and renamed, so a half-written file is never served.
        partial = folder / f"{stored_name}.partial"
        partial.write_bytes(content)
        partial.replace(folder / stored_name)
    except OSError as error:
        raise ServiceError(f"The statement's PDF cannot be stored ({error.strerror})") from error
    statement.pdf_filename = stored_name
    statement.pdf_sha256 = hashlib.sha256(content).hexdigest()
    statement.pdf_unsigned_sha256 = hashlib.sha256(unsigned).hexdigest()
    statement.pdf_signed = signed is not None
    session.flush()


def discard_stored(upload_dir: str, stored_name: str) -> None:
    """Remove a PDF stored for an approval whose transaction did not commit: no row names it,
    so nothing would ever serve or clean it up."""
    (statement_folder(upload_dir) / stored_name).unlink(missing_ok=True)


def stored_pdf(upload_dir: str, statement: TransparencyStatement) -> bytes:
    """The stored PDF, refused unless it still has the SHA-256 recorded at approval."""
    try:
        content = (statement_folder(upload_dir) / statement.pdf_filename).read_bytes()
    except FileNotFoundError:
        raise StoredPdfChanged("The stored PDF of this statement is missing") from None
    if hashlib.sha256(content).hexdigest() != statement.pdf_sha256:
        raise StoredPdfChanged("The stored PDF of this statement has changed since it was "
                               "approved")
    return content


def download_name(council: Council, statement: TransparencyStatement) -> str:
    return (f"{council.short_name}-modern-slavery-transparency-statement-"
            f"{public_year(statement)}-v{statement.version}.pdf")
