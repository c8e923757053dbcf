"""A report signed with the council's certificate checks out: intact, trusted, by the named
signer at the stated time; a changed byte, or a certificate from another authority, does not."""

from __future__ import annotations

import asyncio
import io
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pikepdf
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from supplier_dd.infrastructure.accessible_pdf import render_pdf
from supplier_dd.infrastructure.pdf_signing import (
    NOT_SIGNED,
    SigningSetupError,
    load_pem,
    load_pkcs12,
    sign_pdf,
    validate_signature,
)

SIGNED_AT = datetime(2025, 4, 2, 14, 5, tzinfo=UTC)
SIGNER = "Westshire District Council"
PASSPHRASE = "correct horse battery staple"
# Fixed validity around the signing time, so the test never depends on today's date, up to 2040.
NOT_BEFORE = datetime(2024, 1, 1, tzinfo=UTC)
NOT_AFTER = datetime(2040, 1, 1, tzinfo=UTC)

REPORT = """<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>Modern slavery annual report</title></head>
<body><h1>Modern slavery annual report</h1><p>152 declarations returned.</p></body></html>"""


@dataclass(frozen=True)
class Authority:
    """A throwaway certificate authority and one signing certificate it issued."""

    root_pem: bytes
    root_cert: x509.Certificate
    signing_key: ec.EllipticCurvePrivateKey
    signing_cert: x509.Certificate


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(subject: str, public_key, issuer: str, issuer_key, *, ca: bool):
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject)).issuer_name(_name(issuer))
        .public_key(public_key).serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE).not_valid_after(NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(
            digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
            data_encipherment=False, key_agreement=False, key_cert_sign=ca, crl_sign=ca,
            encipher_only=False, decipher_only=False), critical=True)
    )
    return builder.sign(issuer_key, hashes.SHA256())


def make_authority(root_name: str) -> Authority:
    root_key = ec.generate_private_key(ec.SECP256R1())
    root = _certificate(root_name, root_key.public_key(), root_name, root_key, ca=True)
    signing_key = ec.generate_private_key(ec.SECP256R1())
    signing = _certificate(SIGNER, signing_key.public_key(), root_name, root_key, ca=False)
    return Authority(root.public_bytes(serialization.Encoding.PEM), root, signing_key, signing)


