"""Officers verify the evidence behind an answer of a supplier's assessed declaration, or
withdraw a verification with a reason (issue 16). Each change scores the supplier again."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.models import EvidenceFile, Supplier
from supplier_dd.models.answer_verification import (
    KIND_CERTIFICATION,
    KIND_DOCUMENT,
    KIND_REGISTRY,
    AnswerVerification,
)
from supplier_dd.models.base import utcnow
from supplier_dd.models.imports import RegistryStatement
from supplier_dd.services import InvalidField, ServiceError
from supplier_dd.services import answer_verification as verifying
from supplier_dd.services.declarations import questionnaire_of, submitted_answers
from supplier_dd.services.risk import current_assessment
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.choices import choices
from supplier_dd.web.url_ids import LARGEST_ID
from supplier_dd.web.verification_forms import (
    KIND_LABELS,
    VerifyEvidenceForm,
    WithdrawVerificationForm,
)

bp = Blueprint("verification", __name__, url_prefix="/officer/risk")


def _assessed_declaration(supplier_id: int):
    """The declaration the supplier's current assessment scored (what the review page shows)."""
    supplier = db.get_or_404(Supplier, supplier_id)
    assessment = current_assessment(db.session, supplier.id)
    if assessment is None or assessment.declaration is None:
        abort(404)
    return supplier, assessment.declaration


def _row_id(value: str | None) -> int | None:
    """A posted radio value as a row id; anything else (tampered, too large) is no choice."""
    text = (value or "").strip()
    return int(text) if text.isdigit() and int(text) <= LARGEST_ID else None


def _statement_label(statement: RegistryStatement) -> str:
    period = f", period ending {statement.end_date:%-d %B %Y}" if statement.end_date else ""
    return f"{statement.organisation_name}: {statement.statement_year} statement{period}"


@bp.route("/suppliers/<int:supplier_id>/answers/<question_id>/verify", methods=["GET", "POST"])
@requires(Permission.REVIEW_RISK)
def verify(supplier_id: int, question_id: str):
    supplier, declaration = _assessed_declaration(supplier_id)
    try:
        question = verifying.scored_question(declaration, question_id)
    except ServiceError:
        abort(404)
    today = utcnow().date()
    files = verifying.files_for_answer(declaration, question_id)
    statements = (verifying.matched_registry_statements(db.session, declaration, today)
                  if verifying.can_use_registry(declaration, question_id) else [])
    kinds = [kind for kind, available in ((KIND_DOCUMENT, bool(files)),
                                          (KIND_CERTIFICATION, True),
                                          (KIND_REGISTRY, bool(statements))) if available]
    form = VerifyEvidenceForm()
    form.kind.choices = choices((kind, KIND_LABELS[kind]) for kind in kinds)
    form.evidence_file.choices = choices((str(f.id), f.original_filename) for f in files)
    form.registry_statement.choices = choices((str(s.id), _statement_label(s))
                                              for s in statements)
    if form.validate_on_submit():
        try:
            _record(form, declaration, question_id)
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            field = form[error.field] if isinstance(error, InvalidField) else form.kind
            field.errors = [*field.errors, str(error)]
        else:
            flash(f"Evidence verified for ‘{question.label}’; the supplier has been scored again")
            return redirect(url_for("risk.review", supplier_id=supplier.id))
    return render_template(
        "risk/verify_answer.html", form=form, supplier=supplier, declaration=declaration,
        question=question, files=files, statements=statements, kinds=kinds,
        standing=verifying.standing_verifications(db.session, declaration.id).get(
            question_id, []),
        describe=verifying.describe, today=today,
        asked=questionnaire_of(declaration).question(question_id),
        answer=submitted_answers(declaration).get(question_id))


def _record(form: VerifyEvidenceForm, declaration, question_id: str) -> None:
    now, note, actor = utcnow(), form.note.data, request_actor()
    if form.kind.data == KIND_DOCUMENT:
        file_id = _row_id(form.evidence_file.data)
        evidence_file = db.session.get(EvidenceFile, file_id) if file_id else None
        verifying.verify_document(db.session, declaration, question_id, evidence_file,
                                  current_user, now, note, actor=actor)
    elif form.kind.data == KIND_CERTIFICATION:
        verifying.verify_certification(
            db.session, declaration, question_id, current_user, now, form.scheme.data,
            form.certifying_body.data, form.certified_on.data, form.expires_on.data, note,
            actor=actor)
    elif form.kind.data == KIND_REGISTRY:
        statement_id = _row_id(form.registry_statement.data)
        statement = db.session.get(RegistryStatement, statement_id) if statement_id else None
        verifying.verify_registry(db.session, declaration, question_id, statement,
                                  current_user, now, note, actor=actor)
    else:
        raise InvalidField("kind", "Select how you checked the evidence")


@bp.route("/suppliers/<int:supplier_id>/verifications/<int:verification_id>/withdraw",
          methods=["GET", "POST"])
@requires(Permission.REVIEW_RISK)
def withdraw(supplier_id: int, verification_id: int):
    supplier = db.get_or_404(Supplier, supplier_id)
    verification = db.get_or_404(AnswerVerification, verification_id)
    if verification.declaration.supplier_id != supplier.id or not verification.is_active:
        abort(404)
    declaration = verification.declaration
    question = verifying.scored_question(declaration, verification.question_id)
    form = WithdrawVerificationForm()
    if form.validate_on_submit():
        try:
            verifying.withdraw(db.session, verification, current_user, utcnow(),
                               form.reason.data, actor=request_actor())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(error)]
        else:
            flash(f"Verification withdrawn for ‘{question.label}’; the supplier has been scored "
                  "again")
            return redirect(url_for("risk.review", supplier_id=supplier.id))
    return render_template("risk/withdraw_verification.html", form=form, supplier=supplier,
                           verification=verification, question=question,
                           description=verifying.describe(verification))
