"""WTForms forms rendered with govuk-frontend-wtf widgets."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, ValidationError

from supplier_dd.domain.organisations import (
    TURNOVER_BANDS,
    countries,
    normalise_company_number,
    sectors,
)
from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices


class SignInForm(Form):
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter your email address")],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[DataRequired(message="Enter your password")],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


class SetPasswordForm(Form):
    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Enter a password"),
            Length(min=12, message="Password must be 12 characters or more"),
        ],
    )
    confirm = PasswordField(
        "Confirm your password",
        widget=GovPasswordInput(),
        validators=[
            DataRequired(message="Confirm your password"),
            EqualTo("password", message="Passwords must match"),
        ],
    )
    submit = SubmitField("Set password and sign in", widget=GovSubmitInput())


def _company_number(form, field):
    if field.data and field.data.strip():
        try:
            field.data = normalise_company_number(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None


class SupplierForm(Form):
    name = StringField(
        "Legal name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the supplier's legal name"), Length(max=300)],
    )
    companies_house_number = StringField(
        "Companies House number (optional)",
        widget=GovTextInput(),
        validators=[Optional(), _company_number],
    )
    country = SelectField(
        "Country of registration",
        widget=GovSelect(),
        validators=[DataRequired(message="Select the country of registration")],
    )
    sector = SelectField("Main sector", widget=GovSelect(), validators=[Optional()])
    turnover_band = SelectField("Annual turnover", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Save supplier", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country.choices = choices([("", "Select a country"), *countries()])
        self.sector.choices = choices([("", "Not known")] + [(s, s) for s in sectors()])
        self.turnover_band.choices = choices([("", "Not known"), *TURNOVER_BANDS])
        if not self.country.data:
            self.country.data = "GB"


class InviteContactForm(Form):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the contact's full name"), Length(max=200)],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the contact's email address")],
    )
    submit = SubmitField("Send invitation", widget=GovSubmitInput())


class SearchForm(Form):
    class Meta:
        csrf = False

    q = StringField("Search by name or Companies House number", widget=GovTextInput())
