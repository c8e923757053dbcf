"""The Transparency Statement's PDF edition (issue 19): made when the statement is approved,
tagged so a screen reader can follow it, signed with the council's certificate (or stored
unsigned, and saying so, where none is set up), served to staff once approved and to anyone once
published, and never served if the stored file has changed."""

from __future__ import annotations

import hashlib
import io
import subprocess
from datetime import UTC

import pikepdf
import pytest
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError

from supplier_dd.config import ConfigError, load_settings
from supplier_dd.infrastructure.accessible_pdf import _structure_elements
from supplier_dd.infrastructure.pdf_signing import NOT_SIGNED, validate_signature
from supplier_dd.models import AuditEntry, Council
from supplier_dd.models.statement import ApprovedStatementChanged
from supplier_dd.reports.statement import StatementFigures
from supplier_dd.services import statement_pdf
from supplier_dd.web.statements import print_base_url, print_edition
from tests.helpers import text_of
from tests.unit.test_pdf_signing import (
    PASSPHRASE,
    SIGNER,
    _page_content_offset,
    _signed_range_end,
    make_authority,
    write_pkcs12,
)
from tests.web.test_statements import (  # noqa: F401 (staff is a fixture, used below)
    APPROVAL,
    NARRATIVES,
    approved_statement,
    post,
    signed_in,
    staff,
    start,
    statement_row,
    write,
)

# Every test has the council's staff to sign in as.
pytestmark = pytest.mark.usefixtures("staff")

TITLE = "Modern Slavery Transparency Statement 2025/26 (version 1)"


@pytest.fixture(scope="module")
def council_ca():
    return make_authority("Westshire Test Root CA")


@pytest.fixture
def app_env(tmp_path, council_ca):
    """The deployment signs with a certificate from the throwaway authority."""
    bundle = write_pkcs12(council_ca, tmp_path / "signing.p12")
    return {"SUPPLIER_DD_SIGNING_CERTIFICATE": str(bundle),
            "SUPPLIER_DD_SIGNING_PASSPHRASE": PASSPHRASE}


# No certificate: `app_env` given directly replaces the fixture above.
UNSIGNED = pytest.mark.parametrize("app_env", [{}], ids=["no certificate"])


def council_of(session) -> Council:
    return session.get(Council, 1)


def staff_pdf(app, statement_id: int):
    return signed_in(app, "officer").get(f"/reports/statements/{statement_id}/statement.pdf")


def public_pdf_path(session) -> str:
    return f"/statements/{council_of(session).short_name}/2025-26/v1.pdf"


def structure_kinds(pdf: bytes) -> dict[str, int]:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        root = document.Root.StructTreeRoot
        return {kind: sum(1 for _ in _structure_elements(root, f"/{kind}"))
                for kind in ("H1", "H2", "Table", "TH", "TD")}


def pdf_text(pdf: bytes) -> str:
    return " ".join(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                                   check=True).stdout.decode().split())


def test_the_approved_statement_is_a_tagged_pdf_with_its_content(app, session):
    statement_id = approved_statement(app, session)
    statement = statement_row(session, statement_id)
    response = staff_pdf(app, statement_id)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        f"attachment; filename={council_of(session).short_name}-modern-slavery-transparency-"
        "statement-2025-26-v1.pdf")
    pdf = response.get_data()
    assert hashlib.sha256(pdf).hexdigest() == statement.pdf_sha256
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert str(document.Root.Lang) == "en-GB"
        assert str(document.docinfo.Title) == f"{council_of(session).name} {TITLE}"
        assert document.Root.MarkInfo.Marked is True
    kinds = structure_kinds(pdf)
    # One title; contents, the six areas and the registry's fields as sections.
    assert kinds["H1"] == 1 and kinds["H2"] == 8
    assert kinds["Table"] >= 5 and kinds["TH"] > kinds["Table"] and kinds["TD"] > 0
    text = pdf_text(pdf)
    for paragraph in NARRATIVES.values():
        assert paragraph in text
    assert "Cllr Jane Smith, Leader of the Council" in text
    assert "1 April 2025 to 31 March 2026" in text
    assert statement.checksum in text
    first_ref = statement.figures["by_area"]["risk"][0]["ref"]
    assert f"{first_ref} " in text
    assert "Page 1 of" in text


