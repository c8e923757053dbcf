"""The annual Cabinet evidence pack in the browser.

Legal and admin users ask for a pack; it is built in a background thread while its progress
page follows it: a script asks the JSON status endpoint every few seconds and updates a live
region, and without JavaScript a Refresh link shows the latest step. The page never reloads
itself (a reload sends a screen reader back to the top; WCAG 2.2.1). Officers, legal and admin
list the stored packs and download them unchanged. Suppliers have no access.
"""

from __future__ import annotations

import io
import re
import threading
from datetime import date, datetime

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextInput
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, ValidationError

from supplier_dd.domain.roles import Permission
from supplier_dd.extensions import db
from supplier_dd.infrastructure.notification_mailer import mailer_for
from supplier_dd.models import CabinetPack, CabinetPackRun, Council
from supplier_dd.models.base import utcnow
from supplier_dd.models.cabinet_pack import RUN_DONE, RUN_FAILED
from supplier_dd.models.tenancy import act_for
from supplier_dd.reports.covering_report import MEDIA_TYPE as DOCX_MEDIA_TYPE
from supplier_dd.reports.data import FinancialYear, ReportInputError, financial_year_of
from supplier_dd.services import ServiceError, audit, notifications, statements
from supplier_dd.services.action_plans import current_plan, list_plans
from supplier_dd.services.cabinet_packs import (
    MEDIA_TYPES,
    check_request,
    download_name,
    fail_stopped_runs,
    generate,
    mark_failed,
    read_pack,
    runs_page,
    start_run,
)
from supplier_dd.services.councils import council_name_for
from supplier_dd.services.covering_reports import covering_report as build_covering_report
from supplier_dd.services.pack_editions import MEDIA_TYPE as PDF_MEDIA_TYPE
from supplier_dd.services.pack_editions import (
    PackEdition,
    RunNotFinished,
    accessible_pdf,
    accessible_pdf_name,
    pack_edition,
)
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices
from supplier_dd.web.flashes import flash_refusal
from supplier_dd.web.paging import page_number
from supplier_dd.web.statements import print_base_url

bp = Blueprint("reports", __name__, url_prefix="/reports")
PER_PAGE = 25
# How often the progress page's script asks for the build's status.
POLL_SECONDS = 2
# Background builds by run id, so tests (and a shutdown) can wait for them.
BACKGROUND_BUILDS: dict[int, threading.Thread] = {}


def _read_year(form, field):
    try:
        FinancialYear.parse(field.data)
    except ReportInputError as error:
        raise ValidationError(str(error)) from None


def read_cover_date(text: str) -> date:
    """'14/5/2026', '14 05 2026' or '2026-05-14' → date; ValueError says how to write it."""
    cleaned = (text or "").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", cleaned):
            year, month, day = (int(part) for part in cleaned.split("-"))
        else:
            match = re.fullmatch(r"(\d{1,2})[/. -](\d{1,2})[/. -](\d{4})", cleaned)
            if not match:
                raise ValueError
            day, month, year = (int(part) for part in match.groups())
        return date(year, month, day)
    except ValueError:
        raise ValueError("Enter the cover date as a real date, like 14/05/2026") from None


def _known_plan(form, field):
    if field.data not in {choice.value for choice in field.choices}:
        raise ValidationError("That action plan no longer exists; choose one from the list")


