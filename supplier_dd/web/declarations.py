"""The supplier's declaration journey: task list, question pages, check answers, sign, submit.

Every page saves the draft on the server, so leaving or timing out loses nothing. Conditional
questions are decided on the server from saved answers, so the journey works without JavaScript.
Every lookup is scoped to the signed-in contact's organisation: another supplier's ids are 404s.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from supplier_dd.domain.follow_ups import page_follow_ups
from supplier_dd.domain.organisations import countries
from supplier_dd.domain.questionnaire import (
    Question,
    Questionnaire,
    answer_lines,
    is_answered,
    section_status,
    triggered_red_flags,
    visible_pages,
    visible_questions,
)
from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.infrastructure.notification_mailer import mailer_for
from supplier_dd.models import Declaration, DeclarationRequest
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError, notifications
from supplier_dd.services import declarations as service
from supplier_dd.services.councils import council_name_for
from supplier_dd.services.declaration_pdf import declaration_pdf
from supplier_dd.services.evidence import (
    ALLOWED_DESCRIPTION,
    EvidenceStore,
    add_evidence,
    evidence_for,
    filename_for_type,
    remove_evidence,
)
from supplier_dd.services.shared_answers import requests_also_answered, requests_answered_by
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.flashes import flash_refusal

bp = Blueprint("declarations", __name__, url_prefix="/supplier")

# The form field each follow-up question the browser shows sends (declarations/page.html).
FOLLOW_UP_SHOWN = "follow_up_shown"

STATUS_TAGS = {
    "not_started": ("Not yet started", "govuk-tag--blue"),
    "in_progress": ("In progress", "govuk-tag--light-blue"),
    "completed": ("Completed", ""),
    "review": ("Check copied answers", "govuk-tag--yellow"),
    "draft": ("In progress", "govuk-tag--light-blue"),
    "submitted": ("Submitted", "govuk-tag--green"),
    "superseded": ("Replaced by a newer version", "govuk-tag--grey"),
    "overdue": ("Overdue", "govuk-tag--red"),
}


# --- Helpers shared with the officer views -------------------------------------------------------


def store() -> EvidenceStore:
    return EvidenceStore(Path(current_app.config["SUPPLIER_DD_SETTINGS"].upload_dir))


def max_upload_bytes() -> int:
    return current_app.config["SUPPLIER_DD_SETTINGS"].upload_max_bytes


def declaration_reference(declaration: Declaration) -> str:
    return f"DEC-{declaration.id:06d}"


def answer_html(question: Question, value: Any) -> Markup:
    lines = answer_lines(question, value)
    if not lines:
        return Markup('<span class="govuk-hint govuk-!-margin-0">Not answered</span>')
    if question.type in ("multiple_choice", "country_list", "file") and len(lines) > 1:
        items = "".join(f"<li>{escape(line)}</li>" for line in lines)
        return Markup(f'<ul class="govuk-list govuk-!-margin-0">{items}</ul>')
    return Markup("<br>").join(escape(line) for line in lines)


def summary_sections(questionnaire: Questionnaire, answers: dict) -> list[dict]:
    """Visible questions and answers grouped by section, for check-answers and read-only views."""
    shown = visible_questions(questionnaire, answers)
    grouped = []
    for section in questionnaire.sections:
        rows = [(q, answers.get(q.id)) for q in shown if q.section == section.id]
        if rows:
            grouped.append({"section": section, "rows": rows})
    return grouped


def evidence_download(declaration: Declaration, evidence_id: int) -> Response:
    record = service.evidence_of(db.session, declaration.id, evidence_id)
    if record is None:
        abort(404)
    return stored_file_download(record)


def stored_file_download(record) -> Response:
    """Serve a stored upload (declaration evidence, or a supplier's file for a recommendation or
    corrective action) only as a download, with its content-checked type, no sniffing and a
    name that ends in that type's extension (security_headers gives every download a sandbox)."""
    try:
        path = store().path_for(record.stored_name)
    except ValueError:
        abort(404)
    if not path.is_file():
        abort(404)
    response = send_file(
        path, mimetype=record.content_type, as_attachment=True,
        download_name=filename_for_type(record.original_filename, record.content_type),
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def pdf_response(declaration: Declaration) -> Response:
    if declaration.is_draft:
        abort(404)
    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    # Named for the council that asked for it (the supplier answered that council's request).
    request_council = declaration.request.council_id if declaration.request else None
    data = declaration_pdf(declaration, service.questionnaire_of(declaration),
                           service.submitted_answers(declaration),
                           council_name_for(db.session, settings.council_name, request_council),
                           declaration_reference(declaration))
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{declaration_reference(declaration)}.pdf"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.app_template_global()
def declaration_status_tag(status: str) -> dict:
    text, classes = STATUS_TAGS.get(status, (status.replace("_", " ").capitalize(), ""))
    return {"text": text, "classes": classes}


def also_answered_titles(declaration: Declaration) -> list[str]:
    """The other requests a submitted declaration answers, as the supplier and officers read
    them."""
    return [service.request_title(item) for item in requests_answered_by(db.session, declaration)]


@bp.app_template_global()
def declaration_ref(declaration: Declaration) -> str:
    return declaration_reference(declaration)


@bp.app_template_global()
def render_answer(question: Question, value: Any) -> Markup:
    return answer_html(question, value)


# --- Journey helpers --------------------------------------------------------------------------


def _own_or_404(declaration_id: int) -> Declaration:
    declaration = service.owned_declaration(db.session, declaration_id, current_user.supplier_id)
    if declaration is None:
        abort(404)
    return declaration


def _locked(declaration: Declaration):
    """Any attempt to change a submitted declaration lands here, and nothing is changed."""
    flash_refusal(
        f"{declaration_reference(declaration)} was submitted and cannot be changed. "
        "To change your answers, make a new version."
    )
    return redirect(url_for("declarations.overview", declaration_id=declaration.id))


def _confirmed(declaration_id: int):
    return redirect(url_for("declarations.confirmation", declaration_id=declaration_id))


def _page_url(declaration: Declaration, section_id: str, page_id: str, **args) -> str:
    return url_for("declarations.page", declaration_id=declaration.id, section_id=section_id,
                   page_id=page_id, **args)


def _task_rows(declaration: Declaration, questionnaire: Questionnaire) -> list[dict]:
    answers = declaration.answers or {}
    pages = visible_pages(questionnaire, answers)
    review = set(declaration.review_question_ids or [])
    shown = visible_questions(questionnaire, answers)
    rows = []
    for section in questionnaire.sections:
        first = next((p for p in pages if p.section == section.id), None)
        status = section_status(questionnaire, answers, section.id)
        in_section = [q for q in shown if q.section == section.id]
        if status != "not_started" and any(q.id in review for q in in_section):
            status = "review"
        rows.append({
            "section": section, "status": status,
            "href": _page_url(declaration, section.id, first.id) if first else None,
        })
    return rows


def _next_url(declaration: Declaration, questionnaire: Questionnaire, section_id: str,
              page_id: str, return_to_check: bool) -> str:
    answers = declaration.answers or {}
    pages = list(visible_pages(questionnaire, answers))
    position = next(
        (i for i, p in enumerate(pages) if p.section == section_id and p.id == page_id), None
    )
    later = pages[position + 1:] if position is not None else []
    for candidate in later:
        if candidate.section != section_id:
            break
        unanswered = any(
            q.required and not is_answered(answers.get(q.id))
            for q in service.questions_on_page(questionnaire, answers, candidate.section,
                                               candidate.id)
        )
        if not return_to_check or unanswered:
            return _page_url(declaration, candidate.section, candidate.id,
                             **({"return": "check"} if return_to_check else {}))
    if return_to_check:
        return url_for("declarations.check", declaration_id=declaration.id)
    return url_for("declarations.overview", declaration_id=declaration.id)


def _field_value(question: Question, saved: Any, entered: dict) -> Any:
    if question.id in entered:
        return entered[question.id]
    if question.type == "date":
        if isinstance(saved, str):
            try:
                day = date.fromisoformat(saved)
                return {"day": str(day.day), "month": str(day.month), "year": str(day.year)}
            except ValueError:
                pass
        return {"day": "", "month": "", "year": ""}
    return saved


def _error_list(errors: dict[str, str], questions: list[Question]) -> list[dict]:
    anchors = {q.id: (f"#{q.id}-day" if q.type == "date" else f"#{q.id}") for q in questions}
    ordered = [q.id for q in questions if q.id in errors]
    ordered += [key for key in errors if key not in ordered]
    return [{"text": errors[key], "href": anchors.get(key, f"#{key}")} for key in ordered]


def _render_page(declaration, questionnaire, section, page, questions, entered, errors,
                 return_to_check, revealed=()):
    answers = declaration.answers or {}
    # The page's follow-up questions come too, hidden until an answer on the page asks for them
    # (static/js/follow-ups.js shows them at once; without JavaScript, saving the page does).
    rules = page_follow_ups(questionnaire, answers, section.id, page.id)
    asked = {q.id for q in questions}
    fields = []
    for question in questionnaire.questions_on(section.id, page.id):
        if question.id not in asked and question.id not in rules:
            continue
        value = _field_value(question, answers.get(question.id), entered)
        fields.append({
            "question": question, "value": value, "error": errors.get(question.id),
            "evidence": evidence_for(declaration, question.id) if question.type == "file" else [],
            "needs_review": question.id in (declaration.review_question_ids or []),
            "revealed": question.id in revealed,
            "show_if": rules.get(question.id), "hidden": question.id not in asked,
        })
    return render_template(
        "declarations/page.html", declaration=declaration, questionnaire=questionnaire,
        section=section, page=page, fields=fields, errors=_error_list(errors, questions),
        return_to_check=return_to_check, countries=countries(),
        allowed_files=ALLOWED_DESCRIPTION, max_mb=max_upload_bytes() // (1024 * 1024),
        title=page.title,
    )


# --- Routes -------------------------------------------------------------------------------------


@bp.route("/requests/<int:request_id>/start", methods=["POST"])
@requires(Permission.SUPPLIER_PORTAL)
def start(request_id: int):
    record = db.session.scalar(
        select(DeclarationRequest).where(
            DeclarationRequest.id == request_id,
            DeclarationRequest.supplier_id == current_user.supplier_id,
        )
    )
    if record is None:
        abort(404)
    if record.withdrawn_at is not None:
        flash_refusal("The council has withdrawn this request: it no longer needs a declaration")
        return redirect(url_for("supplier.home"))
    declaration = service.start_or_resume(db.session, store(), record, current_user, utcnow(),
                                          actor=request_actor())
    db.session.commit()
    return redirect(url_for("declarations.overview", declaration_id=declaration.id))


@bp.route("/declarations/<int:declaration_id>")
@requires(Permission.SUPPLIER_PORTAL)
def overview(declaration_id: int):
    declaration = _own_or_404(declaration_id)
    questionnaire = service.questionnaire_of(declaration)
    if declaration.is_draft:
        rows = _task_rows(declaration, questionnaire)
        complete = all(row["status"] in ("completed", "review") for row in rows)
        return render_template(
            "declarations/task_list.html", declaration=declaration, questionnaire=questionnaire,
            rows=rows, complete=complete, done=sum(r["status"] == "completed" for r in rows),
            form_reason=service.form_level_explanation(declaration),
            request_title=service.request_title(declaration.request) if declaration.request
            else questionnaire.title,
            title=questionnaire.title,
        )
    answers = service.submitted_answers(declaration)
    newer = db.session.scalar(
        select(Declaration).where(Declaration.supersedes_id == declaration.id)
    )
    return render_template(
        "declarations/view.html", declaration=declaration, questionnaire=questionnaire,
        sections=summary_sections(questionnaire, answers),
        flags=triggered_red_flags(questionnaire, answers), newer=newer, audience="supplier",
        also_answered=also_answered_titles(declaration),
        title=f"Declaration {declaration_reference(declaration)}",
    )


@bp.route("/declarations/<int:declaration_id>/sections/<section_id>/<page_id>",
          methods=["GET", "POST"])
@requires(Permission.SUPPLIER_PORTAL)
def page(declaration_id: int, section_id: str, page_id: str):
    declaration = _own_or_404(declaration_id)
    if not declaration.is_draft:
        return _locked(declaration)
    questionnaire = service.questionnaire_of(declaration)
    try:
        section = questionnaire.section(section_id)
    except KeyError:
        abort(404)
    page_def = next((p for p in section.pages if p.id == page_id), None)
    if page_def is None:
        abort(404)
    return_to_check = request.args.get("return") == "check"
    questions = service.questions_on_page(
        questionnaire, declaration.answers or {}, section_id, page_id
    )
    if not questions:
        # Earlier answers made this page irrelevant: move on rather than show an empty form.
        return redirect(_next_url(declaration, questionnaire, section_id, page_id,
                                  return_to_check))
    if request.method == "GET":
        return _render_page(declaration, questionnaire, section, page_def, questions, {}, {},
                            return_to_check)

    now = utcnow()
    action = request.form.get("action", "continue")
    if action.startswith("remove:"):
        evidence_id = action.removeprefix("remove:")
        try:
            remove_evidence(db.session, store(), declaration,
                            int(evidence_id) if evidence_id.isdigit() else -1, now,
                            actor=request_actor())
            db.session.commit()
            flash("File removed")
        except ServiceError as error:
            db.session.rollback()
            flash_refusal(str(error))
        return redirect(_page_url(declaration, section_id, page_id,
                                  **({"return": "check"} if return_to_check else {})))

    upload_errors: dict[str, str] = {}
    uploaded = False
    for question in questions:
        upload = request.files.get(question.id) if question.type == "file" else None
        if upload is None or not upload.filename:
            continue
        data = upload.stream.read(max_upload_bytes() + 1)
        try:
            add_evidence(db.session, store(), questionnaire, declaration, question.id,
                         upload.filename, data, current_user, now, max_upload_bytes(),
                         actor=request_actor())
            uploaded = True
        except ServiceError as error:
            upload_errors[question.id] = str(error)
    form = {key: request.form.getlist(key) for key in request.form}
    result = service.save_page(
        db.session, declaration, questionnaire, section_id, page_id, form,
        check_required=action == "continue", today=now.date(), now=now,
        follow_ups_shown=request.form.getlist(FOLLOW_UP_SHOWN),
    )
    db.session.commit()
    errors = {**result.errors, **upload_errors}
    if errors:
        questions = service.questions_on_page(
            questionnaire, declaration.answers or {}, section_id, page_id
        )
        return _render_page(declaration, questionnaire, section, page_def, questions,
                            result.entered, errors, return_to_check, result.revealed)
    stay_args = {"return": "check"} if return_to_check else {}
    if action == "save_and_exit":
        flash("Your answers have been saved. You can come back to them at any time.")
        return redirect(url_for("declarations.overview", declaration_id=declaration.id))
    if action in ("upload", "add_country") or result.revealed:
        if uploaded:
            flash("File uploaded")
        if result.revealed:
            flash("Your answers mean we need to ask you more on this page.")
        # Point at the new question's wrapper, not its input: after a fragment, Tab moves to
        # the first field *inside* the target, where an input target would be skipped over.
        anchor = f"question-{result.revealed[0]}" if result.revealed else None
        return redirect(_page_url(declaration, section_id, page_id, **stay_args)
                        + (f"#{anchor}" if anchor else ""))
    return redirect(_next_url(declaration, questionnaire, section_id, page_id, return_to_check))


@bp.route("/declarations/<int:declaration_id>/check")
@requires(Permission.SUPPLIER_PORTAL)
def check(declaration_id: int):
    declaration = _own_or_404(declaration_id)
    if not declaration.is_draft:
        return redirect(url_for("declarations.overview", declaration_id=declaration.id))
    questionnaire = service.questionnaire_of(declaration)
    answers = declaration.answers or {}
    blockers = service.submission_blockers(questionnaire, answers, utcnow().date())
    return render_template(
        "declarations/check.html", declaration=declaration, questionnaire=questionnaire,
        sections=summary_sections(questionnaire, answers), blockers=blockers,
        review=set(declaration.review_question_ids or []), title="Check your answers",
    )


@bp.route("/declarations/<int:declaration_id>/declare", methods=["GET", "POST"])
@requires(Permission.SUPPLIER_PORTAL)
def declare(declaration_id: int):
    declaration = _own_or_404(declaration_id)
    if not declaration.is_draft:
        # A form sent again after it worked gets the page the first copy produced.
        return _confirmed(declaration_id) if request.method == "POST" else _locked(declaration)
    questionnaire = service.questionnaire_of(declaration)
    if service.submission_blockers(questionnaire, declaration.answers or {}, utcnow().date()):
        flash_refusal("Answer every question that needs an answer before you sign the declaration.")
        return redirect(url_for("declarations.check", declaration_id=declaration.id))
    values = {"signatory_name": current_user.name or "", "signatory_role": ""}
    errors: dict[str, str] = {}
    if request.method == "POST":
        values = {
            "signatory_name": request.form.get("signatory_name", ""),
            "signatory_role": request.form.get("signatory_role", ""),
            "confirm_true": request.form.get("confirm_true") == "yes",
            "confirm_authority": request.form.get("confirm_authority") == "yes",
        }
        try:
            service.submit(
                db.session, declaration, signatory_name=values["signatory_name"],
                signatory_role=values["signatory_role"], confirms_true=values["confirm_true"],
                confirms_authority=values["confirm_authority"], ip=request.remote_addr,
                user=current_user, now=utcnow(), actor=request_actor(),
            )
            notifications.declaration_submitted(db.session, declaration,
                                                mailer_for(current_app), utcnow())
            db.session.commit()
        except service.AlreadySubmitted:
            db.session.rollback()  # another copy of this form, sent at the same time, won
            return _confirmed(declaration_id)
        except service.SubmitError as error:
            db.session.rollback()
            errors = error.errors
        except ServiceError as error:
            db.session.rollback()
            errors = {"answers": str(error)}
        else:
            return _confirmed(declaration_id)
    order = ["answers", "signatory_name", "signatory_role", "confirm_true", "confirm_authority"]
    error_list = [{"text": errors[k], "href": f"#{k}"} for k in order if k in errors]
    return render_template(
        "declarations/declare.html", declaration=declaration, values=values, errors=errors,
        error_list=error_list, title="Sign and submit your declaration",
        also_answer=[service.request_title(item)
                     for item in requests_also_answered(db.session, declaration)],
    )


@bp.route("/declarations/<int:declaration_id>/confirmation")
@requires(Permission.SUPPLIER_PORTAL)
def confirmation(declaration_id: int):
    declaration = _own_or_404(declaration_id)
    if declaration.is_draft:
        return redirect(url_for("declarations.overview", declaration_id=declaration.id))
    return render_template("declarations/confirmation.html", declaration=declaration,
                           also_answered=also_answered_titles(declaration),
                           title="Declaration submitted")


@bp.route("/declarations/<int:declaration_id>/revise", methods=["POST"])
@requires(Permission.SUPPLIER_PORTAL)
def revise(declaration_id: int):
    declaration = _own_or_404(declaration_id)
    try:
        draft = service.revise(db.session, store(), declaration, current_user, utcnow(),
                               actor=request_actor())
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash_refusal(str(error))
        return redirect(url_for("declarations.overview", declaration_id=declaration.id))
    flash("We have copied your answers into a new version. Check them, change what you need, "
          "then sign and submit it. Your earlier declaration is kept.")
    return redirect(url_for("declarations.overview", declaration_id=draft.id))


@bp.route("/declarations/<int:declaration_id>/pdf")
@requires(Permission.SUPPLIER_PORTAL)
def pdf(declaration_id: int):
    return pdf_response(_own_or_404(declaration_id))


@bp.route("/declarations/<int:declaration_id>/evidence/<int:evidence_id>")
@requires(Permission.SUPPLIER_PORTAL)
def evidence(declaration_id: int, evidence_id: int):
    return evidence_download(_own_or_404(declaration_id), evidence_id)