def write_pkcs12(authority: Authority, path: Path) -> Path:
    path.write_bytes(pkcs12.serialize_key_and_certificates(
        b"signing", authority.signing_key, authority.signing_cert, [authority.root_cert],
        serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    return path


@pytest.fixture(scope="module")
def council_ca() -> Authority:
    return make_authority("Westshire Test Root CA")


@pytest.fixture(scope="module")
def report() -> bytes:
    return render_pdf(REPORT, base_url=None, created=datetime(2025, 4, 1, 9, 0))


@pytest.fixture
def signed(council_ca, report, tmp_path) -> bytes:
    signer = load_pkcs12(write_pkcs12(council_ca, tmp_path / "signing.p12"), PASSPHRASE)
    return sign_pdf(report, signer, reason="Approved by the Cabinet", signed_at=SIGNED_AT)


def test_a_signed_report_is_intact_trusted_and_names_its_signer(signed, council_ca):
    check = validate_signature(signed, [council_ca.root_pem])
    assert (check.intact, check.trusted, check.valid) == (True, True, True)
    assert check.signer_name == SIGNER
    assert check.signed_at == SIGNED_AT

    with pikepdf.open(io.BytesIO(signed)) as document:
        signature = document.Root.AcroForm.Fields[0]
        assert str(signature.T) == "Approval"
        assert str(signature.V.Reason) == "Approved by the Cabinet"
        assert str(signature.V.Name) == SIGNER
        assert str(signature.V.SubFilter) == "/ETSI.CAdES.detached"
        assert str(signature.V.M).startswith("D:20250402140500")
        # Signing adds to the file: the report is still tagged for screen readers.
        assert document.Root.MarkInfo.Marked is True and "/StructTreeRoot" in document.Root


def test_signing_and_checking_work_in_a_thread_that_runs_an_event_loop(council_ca, report,
                                                                      tmp_path):
    """pyHanko's blocking calls start an event loop of their own, which asyncio refuses where
    one already runs (a browser driven from the same process, an asynchronous server): the
    approval must still be signed there, and the signature checked."""
    signer = load_pkcs12(write_pkcs12(council_ca, tmp_path / "signing.p12"), PASSPHRASE)

    async def approve_inside_a_running_loop():
        signed = sign_pdf(report, signer, reason="Approved by the Cabinet", signed_at=SIGNED_AT)
        return validate_signature(signed, [council_ca.root_pem])

    # The loop runs in a thread of the test's own: the worker's main thread may already run
    # one (a Playwright browser left open by an earlier test), where asyncio.run is refused.
    with ThreadPoolExecutor(max_workers=1) as pool:
        check = pool.submit(asyncio.run, approve_inside_a_running_loop()).result()
    assert (check.intact, check.trusted, check.valid) == (True, True, True)
    assert check.signed_at == SIGNED_AT


def test_a_pem_key_and_certificate_sign_as_well(council_ca, report, tmp_path):
    key = tmp_path / "signing-key.pem"
    key.write_bytes(council_ca.signing_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(PASSPHRASE.encode())))
    cert = tmp_path / "signing-cert.pem"
    cert.write_bytes(council_ca.signing_cert.public_bytes(serialization.Encoding.PEM))
    signer = load_pem(key, cert, passphrase=PASSPHRASE)
    signed = sign_pdf(report, signer, reason="Approved", signed_at=SIGNED_AT)
    assert validate_signature(signed, [council_ca.root_pem]).valid


def _signed_range_end(pdf: bytes) -> int:
    """Where the first signed byte range ends (the signature's /Contents begins)."""
    start, length = map(int, re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)", pdf).groups())
    return start + length


def _page_content_offset(pdf: bytes) -> int:
    """An offset inside the first page's content stream."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        number = document.pages[0].obj.Contents.objgen[0]
    header = re.search(rb"(?<!\d)%d 0 obj" % number, pdf)
    return pdf.index(b"stream", header.end()) + len(b"stream\n") + 10


def test_a_changed_byte_in_the_page_breaks_the_signature(signed, council_ca):
    offset = _page_content_offset(signed)
    assert offset < _signed_range_end(signed)
    tampered = bytearray(signed)
    tampered[offset] ^= 0x01
    check = validate_signature(bytes(tampered), [council_ca.root_pem])
    assert check.intact is False
    assert check.valid is False


def test_a_certificate_from_another_authority_is_not_trusted(report, council_ca, tmp_path):
    stranger = make_authority("Someone Else's Root CA")
    signer = load_pkcs12(write_pkcs12(stranger, tmp_path / "stranger.p12"), PASSPHRASE)
    signed = sign_pdf(report, signer, reason="Approved", signed_at=SIGNED_AT)
    check = validate_signature(signed, [council_ca.root_pem])
    assert check.intact is True
    assert check.trusted is False
    assert check.valid is False
    # The same file checks out against its own root: only the trust differs.
    assert validate_signature(signed, [stranger.root_pem]).valid


def test_an_unsigned_report_is_not_valid(report, council_ca):
    assert validate_signature(report, [council_ca.root_pem]) == NOT_SIGNED


def test_a_wrong_passphrase_says_which_file(council_ca, tmp_path):
    bundle = write_pkcs12(council_ca, tmp_path / "signing.p12")
    with pytest.raises(SigningSetupError, match="signing.p12"):
        load_pkcs12(bundle, "not the passphrase")
    with pytest.raises(SigningSetupError, match="missing-key.pem"):
        load_pem(tmp_path / "missing-key.pem", tmp_path / "missing-cert.pem")
