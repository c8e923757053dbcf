"""Forms for tenders: the tender's details, a new bidder, requesting declarations, the award."""

from __future__ import annotations

import re
from datetime import date

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import Field, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from supplier_dd.domain.organisations import normalise_company_number
from supplier_dd.domain.tenders import (
    PROCUREMENT_ROUTES,
    RISK_TIERS,
    check_closing_date,
    parse_estimated_value,
)
from supplier_dd.infrastructure.mail import invalid_address_reason
from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices
from supplier_dd.web.programme_forms import GovDateField

_CPV = re.compile(r"^\d{8}(?:-\d)?$")


class PoundsField(Field):
    """An amount in pounds typed into a text box: '250000', '£250,000' and '£1.2m' are read;
    anything else, zero or less is explained."""

    widget = GovTextInput()

    def __init__(self, label=None, validators=None, *, required_message: str, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data:f}".rstrip("0").rstrip(".") if self.data is not None else ""

    def process_formdata(self, valuelist):
        text = (valuelist[0] if valuelist else "").strip()
        self.data = None
        if not text:
            raise ValueError(self.required_message)
        self.data = parse_estimated_value(text)


def _cpv_code(form, field):
    if field.data and field.data.strip():
        field.data = "".join(field.data.split())
        if not _CPV.match(field.data):
            raise ValidationError("Enter a CPV code of 8 digits, like 90910000 or 90910000-9")


def _category_or_cpv(form, field):
    if not (form.category.data or "").strip() and not (form.cpv_code.data or "").strip():
        raise ValidationError("Enter a category or a CPV code")


class TenderForm(Form):
    reference = StringField(
        "Reference", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the tender's reference"),
                    Length(max=100, message="The reference must be 100 characters or fewer")],
    )
    title = StringField(
        "Title", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the tender's title"),
                    Length(max=500, message="The title must be 500 characters or fewer")],
    )
    description = TextAreaField(
        "Description (optional)", widget=GovTextArea(),
        validators=[Length(max=5000, message="The description must be 5000 characters or fewer")],
    )
    category = StringField(
        "Category", widget=GovTextInput(),
        validators=[_category_or_cpv,
                    Length(max=200, message="The category must be 200 characters or fewer")],
    )
    cpv_code = StringField("CPV code", widget=GovTextInput(), validators=[Optional(), _cpv_code])
    value = PoundsField("Estimated value", required_message="Enter the estimated value in pounds")
    procurement_route = RadioField(
        "Procurement route", widget=GovRadioInput(), choices=choices(PROCUREMENT_ROUTES),
        validators=[InputRequired(message="Select the procurement route")],
    )
    risk_tier = RadioField(
        "Modern slavery risk tier", widget=GovRadioInput(), choices=choices(RISK_TIERS),
        validators=[InputRequired(message="Select the modern slavery risk tier")],
    )
    closing_date = GovDateField("Closing date", required_message="Enter the closing date")
    lot = StringField(
        "Lot (optional)", widget=GovTextInput(),
        validators=[Length(max=200, message="The lot must be 200 characters or fewer")],
    )
    submit = SubmitField("Save tender", widget=GovSubmitInput())

    def __init__(self, *args, closing_from: date | None = None, **kwargs):
        """`closing_from`: the earliest closing date allowed (today, for a new tender), so its
        error shows beside the others rather than after them."""
        super().__init__(*args, **kwargs)
        self.closing_from = closing_from

    def validate_closing_date(self, field):
        if field.data is not None and self.closing_from is not None:
            try:
                check_closing_date(field.data, self.closing_from)
            except ValueError as error:
                raise ValidationError(str(error)) from None


def _company_number(form, field):
    try:
        field.data = normalise_company_number(field.data)
    except ValueError as error:
        raise ValidationError(str(error)) from None


def _email_address(form, field):
    if invalid_address_reason((field.data or "").strip()):
        raise ValidationError("Enter an email address in the correct format, like "
                              "name@example.com")


class NewBidderForm(Form):
    name = StringField(
        "Legal name", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the bidder's legal name"),
                    Length(max=300, message="The name must be 300 characters or fewer")],
    )
    companies_house_number = StringField(
        "Companies House number", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the Companies House number"), _company_number],
    )
    contact_name = StringField(
        "Contact's full name", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the contact's full name"),
                    Length(max=200, message="The name must be 200 characters or fewer")],
    )
    contact_email = StringField(
        "Contact's email address", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the contact's email address"), _email_address],
    )
    submit = SubmitField("Add bidder and send invitation", widget=GovSubmitInput())


class RequestDeclarationsForm(Form):
    due_date = GovDateField("When is the declaration due?",
                            required_message="Enter the date the declaration is due")
    note = TextAreaField(
        "Message to the bidders (optional)", widget=GovTextArea(),
        validators=[Length(max=2000, message="The message must be 2000 characters or fewer")],
    )
    submit = SubmitField("Send requests", widget=GovSubmitInput())


class AwardForm(Form):
    supplier = RadioField(
        "Who is the tender awarded to?", widget=GovRadioInput(), choices=[],
        # The service checks the choice is a bidder, and says so in words.
        validate_choice=False,
        validators=[InputRequired(message="Select the bidder the tender is awarded to")],
    )
    contract_reference = StringField(
        "Contract reference", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the contract's reference"),
                    Length(max=100, message="The reference must be 100 characters or fewer")],
    )
    value = PoundsField("Contract value", required_message="Enter the contract value in pounds")
    start_date = GovDateField("Start date", required_message="Enter the contract's start date")
    end_date = GovDateField("End date", required_message="Enter the contract's end date")
    submit = SubmitField("Award the tender", widget=GovSubmitInput())


class ConfirmForm(Form):
    """A button and its CSRF token: closing a tender."""

    submit = SubmitField("Close the tender", widget=GovSubmitInput())


class RemoveBidderForm(Form):
    reason = TextAreaField(
        "Why is the bidder being removed? (optional)", widget=GovTextArea(),
        description="The supplier is told this if it had been asked for a declaration.",
        validators=[Length(max=2000, message="The reason must be 2000 characters or fewer")],
    )
    submit = SubmitField("Remove the bidder", widget=GovSubmitInput())
