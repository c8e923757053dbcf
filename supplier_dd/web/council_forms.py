"""The forms for a partnership's councils (issue 17): a consortium admin creating a council with
its first admin, and a council's admin changing the council's own settings."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from supplier_dd.domain import council_settings
from supplier_dd.domain.council_settings import CouncilSettingError
from supplier_dd.web.base_form import Form


def _checked_by(check):
    """A WTForms validator from one of domain.council_settings' checks."""
    def validate(_form, field) -> None:
        try:
            check(field.data)
        except CouncilSettingError as error:
            raise ValidationError(str(error)) from None
    return validate


def _header_text(required: bool):
    validators = [Length(max=200, message="Header text must be 200 characters or fewer")]
    if required:
        validators.insert(0, DataRequired(message="Enter the header text, like the council's "
                                                  "name"))
    return StringField(
        "Header text" if required else "Header text (optional)",
        description="The words at the top of every page the council's staff see."
        + ("" if required else " Leave blank to use the council's name."),
        widget=GovTextInput(), validators=validators)


def _statement_url():
    return StringField(
        "Modern slavery statement page (optional)",
        description="Where the council publishes its Modern Slavery Transparency Statement, "
                    "like https://www.example.gov.uk/modern-slavery-statement",
        widget=GovTextInput(), validators=[_checked_by(council_settings.statement_url)])


class NewCouncilForm(Form):
    name = StringField(
        "Council name", description="As the council calls itself, like East District Council.",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the council's name"),
                    Length(max=200, message="Council name must be 200 characters or fewer")])
    short_name = StringField(
        "Short name (optional)",
        description="Lower-case letters, numbers and hyphens, like east-district: commands "
                    "and export file names use it. Leave blank to make one from the name.",
        widget=GovTextInput(),
        validators=[Length(max=40, message="Short name must be 40 characters or fewer")])
    header_text = _header_text(required=False)
    statement_url = _statement_url()
    admin_name = StringField(
        "Full name", widget=GovTextInput(),
        validators=[DataRequired(message="Enter the full name of the council's first admin"),
                    Length(max=200, message="Full name must be 200 characters or fewer")])
    admin_email = StringField(
        "Email address",
        description="Their work email address. The invitation to set a password goes here.",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the email address of the council's first admin"),
                    Length(max=254, message="Email address must be 254 characters or fewer")])
    submit = SubmitField("Create council and invite its admin", widget=GovSubmitInput())


class CouncilSettingsForm(Form):
    header_text = _header_text(required=True)
    statement_url = _statement_url()
    time_zone = StringField(
        "Time zone", description="The council's local time for due dates and reminders, as "
                                 "an IANA name like Europe/London.",
        widget=GovTextInput(), validators=[_checked_by(council_settings.time_zone)])
    reattestation_months = StringField(
        "Months between declarations (optional)",
        description="How often every supplier declares again. Leave blank to go by each "
                    "supplier's risk band.",
        widget=GovTextInput(), validators=[_checked_by(council_settings.reattestation_months)])
    reminder_days = StringField(
        "Reminder days (optional)",
        description="Days before a declaration is due that reminders go, separated by commas, "
                    "like 30,14,7. Leave blank for the service's usual reminders.",
        widget=GovTextInput(), validators=[_checked_by(council_settings.reminder_days)])
    pack_author = StringField(
        "Cabinet pack author (optional)",
        description="Who the annual Cabinet pack names as its author, like Head of Procurement.",
        widget=GovTextInput(),
        validators=[Length(max=200, message="Cabinet pack author must be 200 characters or "
                                            "fewer")])
    pack_approvers = TextAreaField(
        "Cabinet pack approvers (optional)",
        description="Who approves the pack, one a line.",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Cabinet pack approvers must be 2,000 characters "
                                             "or fewer")])
    submit = SubmitField("Save settings", widget=GovSubmitInput())

    def values(self) -> dict:
        """The settings to store, as the checks normalise them (only call once valid)."""
        return {
            "header_text": " ".join(self.header_text.data.split()),
            "statement_url": council_settings.statement_url(self.statement_url.data),
            "time_zone": council_settings.time_zone(self.time_zone.data),
            "reattestation_months": council_settings.reattestation_months(
                self.reattestation_months.data),
            "reminder_days": council_settings.reminder_days(self.reminder_days.data),
            "pack_author": " ".join((self.pack_author.data or "").split()) or None,
            "pack_approvers": council_settings.approvers(self.pack_approvers.data),
        }
