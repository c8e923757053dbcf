"""Forms on the admin pages: a new council staff account, and the audit log's filters."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices
from supplier_dd.web.programme_forms import GovDateField
from supplier_dd.web.staff_roles import staff_role_choices


class StaffAccountForm(Form):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the person's full name"),
                    Length(max=200, message="Full name must be 200 characters or fewer")],
    )
    email = StringField(
        "Email address",
        description="Their work email address. The invitation to set a password goes here.",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the person's email address"),
                    Length(max=254, message="Email address must be 254 characters or fewer")],
    )
    role = RadioField(
        "What can this person do?",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose what this person can do")],
    )
    submit = SubmitField("Create account and send invitation", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices((value, label) for value, label, _hint in staff_role_choices())

    @staticmethod
    def role_hints() -> list[dict]:
        """Per-radio hints, merged into the widget's items in order."""
        return [{"hint": {"text": hint}} for _value, _label, hint in staff_role_choices()]


class AuditFilterForm(Form):
    """Read from the query string (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    action = SelectField("Action", widget=GovSelect(), validators=[Optional()],
                         validate_choice=False)
    actor = StringField(
        "Person",
        description="Part of an email address",
        widget=GovTextInput(),
        validators=[Length(max=254, message="Person must be 254 characters or fewer")],
    )
    object_id = StringField(
        "Record id", widget=GovTextInput(),
        validators=[Length(max=60, message="Record id must be 60 characters or fewer")],
    )
    date_from = GovDateField("From", description="For example, 27 3 2026")
    date_to = GovDateField("To", description="For example, 31 3 2026")

    def __init__(self, *args, actions: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = choices([("", "Any action"), *((a, a) for a in actions)])

    def validate_date_to(self, field) -> None:
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError("The ‘to’ date must be the same as or after the ‘from’ date")
