"""The council's Modern Slavery Transparency Statement (issue 19): staff draft, write, submit,
approve and publish it here; once published anyone can read it at its public address, no
sign-in, with the fields the Home Office registry asks for set out to copy. Approving a version
stores its PDF edition (tagged for accessibility, signed when the deployment has a certificate),
which staff and, once published, anyone can download."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from supplier_dd.domain.roles import Permission, can
from supplier_dd.extensions import db, limiter
from supplier_dd.models import Council, TransparencyStatement
from supplier_dd.models.base import utcnow
from supplier_dd.models.statement import STATEMENT_DRAFT, STATEMENT_SUBMITTED
from supplier_dd.models.tenancy import acting_for
from supplier_dd.reports import statement as content
from supplier_dd.reports.data import financial_year_of
from supplier_dd.services import ServiceError, statement_pdf
from supplier_dd.services import statements as service
from supplier_dd.services.pack_editions import pack_edition
from supplier_dd.web.access import public, requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.flashes import flash_refusal
from supplier_dd.web.statement_forms import (
    NO_PACK,
    ApprovalForm,
    NarrativesForm,
    NewStatementForm,
    ReturnForm,
)
from supplier_dd.web.template_helpers import format_date

bp = Blueprint("statements", __name__)


def _statement(statement_id: int) -> TransparencyStatement:
    statement = service.get(db.session, statement_id)
    if statement is None:
        abort(404)
    return statement


def _council() -> Council:
    return db.session.get(Council, current_user.council_id)


def _view_data(statement: TransparencyStatement) -> dict:
    figures = content.StatementFigures.from_json(statement.figures)
    return {"statement": statement, "figures": figures,
            "year": service.year_of(statement),
            "progress_sentence": content.progress_sentence(figures.progress),
            "areas": content.AREA_TITLES}


@bp.route("/reports/statements", methods=["GET", "POST"])
@requires(Permission.VIEW_REPORTS)
def index():
    form = NewStatementForm()
    if request.method == "GET":
        # The statement Cabinet approves reports the year just ended.
        form.year.data = financial_year_of(utcnow().date()).previous.label
    if request.method == "POST":
        if not can(current_user.role, Permission.EDIT_STATEMENT):
            abort(403)
        if form.validate_on_submit():
            try:
                statement = service.start_draft(db.session, form.year.data, current_user,
                                                utcnow(), request_actor())
            except ServiceError as error:
                db.session.rollback()
                form.year.errors = [str(error)]
            else:
                db.session.commit()
                flash(f"The {service.year_of(statement).label} statement is drafted from the "
                      "year's figures: check and write each area's paragraph")
                return redirect(url_for("statements.edit", statement_id=statement.id))
    return render_template("statements/index.html", form=form,
                           statements=service.statements(db.session),
                           can_edit=can(current_user.role, Permission.EDIT_STATEMENT),
                           title="Transparency statements"), 400 if form.errors else 200


@bp.route("/reports/statements/<int:statement_id>")
@requires(Permission.VIEW_REPORTS)
def view(statement_id: int):
    statement = _statement(statement_id)
    return render_template(
        "statements/view.html", council=_council(), **_view_data(statement),
        can_edit=can(current_user.role, Permission.EDIT_STATEMENT),
        can_approve=can(current_user.role, Permission.APPROVE_STATEMENT),
        public_url=url_for("statements.published", short_name=_council().short_name,
                           year=service.public_year(statement), _external=True),
        title=f"Transparency statement {service.year_of(statement).label}")


@bp.route("/reports/statements/<int:statement_id>/edit", methods=["GET", "POST"])
@requires(Permission.EDIT_STATEMENT)
def edit(statement_id: int):
    statement = _statement(statement_id)
    if statement.status != STATEMENT_DRAFT:
        flash_refusal(f"This statement is {statement.status}: only a draft can be changed"
                      + (". Make a new version to change it." if statement.is_approved
                         else "."))
        return redirect(url_for("statements.view", statement_id=statement.id))
    form = NarrativesForm(data=statement.narratives if request.method == "GET" else None)
    if form.validate_on_submit():
        problems = service.narrative_problems(form.narratives())
        for area, problem in problems.items():
            getattr(form, area).errors = [problem]
        if not problems:
            try:
                changed = service.save_narratives(db.session, statement, form.narratives(),
                                                  utcnow(), request_actor())
            except ServiceError as error:
                db.session.rollback()
                flash_refusal(str(error))
                return redirect(url_for("statements.view", statement_id=statement.id))
            db.session.commit()
            flash("The statement is saved" if changed else "Nothing changed")
            return redirect(url_for("statements.view", statement_id=statement.id))
    return render_template("statements/edit.html", form=form, **_view_data(statement),
                           title=f"Edit the {service.year_of(statement).label} statement"
                           ), 400 if form.errors else 200


def _act(statement_id: int, action, done: str):
    """Run a one-button step (refresh, submit, publish, new version) and go back to the
    statement with what happened, or why not."""
    statement = _statement(statement_id)
    try:
        result = action(statement)
    except ServiceError as error:
        db.session.rollback()
        flash_refusal(str(error))
        return redirect(url_for("statements.view", statement_id=statement.id))
    db.session.commit()
    flash(done)
    target = result if isinstance(result, TransparencyStatement) else statement
    return redirect(url_for("statements.view", statement_id=target.id))


@bp.route("/reports/statements/<int:statement_id>/refresh", methods=["POST"])
@requires(Permission.EDIT_STATEMENT)
def refresh(statement_id: int):
    return _act(statement_id, lambda s: service.refresh_figures(
        db.session, s, utcnow(), request_actor()), "The figures are taken afresh from today's "
                                                  "records")


@bp.route("/reports/statements/<int:statement_id>/submit", methods=["POST"])
@requires(Permission.EDIT_STATEMENT)
def submit(statement_id: int):
    return _act(statement_id, lambda s: service.submit(
        db.session, s, current_user, utcnow(), request_actor()),
        "The statement is submitted for approval")


@bp.route("/reports/statements/<int:statement_id>/publish", methods=["POST"])
@requires(Permission.APPROVE_STATEMENT)
def publish(statement_id: int):
    return _act(statement_id, lambda s: service.publish(
        db.session, s, current_user, utcnow(), request_actor()),
        "The statement is published: anyone can read it at its public address")


@bp.route("/reports/statements/<int:statement_id>/new-version", methods=["POST"])
@requires(Permission.EDIT_STATEMENT)
def new_version(statement_id: int):
    return _act(statement_id, lambda s: service.start_draft(
        db.session, service.year_of(s).label, current_user, utcnow(), request_actor()),
        "A new version is drafted from the approved one: it replaces it once approved")


@bp.route("/reports/statements/<int:statement_id>/return", methods=["GET", "POST"])
@requires(Permission.APPROVE_STATEMENT)
def send_back(statement_id: int):
    statement = _statement(statement_id)
    form = ReturnForm()
    if statement.status != STATEMENT_SUBMITTED:
        flash_refusal(f"This statement is {statement.status}: only a submitted one can be sent "
                      "back")
        return redirect(url_for("statements.view", statement_id=statement.id))
    if form.validate_on_submit():
        service.return_to_draft(db.session, statement, form.reason.data, utcnow(),
                                request_actor())
        db.session.commit()
        flash("The statement is back in draft, with what needs changing")
        return redirect(url_for("statements.view", statement_id=statement.id))
    return render_template("statements/return.html", form=form, statement=statement,
                           year=service.year_of(statement), title="Send back to draft"
                           ), 400 if form.errors else 200


@bp.route("/reports/statements/<int:statement_id>/approve", methods=["GET", "POST"])
@requires(Permission.APPROVE_STATEMENT)
def approve(statement_id: int):
    statement = _statement(statement_id)
    if statement.status != STATEMENT_SUBMITTED:
        flash_refusal(f"This statement is {statement.status}: only a submitted one can be "
                      "approved")
        return redirect(url_for("statements.view", statement_id=statement.id))
    form = ApprovalForm()
    packs = service.packs_to_approve_with(db.session, statement)
    form.pack_run.choices = [(str(run.id), _pack_choice(run)) for run in packs] + [
        (NO_PACK, "No evidence pack from this service")]
    if form.pack_run.data is None:
        form.pack_run.data = str(packs[0].id) if packs else NO_PACK
    if form.validate_on_submit():
        approval = service.Approval(form.approved_on.data, form.approver_name.data,
                                    form.approver_role.data, form.decision_reference.data,
                                    form.pack_run_id())
        problems = service.approval_problems(approval, statement, utcnow().date())
        for name, problem in problems.items():
            getattr(form, name).errors = [problem]
        if not problems:
            now = utcnow()
            service.approve(db.session, statement, approval, current_user, now,
                            request_actor())
            try:
                _store_pdf(statement, now)
            except ServiceError as error:
                db.session.rollback()
                current_app.logger.error("Statement %s not approved: %s", statement_id, error)
                flash_refusal(f"{error}, so the approval is not recorded and nothing has "
                              "changed. Try again; if it happens again, tell your "
                              "administrator.")
            else:
                stored_name = statement.pdf_filename
                try:
                    db.session.commit()
                except SQLAlchemyError:
                    db.session.rollback()
                    statement_pdf.discard_stored(_settings().upload_dir, stored_name)
                    current_app.logger.exception("Statement %s approval not saved",
                                                 statement_id)
                    flash_refusal("The approval could not be saved, so it is not recorded and "
                                  "nothing has changed. Try again in a minute.")
                    return redirect(url_for("statements.view", statement_id=statement_id))
                flash("The approval is recorded: this version of the statement can no longer "
                      "change")
                return redirect(url_for("statements.view", statement_id=statement.id))
    return render_template("statements/approve.html", form=form, statement=statement,
                           year=service.year_of(statement),
                           title="Record the approval"), 400 if form.errors else 200


def _pack_choice(run) -> str:
    return (f"Version {run.version}, figures at {format_date(run.cover_date)}, made "
            f"{format_date(run.requested_at)} by {run.requested_by_name}")


# --- The PDF edition --------------------------------------------------------------------------


def _settings():
    return current_app.config["SUPPLIER_DD_SETTINGS"]


def _registry_rows(council: Council, statement: TransparencyStatement, url: str) -> list[dict]:
    return [{"key": {"text": label}, "value": {"text": text}} for label, text
            in service.registry_fields(council, statement, url)]


def print_edition(council: Council, statement: TransparencyStatement) -> str:
    """The print edition's HTML, from the approved content alone (its address is the
    configured base URL's, not this request's), so rebuilding it gives the same PDF."""
    statement_url = _settings().base_url + url_for(
        "statements.published_version", short_name=council.short_name,
        year=service.public_year(statement), version=statement.version)
    return render_template("statements/print.html", council=council, **_view_data(statement),
                           registry_rows=_registry_rows(council, statement, statement_url),
                           statement_url=statement_url)


def print_base_url() -> str:
    """Where the print edition's stylesheet is found: the static folder, on disk."""
    return current_app.static_folder.rstrip("/") + "/"


