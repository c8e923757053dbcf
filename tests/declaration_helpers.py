"""Shared by the declaration tests: records, valid answers per question, and a journey walker."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta

from supplier_dd.domain.questionnaire import Question, current_version
from supplier_dd.models import Declaration, DeclarationRequest, Tender
from supplier_dd.models.base import utcnow
from tests.factories import make_supplier, make_user
from tests.helpers import csrf_token_in

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def _entry(name: str) -> zipfile.ZipInfo:
    # A fixed date: a zip written with the clock's differs every two seconds, and these bytes
    # name parametrised tests, which pytest-xdist's workers must collect identically.
    return zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            _entry("[Content_Types].xml"),
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        )
        archive.writestr(_entry("word/document.xml"), "<w:document/>")
    return buffer.getvalue()


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr(_entry("content.xml"), "<office:document-content/>")
    return buffer.getvalue()


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(_entry("payload.exe"), EXE_BYTES)
    return buffer.getvalue()


DATES = {
    "s54_period_start": date(2024, 4, 1),
    "s54_period_end": date(2025, 3, 31),
    "s54_approval_date": date(2025, 9, 30),
}


# Choices other than the first option, where the first would contradict "yes" elsewhere: a
# relevant commercial organisation has a turnover of £36 million or more.
CHOICES = {"org_turnover_band": "36m-60m"}


def form_value(question: Question) -> dict:
    """Form fields giving a valid answer. Yes to everything except exclusion grounds, so most
    conditional questions are shown and exercised."""
    qid = question.id
    if qid in CHOICES:
        return {qid: CHOICES[qid]}
    if question.type == "yes_no":
        return {qid: "no" if qid.startswith("excl_") else "yes"}
    if question.type in ("single_choice", "multiple_choice"):
        return {qid: question.options[0].value}
    if question.type == "date":
        day = DATES.get(qid, date(2025, 1, 15))
        return {f"{qid}-day": str(day.day), f"{qid}-month": str(day.month),
                f"{qid}-year": str(day.year)}
    if question.type == "number":
        return {qid: str(max(question.minimum or 0, min(10, question.maximum or 10)))}
    if question.type == "url":
        return {qid: "https://www.example.co.uk/modern-slavery-statement"}
    if question.type == "country_list":
        return {qid: "GB"}
    if question.type == "file":
        return {}
    if question.format == "company_number":
        return {qid: "01234567"}
    if question.type == "long_text":
        return {qid: "We checked every labour provider and repaid the fees.\nDetails on file."}
    return {qid: "Acme Facilities Ltd"}


def all_form_values(overrides: dict | None = None) -> dict:
    values = {}
    for question in current_version("modern_slavery").questions:
        values.update(form_value(question))
    values.update(overrides or {})
    return values


def make_request(session, supplier=None, *, kind="tender", due_in_days=30) -> DeclarationRequest:
    supplier = supplier or make_supplier(session)
    tender = None
    if kind == "tender":
        tender = Tender(reference=f"T-{supplier.id}-{utcnow().timestamp()}", title="Cleaning",
                        invited_suppliers=[supplier])
        session.add(tender)
    request = DeclarationRequest(
        natural_key=f"{kind}:test:{supplier.id}:{utcnow().timestamp()}", supplier=supplier,
        kind=kind, tender=tender, due_date=utcnow().date() + timedelta(days=due_in_days),
        questionnaire_id="modern_slavery", note="",
    )
    session.add(request)
    session.flush()
    return request


def supplier_with_contact(session, name: str, email: str):
    supplier = make_supplier(session, name=name)
    make_user(session, "supplier", email=email, supplier=supplier)
    return supplier


def first_page_url(declaration_id: int, section_id: str) -> str:
    questionnaire = current_version("modern_slavery")
    page = questionnaire.section(section_id).pages[0]
    return f"/supplier/declarations/{declaration_id}/sections/{section_id}/{page.id}"


def fill_section(client, declaration_id: int, section_id: str, values: dict,
                 max_steps: int = 20) -> list[str]:
    """Answer a section page by page, following the service's redirects; returns pages seen."""
    url = first_page_url(declaration_id, section_id)
    overview = f"/supplier/declarations/{declaration_id}"
    seen = []
    for _ in range(max_steps):
        seen.append(url)
        response = client.submit(url, values, form_index=-1)
        assert response.status_code == 302, (
            f"{url} did not accept the answers: "
            + " | ".join(re.findall(r'govuk-error-message">.*?</', response.get_data(as_text=True)))
        )
        location = response.headers["Location"].split("#")[0]
        if location == overview:
            return seen
        url = location
    raise AssertionError(f"section {section_id} did not finish in {max_steps} steps: {seen}")


def fill_everything(client, declaration_id: int, overrides: dict | None = None) -> None:
    values = all_form_values(overrides)
    for section in current_version("modern_slavery").sections:
        fill_section(client, declaration_id, section.id, values)


def declaration_of(session, declaration_id: int) -> Declaration:
    session.expire_all()
    return session.get(Declaration, declaration_id)


def add_declaration_records(session, supplier) -> dict:
    """A request and a submitted declaration with one evidence file, all belonging to
    `supplier` (the route matrix's 'other' supplier), with the file really on disk."""
    import hashlib
    from pathlib import Path

    from flask import current_app

    from supplier_dd.domain.questionnaire import canonical_json
    from supplier_dd.models import EvidenceFile
    from supplier_dd.services.evidence import EvidenceStore

    questionnaire = current_version("modern_slavery")
    request = make_request(session, supplier)
    now = utcnow()
    declaration = Declaration(
        supplier_id=supplier.id, request=request, questionnaire_id=questionnaire.id,
        questionnaire_version=questionnaire.version, status="draft", answers={},
        review_question_ids=[], created_at=now, updated_at=now,
    )
    session.add(declaration)
    session.flush()
    store = EvidenceStore(Path(current_app.config["SUPPLIER_DD_SETTINGS"].upload_dir))
    evidence = EvidenceFile(
        declaration=declaration, question_id="s54_statement_file",
        original_filename="statement.pdf", stored_name=store.write(PDF_BYTES),
        content_type="application/pdf", size_bytes=len(PDF_BYTES),
        sha256=hashlib.sha256(PDF_BYTES).hexdigest(), uploaded_at=now,
    )
    session.add(evidence)
    session.flush()
    declaration.answers = {"org_legal_name": supplier.name}
    canonical = canonical_json(questionnaire, declaration.answers)
    declaration.canonical_answers = canonical
    declaration.answers_sha256 = hashlib.sha256(canonical.encode()).hexdigest()
    declaration.signatory_name = "Other Signatory"
    declaration.signatory_role = "Director"
    declaration.submitted_at = now
    declaration.status = "submitted"
    session.flush()
    return {"other_request": request.id, "other_declaration": declaration.id,
            "other_evidence": evidence.id}


STATEMENT_PAGE = "/supplier/declarations/{id}/sections/s54/statement"


def start_declaration(client, request_id: int) -> int:
    """As the signed-in contact, start the request's declaration; its id."""
    token = csrf_token_in(client.get("/supplier/").text)
    response = client.post(f"/supplier/requests/{request_id}/start", data={"csrf_token": token})
    return int(response.headers["Location"].rsplit("/", 1)[1])


def upload_statement(client, declaration_id: int, content: bytes, filename: str):
    """Upload as a browser does: the statement page's form, with its answers, plus the file."""
    return client.submit(STATEMENT_PAGE.format(id=declaration_id), {
        "action": "upload", "s54_statement_file": (io.BytesIO(content), filename),
    }, content_type="multipart/form-data")