def test_each_trend_chart_is_a_pdf_figure_whose_alternative_text_says_what_it_shows(
        app, session):
    statement_id = approved_statement(app, session)
    trends = StatementFigures.from_json(statement_row(session, statement_id).figures).trends
    assert len(trends) == 4
    with pikepdf.open(io.BytesIO(staff_pdf(app, statement_id).get_data())) as document:
        alternatives = [str(figure.get("/Alt", "")) for figure in
                        _structure_elements(document.Root.StructTreeRoot, "/Figure")]
    assert sorted(alternatives) == sorted(trend.text_alternative() for trend in trends)
    assert all(alternative.startswith(trend.title) for alternative, trend in zip(
        sorted(alternatives), sorted(trends, key=lambda t: t.text_alternative()), strict=True))


def test_the_pdf_is_signed_by_the_council_and_a_changed_byte_shows(app, session, council_ca):
    statement_id = approved_statement(app, session)
    statement = statement_row(session, statement_id)
    assert statement.pdf_signed is True
    pdf = staff_pdf(app, statement_id).get_data()
    check = validate_signature(pdf, [council_ca.root_pem])
    assert (check.intact, check.trusted, check.valid) == (True, True, True)
    assert check.signer_name == SIGNER
    assert check.signed_at == statement.approval_recorded_at.replace(microsecond=0,
                                                                     tzinfo=UTC)
    offset = _page_content_offset(pdf)
    assert offset < _signed_range_end(pdf)
    tampered = bytearray(pdf)
    tampered[offset] ^= 0x01
    assert validate_signature(bytes(tampered), [council_ca.root_pem]).intact is False
    page = text_of(signed_in(app, "officer").get(f"/reports/statements/{statement_id}"))
    assert "(PDF, tagged for accessibility, digitally signed)" in page


def test_rebuilding_the_approved_version_gives_the_same_unsigned_pdf(app, session):
    statement_id = approved_statement(app, session)
    statement = statement_row(session, statement_id)
    with app.test_request_context():
        html = print_edition(council_of(session), statement)
        rebuilt = statement_pdf.unsigned_pdf(html, print_base_url(), statement)
    assert hashlib.sha256(rebuilt).hexdigest() == statement.pdf_unsigned_sha256
    assert statement.pdf_unsigned_sha256 != statement.pdf_sha256  # signing added to it


def test_anyone_gets_the_same_pdf_once_published_and_not_before(app, session):
    statement_id = approved_statement(app, session)
    public = app.test_client()
    assert public.get(public_pdf_path(session)).status_code == 404
    assert post(signed_in(app, "legal"), f"/reports/statements/{statement_id}/publish"
                ).status_code == 302
    response = public.get(public_pdf_path(session))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.get_data() == staff_pdf(app, statement_id).get_data()
    page = public.get(f"/statements/{council_of(session).short_name}/2025-26")
    assert "(PDF, tagged for accessibility, digitally signed)" in text_of(page)
    assert f'href="{public_pdf_path(session)}"' in page.get_data(as_text=True)
    assert public.get(public_pdf_path(session).replace("v1", "v2")).status_code == 404


def test_a_draft_has_no_pdf(app, session):
    officer = signed_in(app, "officer")
    statement_id = start(officer)
    assert officer.get(f"/reports/statements/{statement_id}/statement.pdf").status_code == 404
    assert "PDF, tagged" not in text_of(officer.get(f"/reports/statements/{statement_id}"))


@UNSIGNED
def test_without_a_certificate_the_pdf_is_stored_unsigned_and_says_so(app, session):
    statement_id = approved_statement(app, session)
    statement = statement_row(session, statement_id)
    assert statement.pdf_signed is False
    assert statement.pdf_sha256 == statement.pdf_unsigned_sha256
    pdf = staff_pdf(app, statement_id).get_data()
    assert validate_signature(pdf, []) == NOT_SIGNED
    assert structure_kinds(pdf)["H1"] == 1
    page = text_of(signed_in(app, "officer").get(f"/reports/statements/{statement_id}"))
    assert "(PDF, tagged for accessibility, not signed)" in page
    assert "no signing certificate" in page
    post(signed_in(app, "legal"), f"/reports/statements/{statement_id}/publish")
    public = text_of(app.test_client().get(f"/statements/{council_of(session).short_name}/"
                                           "2025-26"))
    assert "(PDF, tagged for accessibility, not signed)" in public