def _store_pdf(statement: TransparencyStatement, now) -> None:
    html = print_edition(_council(), statement)
    unsigned = statement_pdf.unsigned_pdf(html, print_base_url(), statement)
    statement_pdf.sign_and_store(db.session, statement, unsigned, _settings(), now)


def _send_pdf(council: Council, statement: TransparencyStatement, html_url: str):
    try:
        content = statement_pdf.stored_pdf(_settings().upload_dir, statement)
    except statement_pdf.StoredPdfChanged as error:
        current_app.logger.error("Statement %s PDF not served: %s", statement.id, error)
        return render_template("statements/pdf_changed.html", council=council,
                               statement=statement, year=service.year_of(statement),
                               problem=str(error), html_url=html_url,
                               title="The PDF cannot be served"), 409
    return send_file(io.BytesIO(content), mimetype=statement_pdf.MEDIA_TYPE, as_attachment=True,
                     download_name=statement_pdf.download_name(council, statement),
                     max_age=0, etag=statement.pdf_sha256)


@bp.route("/reports/statements/<int:statement_id>/statement.pdf")
@requires(Permission.VIEW_REPORTS)
def pdf(statement_id: int):
    statement = _statement(statement_id)
    if not statement.is_approved or statement.pdf_filename is None:
        abort(404)
    return _send_pdf(_council(), statement,
                     url_for("statements.view", statement_id=statement.id))


