"""Imports: upload a file, check the preview, confirm (or discard).

Contracts registers are for procurement officers and admins; the statement registry, which
every supplier's checks rely on, is for admins. The uploaded file waits server-side between
preview and confirmation (services.import_batches), never in the browser or under static/.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput
from sqlalchemy import select
from wtforms import SubmitField

from supplier_dd.domain.roles import Permission, can
from supplier_dd.extensions import db
from supplier_dd.models import ImportBatch
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError
from supplier_dd.services import import_batches as batches
from supplier_dd.services.contract_import import NEW_SUPPLIER, ImportRefused
from supplier_dd.services.tender_import import TenderImportRefused
from supplier_dd.web.access import requires
from supplier_dd.web.auditing import request_actor
from supplier_dd.web.base_form import Form
from supplier_dd.web.flashes import flash_refusal

bp = Blueprint("imports", __name__, url_prefix="/imports")

_KIND_PERMISSION = {
    batches.CONTRACTS: Permission.IMPORT_CONTRACTS,
    batches.REGISTRY: Permission.IMPORT_REGISTRY,
    batches.TENDERS: Permission.IMPORT_CONTRACTS,
}


class UploadForm(Form):
    file = FileField(
        "Upload a file",
        widget=GovFileInput(),
        validators=[FileRequired(message="Select a CSV or Excel (.xlsx) file")],
    )
    submit = SubmitField("Upload and check", widget=GovSubmitInput())


class ConfirmForm(Form):
    """CSRF only: the supplier choices are radios named per ambiguous supplier."""


def _settings():
    return current_app.config["SUPPLIER_DD_SETTINGS"]


def _allowed_kinds() -> set[str]:
    return {kind for kind, permission in _KIND_PERMISSION.items()
            if can(current_user.role, permission)}


def _batch_or_404(token: str) -> ImportBatch:
    batch = db.session.scalar(select(ImportBatch).where(ImportBatch.token == token))
    # A batch of a kind this person may not import is not theirs to see either.
    if batch is None or batch.kind not in _allowed_kinds():
        abort(404)
    return batch


@bp.route("")
@requires(Permission.IMPORT_CONTRACTS)
def index():
    kinds = _allowed_kinds()
    return render_template(
        "imports/index.html",
        recent=batches.recent_batches(db.session, kinds),
        kinds=batches.KINDS,
        summary_of=batches.summary_of,
        failure_reason=batches.failure_reason,
        can_import_registry=batches.REGISTRY in kinds,
    )


def _upload(kind: str):
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            batch = batches.store_upload(
                db.session, kind=kind, filename=upload.filename or "", stream=upload.stream,
                upload_dir=_settings().upload_dir, max_bytes=_settings().upload_max_bytes,
                uploaded_by=current_user, now=utcnow(),
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.file.errors = [str(error)]
        else:
            return redirect(url_for("imports.show", token=batch.token))
    return render_template(f"imports/upload_{kind}.html", form=form,
                           max_mb=_settings().upload_max_bytes // (1024 * 1024))


@bp.route("/contracts", methods=["GET", "POST"])
@requires(Permission.IMPORT_CONTRACTS)
def upload_contracts():
    return _upload(batches.CONTRACTS)


@bp.route("/tenders", methods=["GET", "POST"])
@requires(Permission.IMPORT_CONTRACTS)
def upload_tenders():
    return _upload(batches.TENDERS)


@bp.route("/registry", methods=["GET", "POST"])
@requires(Permission.IMPORT_REGISTRY)
def upload_registry():
    return _upload(batches.REGISTRY)


def _render_batch(batch: ImportBatch, summary=None, errors=None, choices=None, status=200):
    return render_template(
        f"imports/{batch.kind}_batch.html",
        batch=batch,
        summary=summary or batches.summary_of(batch),
        confirm_form=ConfirmForm(),
        page_errors=errors or [],
        choices=choices or {},
        new_supplier=NEW_SUPPLIER,
        hold_hours=batches.HOLD_HOURS,
    ), status


@bp.route("/<token>")
@requires(Permission.IMPORT_CONTRACTS)
def show(token: str):
    return _render_batch(_batch_or_404(token))


def _supplier_choices(summary) -> tuple[dict[str, str], dict[str, str], list[dict]]:
    """The officer's choice for each ambiguous supplier: (by key, by field name, errors)."""
    by_key, by_field, errors = {}, {}, []
    for index, entry in enumerate(getattr(summary, "ambiguous", [])):
        name = f"supplier-{index}"
        value = (request.form.get(name) or "").strip()
        allowed = {NEW_SUPPLIER} | {str(c["id"]) for c in entry["candidates"]}
        if value in allowed:
            by_key[entry["key"]] = value
            by_field[name] = value
        else:
            errors.append({"text": f"Choose which supplier '{entry['name']}' is",
                           "href": f"#{name}"})
    return by_key, by_field, errors


@bp.route("/<token>/confirm", methods=["POST"])
@requires(Permission.IMPORT_CONTRACTS)
def confirm(token: str):
    batch = _batch_or_404(token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if batch.status != batches.PREVIEWED:
        flash_refusal("This file has already been dealt with.")
        return redirect(url_for("imports.show", token=batch.token))
    summary = batches.summary_of(batch)
    resolutions, chosen, errors = _supplier_choices(summary)
    if errors:
        return _render_batch(batch, summary, errors, chosen, status=400)
    settings = _settings()
    try:
        result = batches.confirm(db.session, batch, upload_dir=settings.upload_dir,
                                 actor=request_actor(), now=utcnow(), resolutions=resolutions)
        db.session.commit()
    except (ImportRefused, TenderImportRefused) as refused:
        db.session.rollback()
        # Show the problems as they are now: the database may have changed since the preview.
        return _render_batch(batch, refused.summary, [{"text": str(refused)}], chosen, 400)
    except ServiceError as error:
        db.session.rollback()
        return _render_batch(batch, summary, [{"text": str(error)}], chosen, status=400)
    batches.remove_held_file(batch, settings.upload_dir)
    flash(_result_message(batch.kind, result))
    return redirect(url_for("imports.show", token=batch.token))


def _result_message(kind: str, result) -> str:
    if kind == batches.REGISTRY:
        return (f"Statement registry imported: {result.to_create} new statements, "
                f"{result.to_update} updated, {result.unchanged} unchanged.")
    if kind == batches.TENDERS:
        return (f"Tenders register imported: {result.to_create} tenders created, "
                f"{result.to_update} updated, {result.unchanged} unchanged.")
    return (f"Contracts register imported: {result.to_create} contracts created, "
            f"{result.to_update} updated, {result.unchanged} unchanged; "
            f"{result.new_supplier_count} new suppliers.")


@bp.route("/<token>/discard", methods=["POST"])
@requires(Permission.IMPORT_CONTRACTS)
def discard(token: str):
    batch = _batch_or_404(token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    batches.discard(db.session, batch, _settings().upload_dir, utcnow())
    db.session.commit()
    batches.remove_held_file(batch, _settings().upload_dir)
    flash(f"{batch.filename} discarded; nothing was imported.")
    return redirect(url_for("imports.index"))