def _read_cover_date(form, field):
    try:
        field.parsed = read_cover_date(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


class CabinetPackForm(Form):
    year = StringField(
        "Financial year", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the financial year, like 2025/26"), _read_year],
    )
    cover_date = StringField(
        "Date on the cover", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the date for the cover"), _read_cover_date],
    )
    author = StringField(
        "Author", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the author's name for the cover"),
                    Length(max=200, message="Author must be 200 characters or fewer")],
    )
    version = StringField(
        "Version", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the version, like 1.0"),
                    Length(max=20, message="Version must be 20 characters or fewer")],
    )
    # Choices are the plans stored now; one removed since the page was shown gets a message
    # saying so rather than WTForms' "Not a valid choice".
    action_plan = SelectField("Action plan to report", widget=GovSelect(), validate_choice=False,
                              validators=[_known_plan])
    submit = SubmitField("Generate the pack", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action_plan.choices = choices(plan_choices())
        if self.action_plan.data is None:
            self.action_plan.data = self.action_plan.choices[0].value

    @property
    def chosen_plan_id(self) -> int | None:
        return int(self.action_plan.data) if self.action_plan.data else None


class CoveringReportForm(Form):
    """Read from the query string (a GET form: it only downloads, so no CSRF token)."""

    class Meta:
        csrf = False

    year = StringField(
        "Financial year", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the financial year, like 2025/26"), _read_year],
    )


def plan_choices() -> list[tuple[str, str]]:
    """The council's current plan first (the default), then the others, newest first."""
    current = current_plan(db.session)
    if current is None:
        return [("", "None: no action plan has been imported")]
    others = [plan for plan, _count in list_plans(db.session) if plan.id != current.id]
    # "Current plan" first: a narrow select cuts the end of a long title off.
    return [(str(current.id), f"Current plan: {current.title} (imported "
                              f"{current.created_at:%d/%m/%Y})"),
            *((str(plan.id), f"{plan.title} (imported {plan.created_at:%d/%m/%Y})")
              for plan in others)]


@bp.route("/cabinet")
@requires(Permission.VIEW_REPORTS)
def cabinet_packs():
    _fail_stopped_runs()
    page = page_number(request.args)
    runs, total = runs_page(db.session, page, PER_PAGE)
    return render_template("reports/cabinet_packs.html", runs=runs, total=total, page=page,
                           per_page=PER_PAGE)


@bp.route("/cabinet/new", methods=["GET", "POST"])
@requires(Permission.GENERATE_REPORTS)
def new_cabinet_pack():
    today = utcnow().date()
    form = CabinetPackForm()
    if request.method == "GET":
        # Cabinet usually takes the pack for the year just ended.
        form.year.data = financial_year_of(today).previous.label
        form.cover_date.data = f"{today:%d/%m/%Y}"
        form.author.data = _default_author()
        form.version.data = "1.0"
    if form.validate_on_submit():
        try:
            pack_request = check_request(form.year.data, form.cover_date.parsed,
                                         form.author.data, form.version.data, today,
                                         session=db.session, action_plan_id=form.chosen_plan_id)
            run = start_run(db.session, pack_request, current_user,
                            current_user.name or current_user.email, utcnow())
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.year.errors = [*form.year.errors, str(error)]
        else:
            _build_in_background(current_app._get_current_object(), run.id, request_actor())
            return redirect(url_for("reports.cabinet_run", run_id=run.id))
    return render_template("reports/new_cabinet_pack.html", form=form)


def _default_author() -> str:
    """The council's usual pack author, else the person asking."""
    council = db.session.get(Council, current_user.council_id) \
        if current_user.council_id else None
    return ((council.pack_author if council else None)
            or current_user.name or current_user.email)


@bp.route("/cabinet/covering-report")
@requires(Permission.GENERATE_REPORTS)
def covering_report():
    """The form, or with a year asked for, the Word document to download."""
    form = CoveringReportForm(request.args)
    if "year" not in request.args:
        # Cabinet usually takes the pack for the year just ended.
        form.year.data = financial_year_of(utcnow().date()).previous.label
    elif form.validate():
        settings = current_app.config["SUPPLIER_DD_SETTINGS"]
        try:
            report = build_covering_report(db.session, form.year.data, utcnow().date(),
                                           author=_default_author(),
                                           fallback_council=settings.council_name)
        except ServiceError as error:
            form.year.errors = [*form.year.errors, str(error)]
        else:
            return send_file(io.BytesIO(report.content), mimetype=DOCX_MEDIA_TYPE,
                             as_attachment=True, download_name=report.download_name,
                             max_age=0)
    return render_template("reports/covering_report.html", form=form)


def _build_in_background(app: Flask, run_id: int, actor: audit.Actor) -> None:
    settings = app.config["SUPPLIER_DD_SETTINGS"]

    def build() -> None:
        with app.app_context():
            session = db.session
            run = session.get(CabinetPackRun, run_id)
            # A new session acts for nobody: the pack must count the requesting council's
            # records only, as the request that started it did.
            act_for(session, run.council_id)

            def progress(step: str) -> None:
                # Committed at once so the status page, in another request, shows it.
                run.step = step
                session.commit()

            try:
                packs = generate(session, run, upload_dir=settings.upload_dir,
                                 council=council_name_for(session, settings.council_name),
                                 now=utcnow, progress=progress)
                audit.record(session, "cabinet_pack.generated", actor, utcnow(),
                             object_type="cabinet_pack_run", object_id=run.id,
                             details={"year": run.financial_year,
                                      "data_checksum": run.data_checksum,
                                      "files": {p.kind: p.sha256 for p in packs}})
                notifications.pack_built(session, run, mailer_for(app), utcnow())
                session.commit()
            except Exception as error:  # noqa: BLE001 - any failure must reach the status page
                session.rollback()
                app.logger.exception("Cabinet pack run %s failed", run_id)
                message = (str(error) if isinstance(error, ServiceError | ReportInputError)
                           else "Something went wrong building the pack; the error is logged.")
                mark_failed(session.get(CabinetPackRun, run_id), message, utcnow())
                session.commit()
            finally:
                session.remove()

    thread = threading.Thread(target=build, name=f"cabinet-pack-{run_id}", daemon=True)
    BACKGROUND_BUILDS[run_id] = thread
    thread.start()


@bp.route("/cabinet/runs/<int:run_id>")
@requires(Permission.VIEW_REPORTS)
def cabinet_run(run_id: int):
    _fail_stopped_runs()
    run = db.get_or_404(CabinetPackRun, run_id)
    return render_template("reports/cabinet_run.html", run=run, progress=_progress(run),
                           poll_seconds=POLL_SECONDS,
                           approved_with=statements.approved_with(db.session, run.id))


@bp.route("/cabinet/runs/<int:run_id>/status")
@requires(Permission.VIEW_REPORTS)
def cabinet_run_status(run_id: int):
    """What the progress page's live region says, for its script to fetch."""
    _fail_stopped_runs()
    response = jsonify(_progress(db.get_or_404(CabinetPackRun, run_id)))
    response.headers["Cache-Control"] = "no-store"
    return response


def _progress(run: CabinetPackRun) -> dict:
    """The build's state in words, the same for the page and its status endpoint."""
    finished = run.status in (RUN_DONE, RUN_FAILED)
    elapsed = _elapsed(run.requested_at, run.finished_at or utcnow())
    if run.status == RUN_DONE:
        message = "The pack is ready."
    elif run.status == RUN_FAILED:
        message = f"The pack was not built: {run.error or 'unknown error'}"
    else:
        message = f"Building the pack: {run.step or 'waiting to start'}."
    return {"status": run.status, "finished": finished, "message": message,
            "elapsed": f"Took {elapsed}." if finished else f"Running for {elapsed}."}


def _fail_stopped_runs() -> None:
    """A build whose process stopped would otherwise show 'running' for ever (the scheduler
    does this too, but pages must be right without waiting for it)."""
    if fail_stopped_runs(db.session, utcnow()):
        db.session.commit()


def _elapsed(start: datetime, end: datetime) -> str:
    seconds = max(int((end - start).total_seconds()), 0)
    return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"


@bp.route("/cabinet/packs/<int:pack_id>")
@requires(Permission.VIEW_REPORTS)
def download_cabinet_pack(pack_id: int):
    pack = db.get_or_404(CabinetPack, pack_id)
    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    try:
        content = read_pack(settings.upload_dir, pack)
    except ServiceError as error:
        current_app.logger.error("Cabinet pack %s not served: %s", pack.id, error)
        abort(404)
    return send_file(io.BytesIO(content), mimetype=MEDIA_TYPES[pack.kind], as_attachment=True,
                     download_name=download_name(pack, pack.run.version),
                     max_age=0, etag=pack.sha256)


# --- The accessible editions (issue 19) -------------------------------------------------------


def _pack_edition(run_id: int) -> PackEdition:
    """The run's data rebuilt for its web page or tagged PDF; a run not finished has none."""
    run = db.get_or_404(CabinetPackRun, run_id)
    settings = current_app.config["SUPPLIER_DD_SETTINGS"]
    try:
        return pack_edition(db.session, run,
                            council=council_name_for(db.session, settings.council_name))
    except RunNotFinished:
        abort(404)


@bp.route("/cabinet/runs/<int:run_id>/html")
@requires(Permission.VIEW_REPORTS)
def cabinet_run_html(run_id: int):
    """The pack as a web page: the same figures as the run's PDF and XLSX, for anyone who
    cannot read that PDF."""
    return render_template("reports/pack_html.html", edition=_pack_edition(run_id))


@bp.route("/cabinet/runs/<int:run_id>/accessible.pdf")
@requires(Permission.VIEW_REPORTS)
def cabinet_run_accessible_pdf(run_id: int):
    """The web page's content as a tagged PDF/UA-1 document, built on request (not stored)."""
    edition = _pack_edition(run_id)
    html = render_template("reports/pack_print.html", edition=edition)
    try:
        content = accessible_pdf(html, print_base_url(), edition.run)
    except ServiceError as error:
        # Said on the run's page, which links the web edition: the same content, readable now.
        current_app.logger.error("Cabinet pack run %s: %s", run_id, error)
        flash_refusal(f"{error}. The web edition of the pack has the same content; if this "
                      "happens again, tell your administrator.")
        return redirect(url_for("reports.cabinet_run", run_id=run_id))
    return send_file(io.BytesIO(content), mimetype=PDF_MEDIA_TYPE, as_attachment=True,
                     download_name=accessible_pdf_name(edition.run), max_age=0)