# --- The published statement, for anyone -----------------------------------------------------


def _public(short_name: str, year: str, version: int | None):
    found = service.published_statement(db.session, short_name, year, version)
    if found is None:
        abort(404)
    council, statement = found
    # The page speaks for the council whose statement it is, whoever is reading.
    g.header_council = council
    address = {"short_name": council.short_name, "year": service.public_year(statement),
               "version": statement.version}
    version_url = url_for("statements.published_version", **address, _external=True)
    return render_template(
        "statements/public.html", council=council, **_view_data(statement),
        registry_rows=_registry_rows(council, statement, version_url),
        pdf_url=url_for("statements.published_pdf", **address)
        if statement.pdf_filename else None,
        pack_url=url_for("statements.published_pack", **address)
        if statement.pack_run_id else None,
        title=f"{council.name} Modern Slavery Transparency Statement "
              f"{service.year_of(statement).label}")


@bp.route("/statements/<short_name>/<year>")
@public
def published(short_name: str, year: str):
    return _public(short_name, year, None)


@bp.route("/statements/<short_name>/<year>/v<int:version>")
@public
def published_version(short_name: str, year: str, version: int):
    return _public(short_name, year, version)


@bp.route("/statements/<short_name>/<year>/v<int:version>.pdf")
@public
def published_pdf(short_name: str, year: str, version: int):
    found = service.published_statement(db.session, short_name, year, version)
    if found is None or found[1].pdf_filename is None:
        abort(404)
    council, statement = found
    g.header_council = council
    return _send_pdf(council, statement, url_for(
        "statements.published_version", short_name=council.short_name,
        year=service.public_year(statement), version=version))


@bp.route("/statements/<short_name>/<year>/v<int:version>/evidence-pack")
@public
# Each reading counts the year again (nothing is stored): a cap keeps a public address from
# becoming a way to load the database.
@limiter.limit("20 per minute")
def published_pack(short_name: str, year: str, version: int):
    """The evidence pack approved with a published statement, as a web page for anyone: the
    pack's figures, charts and evidence index, without the rows behind them (they name
    suppliers and their ratings, which the council does not publish)."""
    found = service.published_statement(db.session, short_name, year, version)
    if found is None or found[1].pack_run_id is None:
        abort(404)
    council, statement = found
    g.header_council = council
    statement_url = url_for("statements.published_version", short_name=council.short_name,
                            year=service.public_year(statement), version=version)
    # Counted for the statement's council alone: a reader acts for no council, which would
    # otherwise count every council's records.
    with acting_for(db.session, council.id):
        edition = pack_edition(db.session, statement.pack_run, council=council.name)
        return render_template(
            "statements/public_pack.html", council=council, statement=statement,
            year=service.year_of(statement), edition=edition, statement_url=statement_url,
            title=f"{council.name} modern slavery evidence pack "
                  f"{service.year_of(statement).label}"), 200 if edition.same_as_run else 409