def test_a_stored_pdf_that_has_changed_is_not_served(app, session):
    statement_id = approved_statement(app, session)
    post(signed_in(app, "legal"), f"/reports/statements/{statement_id}/publish")
    statement = statement_row(session, statement_id)
    stored = statement_pdf.statement_folder(app.config["SUPPLIER_DD_SETTINGS"].upload_dir) \
        / statement.pdf_filename
    stored.write_bytes(stored.read_bytes().replace(b"%%EOF", b"%%EOF\n% added", 1))
    for response in (staff_pdf(app, statement_id), app.test_client().get(
            public_pdf_path(session))):
        assert response.status_code == 409
        assert response.mimetype == "text/html"
        assert "has changed since it was approved" in text_of(response)
        assert "as a web page" in text_of(response)
    stored.unlink()
    response = staff_pdf(app, statement_id)
    assert response.status_code == 409 and "is missing" in text_of(response)


def test_a_pdf_that_cannot_be_made_approves_nothing(app, session, tmp_path):
    officer, legal = signed_in(app, "officer"), signed_in(app, "legal")
    statement_id = start(officer)
    write(officer, statement_id)
    post(officer, f"/reports/statements/{statement_id}/submit")
    # The certificate checked at start-up is replaced by something that is not one.
    (tmp_path / "signing.p12").write_bytes(b"not a certificate")
    response = legal.submit(f"/reports/statements/{statement_id}/approve", APPROVAL,
                            form_index=1)
    assert response.status_code == 200
    page = text_of(response)
    assert "cannot be signed" in page and "the approval is not recorded" in page
    statement = statement_row(session, statement_id)
    assert (statement.status, statement.checksum, statement.pdf_filename) == (
        "submitted", None, None)
    assert session.scalar(select(AuditEntry).where(
        AuditEntry.action == "statement.approved")) is None
    folder = statement_pdf.statement_folder(app.config["SUPPLIER_DD_SETTINGS"].upload_dir)
    assert list(folder.iterdir()) == []


def test_an_approval_the_database_cannot_save_leaves_no_pdf_behind(app, session):
    """The PDF is stored before the approval commits; if the commit fails (the database went
    away, say), the file no row names is removed and the statement stays submitted."""
    officer, legal = signed_in(app, "officer"), signed_in(app, "legal")
    statement_id = start(officer)
    write(officer, statement_id)
    post(officer, f"/reports/statements/{statement_id}/submit")
    from supplier_dd.extensions import db

    def database_gone(_session):
        raise OperationalError("COMMIT", {}, Exception("server closed the connection"))

    event.listen(db.session, "before_commit", database_gone)
    try:
        response = legal.submit(f"/reports/statements/{statement_id}/approve", APPROVAL,
                                form_index=1, follow_redirects=True)
    finally:
        event.remove(db.session, "before_commit", database_gone)
    assert "The approval could not be saved" in text_of(response)
    folder = statement_pdf.statement_folder(app.config["SUPPLIER_DD_SETTINGS"].upload_dir)
    assert list(folder.iterdir()) == []
    statement = statement_row(session, statement_id)
    assert (statement.status, statement.pdf_filename) == ("submitted", None)


def test_the_recorded_pdf_never_changes(app, session):
    statement = statement_row(session, approved_statement(app, session))
    statement.pdf_sha256 = "0" * 64
    with pytest.raises(ApprovedStatementChanged, match="pdf_sha256"):
        session.flush()
    session.rollback()
    statement = statement_row(session, statement.id)
    statement.pdf_filename = None
    with pytest.raises(ApprovedStatementChanged, match="pdf_filename"):
        session.flush()
    session.rollback()


def test_a_certificate_that_cannot_be_read_stops_the_service_starting(tmp_path, council_ca):
    with pytest.raises(ConfigError, match="SUPPLIER_DD_SIGNING_CERTIFICATE .*is not a file"):
        load_settings({"SUPPLIER_DD_SIGNING_CERTIFICATE": str(tmp_path / "missing.p12")},
                      instance_path=str(tmp_path))
    bundle = str(write_pkcs12(council_ca, tmp_path / "signing.p12"))
    with pytest.raises(ConfigError, match="wrong passphrase"):
        load_settings({"SUPPLIER_DD_SIGNING_CERTIFICATE": bundle,
                       "SUPPLIER_DD_SIGNING_PASSPHRASE": "not it"}, instance_path=str(tmp_path))
    with pytest.raises(ConfigError, match="without SUPPLIER_DD_SIGNING_CERTIFICATE"):
        load_settings({"SUPPLIER_DD_SIGNING_PASSPHRASE": PASSPHRASE},
                      instance_path=str(tmp_path))
    settings = load_settings({"SUPPLIER_DD_SIGNING_CERTIFICATE": bundle,
                              "SUPPLIER_DD_SIGNING_PASSPHRASE": PASSPHRASE},
                             instance_path=str(tmp_path))
    assert settings.signing_certificate == bundle
    assert PASSPHRASE not in repr(settings)
