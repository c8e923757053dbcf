"""Re-attestation pages: a supplier's reminder history, recording contract events (officers), and
the email outbox with its failures (admins)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from sqlalchemy import select
from wtforms import DateField, RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length, StopValidation

from supplier_dd.domain.reminders import kind_label
from supplier_dd.domain.roles import Permission
from supplier_dd.domain.schedule import CONTRACT_EVENTS, DueReason
from supplier_dd.extensions import db
from supplier_dd.models import OutboxMessage, Supplier
from supplier_dd.models.base import utcnow
from supplier_dd.services import ServiceError
from supplier_dd.services import outbox as outbox_service
from supplier_dd.services import reminders as reminders_service
from supplier_dd.web.access import requires
from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices
from supplier_dd.web.flashes import flash_refusal
from supplier_dd.web.paging import page_number

bp = Blueprint("reminders", __name__)
HISTORY_PER_PAGE = 200
OUTBOX_PER_PAGE = 50


class _GovDateField(DateField):
    """Day, month and year boxes; errors worded the GOV.UK way."""

    missing_message = "Enter the date, for example 27 3 2026"

    def process(self, *args, **kwargs):
        super().process(*args, **kwargs)
        if self.raw_data and len(self.raw_data) != 3:
            # The widget reads raw_data as three boxes: a hand-made request with too few or too
            # many is shown back with its error, not a 500 (found by tests/fuzz).
            self.raw_data = (list(self.raw_data) + ["", "", ""])[:3]

    def pre_validate(self, form):
        if not self.process_errors and self.data is None:
            raise StopValidation(self.missing_message)

    def process_formdata(self, valuelist):
        if valuelist and not any(part.strip() for part in valuelist):
            self.data = None
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Enter a real date, for example 27 3 2026") from None


class ContractEventForm(Form):
    event = RadioField(
        "What happened?",
        choices=choices((reason.value, reason.label) for reason in CONTRACT_EVENTS),
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose what happened")],
    )
    event_on = _GovDateField("When did it happen?", format="%d %m %Y", widget=GovDateInput())
    note = TextAreaField(
        "Details (optional)", widget=GovTextArea(),
        validators=[Length(max=500, message="Details must be 500 characters or fewer")],
    )
    submit = SubmitField("Ask for a new declaration", widget=GovSubmitInput())


OUTBOX_STATUS_LABELS = {
    outbox_service.PENDING: "Waiting", outbox_service.SENDING: "Sending",
    outbox_service.SENT: "Sent", outbox_service.FAILED: "Failed",
    outbox_service.UNCONFIRMED: "Unconfirmed",
}


@bp.app_template_global()
def reminder_kind_label(kind: str) -> str:
    return kind_label(kind)


@bp.app_template_global()
def reattestation_reason(schedule) -> str:
    try:
        return DueReason(schedule.reason).label
    except ValueError:
        return schedule.reason


@bp.app_template_global()
def outbox_status_label(status: str) -> str:
    return OUTBOX_STATUS_LABELS.get(status, status)


def _supplier_or_404(supplier_id: int) -> Supplier:
    return db.get_or_404(Supplier, supplier_id)


def _today():
    return reminders_service.local_date(utcnow())


@bp.route("/officer/suppliers/<int:supplier_id>/reminders")
@requires(Permission.VIEW_SUPPLIERS)
def history(supplier_id: int):
    supplier = _supplier_or_404(supplier_id)
    summary = reminders_service.supplier_reattestation(
        db.session, supplier.id, _today(), limit=HISTORY_PER_PAGE
    )
    return render_template("officer/reminders.html", supplier=supplier, reattestation=summary)


@bp.route("/officer/suppliers/<int:supplier_id>/contract-event", methods=["GET", "POST"])
@requires(Permission.MANAGE_SUPPLIERS)
def contract_event(supplier_id: int):
    supplier = _supplier_or_404(supplier_id)
    form = ContractEventForm()
    if form.validate_on_submit():
        try:
            schedule = reminders_service.record_contract_event(
                db.session, supplier_id=supplier.id, event=form.event.data,
                event_on=form.event_on.data, now=utcnow(), note=form.note.data or "",
                responsible_officer_id=current_user.id,
            )
            db.session.commit()
        except ServiceError as error:
            db.session.rollback()
            form.event_on.errors = [*form.event_on.errors, str(error)]
        else:
            flash(f"{supplier.name} must re-confirm its declaration by "
                  f"{schedule.due_on.day} {schedule.due_on:%B %Y}")
            return redirect(url_for("officer.supplier", supplier_id=supplier.id))
    return render_template("officer/contract_event.html", form=form, supplier=supplier)


@bp.route("/admin/outbox")
@requires(Permission.MANAGE_OUTBOX)
def outbox():
    status = request.args.get("status") or None
    if status not in (None, *outbox_service.STATUSES):
        status = None  # an unknown filter shows everything rather than an error page
    page = page_number(request.args)
    rows, total = outbox_service.list_messages(db.session, status, page, OUTBOX_PER_PAGE)
    return render_template(
        "admin/outbox.html", messages=rows, total=total, page=page, per_page=OUTBOX_PER_PAGE,
        status=status, counts=outbox_service.status_counts(db.session),
        statuses=outbox_service.STATUSES, retryable=outbox_service.RETRYABLE,
    )


@bp.route("/admin/outbox/<int:message_id>/retry", methods=["POST"])
@requires(Permission.MANAGE_OUTBOX)
def retry_message(message_id: int):
    if db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.id == message_id)) is None:
        abort(404)
    try:
        message = outbox_service.retry(db.session, message_id, utcnow())
        db.session.commit()
    except ServiceError as error:
        db.session.rollback()
        flash_refusal(str(error))
    else:
        flash(f"The message to {message.recipient} will be sent again on the next send pass")
    return redirect(url_for("reminders.outbox", status=request.args.get("status") or None))
