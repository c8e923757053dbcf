"""Signing a PDF with the council's certificate, and checking a signed PDF (pyHanko).

The signature is PAdES (ETSI.CAdES.detached) in an invisible field named "Approval": it covers
every byte of the file but its own /Contents, so a reader shows who signed and whether anything
changed since. The certificate is the caller's (a PKCS#12 bundle or a PEM key and certificate,
from config); no trusted timestamp is asked for, as that needs a timestamp server on the
network, so the signing time is the one the signer states.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyhanko.keys import load_certs_from_pemder_data
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

SIGNATURE_FIELD = "Approval"


class SigningSetupError(Exception):
    """The signing key or certificate cannot be loaded; the message says which file."""


@dataclass(frozen=True)
class SignatureCheck:
    """What a signed PDF says about itself.

    intact: the signed bytes are unchanged. trusted: the certificate chains to one of the
    trusted roots. valid: both, and nothing was added to the file after signing that the
    signature does not allow. signer_name is the certificate's common name.
    """

    intact: bool
    trusted: bool
    valid: bool
    signer_name: str | None
    signed_at: datetime | None


NOT_SIGNED = SignatureCheck(intact=False, trusted=False, valid=False, signer_name=None,
                            signed_at=None)


def load_pkcs12(path: Path | str, passphrase: str | None) -> signers.Signer:
    """The signer in a PKCS#12 (.p12, .pfx) bundle: its key, certificate and any CA chain."""
    try:
        data = Path(path).read_bytes()
        return signers.SimpleSigner.load_pkcs12_data(
            data, other_certs=(), passphrase=passphrase.encode() if passphrase else None)
    except (OSError, ValueError) as error:
        raise SigningSetupError(
            f"cannot read the signing certificate bundle {path}: wrong passphrase, "
            "or not a PKCS#12 file") from error


def load_pem(key_path: Path | str, cert_path: Path | str, *, passphrase: str | None = None,
             chain_paths: Iterable[Path | str] = ()) -> signers.Signer:
    """The signer from a PEM (or DER) private key and certificate, with any intermediate
    certificates a reader needs to reach the root."""
    chain = [str(path) for path in chain_paths]
    # pyHanko logs and returns None (not raises) when a file cannot be read.
    signer = signers.SimpleSigner.load(
        str(key_path), str(cert_path), ca_chain_files=chain or None,
        key_passphrase=passphrase.encode() if passphrase else None)
    if signer is None:
        raise SigningSetupError(
            f"cannot read the signing key {key_path} or certificate {cert_path}")
    return signer


class _SignerAt(signers.PdfSigner):
    """A PdfSigner whose signing time is given, not read from the clock.

    pyHanko's sign_pdf takes no signing time (its issue #569 asks for one); the signing
    session's system_time is what it writes to both the signature dictionary's /M and the
    CMS signing-time attribute, so it is set there.
    """

    def __init__(self, signature_meta, signer, *, signed_at: datetime):
        super().__init__(signature_meta, signer=signer)
        self._signed_at = signed_at

    def init_signing_session(self, pdf_out, existing_fields_only=False):
        session = super().init_signing_session(pdf_out, existing_fields_only)
        session.system_time = self._signed_at
        return session


def sign_pdf(pdf: bytes, signer: signers.Signer, *, reason: str, signed_at: datetime,
             location: str | None = None) -> bytes:
    """The PDF with a PAdES signature by `signer` added as an incremental update, dated
    `signed_at` (naive means UTC). The signature's name is the certificate's common name."""
    if signed_at.tzinfo is None:
        signed_at = signed_at.replace(tzinfo=UTC)
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD, reason=reason, location=location,
        name=_common_name(signer.signing_cert),
        subfilter=fields.SigSeedSubFilter.PADES)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    output = _outside_any_event_loop(_SignerAt(metadata, signer, signed_at=signed_at).sign_pdf,
                                     writer)
    return output.getvalue()


def validate_signature(pdf: bytes, trust_roots: Iterable[bytes]) -> SignatureCheck:
    """Check the PDF's last signature against the trusted root certificates (each PEM, which
may hold several, or DER).

    Revocation lists are not fetched: the service has no route to the certificate issuer's
    servers, so revocation is checked only if the signature carries its own evidence.
    """
    reader = PdfFileReader(io.BytesIO(pdf))
    if not reader.embedded_signatures:
        return NOT_SIGNED
    roots = [cert for data in trust_roots for cert in load_certs_from_pemder_data(data)]
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    status = _outside_any_event_loop(validate_pdf_signature, reader.embedded_signatures[-1],
                                     signer_validation_context=context)
    return SignatureCheck(
        intact=status.intact, trusted=status.trusted, valid=status.bottom_line,
        signer_name=_common_name(status.signing_cert),
        signed_at=status.signer_reported_dt)


def _outside_any_event_loop(function, *args, **kwargs):
    """pyHanko works in asyncio, and its blocking calls start their own event loop, which
    asyncio refuses in a thread that already runs one (a Playwright browser open in the same
    process, an asynchronous server). There the call runs in a short-lived thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def _common_name(certificate) -> str | None:
    return certificate.subject.native.get("common_name")
