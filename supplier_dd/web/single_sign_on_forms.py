"""The forms of a council's single sign-on settings (issue 18)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from supplier_dd.domain.single_sign_on import MAPPABLE_ROLES
from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices
from supplier_dd.web.staff_roles import role_label


class IdentityProviderForm(Form):
    issuer = StringField(
        "Issuer URL",
        description="Your provider's issuer, like https://login.microsoftonline.com/"
                    "{tenant id}/v2.0 for Microsoft Entra ID.",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the issuer URL"),
                    Length(max=500, message="Issuer URL must be 500 characters or fewer")])
    client_id = StringField(
        "Client ID", description="The application (client) ID the provider gave this service.",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the client ID"),
                    Length(max=200, message="Client ID must be 200 characters or fewer")])
    client_secret = PasswordField(
        "Client secret",
        description="Shown once by the provider when you made it. Leave blank to keep the one "
                    "saved.",
        widget=GovPasswordInput(),
        validators=[Length(max=500, message="Client secret must be 500 characters or fewer")])
    allowed_domains = TextAreaField(
        "Staff email domains",
        description="One per line, like westshire.gov.uk. Only people whose email address is at "
                    "one of these get an account.",
        widget=GovTextArea(),
        validators=[Length(max=2000, message="Staff email domains must be 2,000 characters or "
                                             "fewer")])
    groups_claim = StringField(
        "Groups claim",
        description="The ID token claim that lists the person's groups: groups, or roles for "
                    "Entra ID app roles.",
        default="groups", widget=GovTextInput(),
        validators=[Length(max=60, message="Groups claim must be 60 characters or fewer")])
    enabled = RadioField(
        "Can staff sign in with it?", choices=choices([("yes", "Yes"), ("no", "Not yet")]),
        default="no",
        widget=GovRadioInput(),
        validators=[InputRequired(message="Choose whether staff can sign in with it")])
    submit = SubmitField("Save single sign-on", widget=GovSubmitInput())


class GroupRoleForm(Form):
    group_name = StringField(
        "Group or app role",
        description="As the provider sends it: for Entra ID, the group's object ID or the app "
                    "role's value.",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the group or app role"),
                    Length(max=200, message="Group must be 200 characters or fewer")])
    role = RadioField("Role it gives", widget=GovRadioInput(),
                      validators=[InputRequired(message="Choose the role this group gives")])
    add_group = SubmitField("Add group", widget=GovSubmitInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = choices((role.value, role_label(role.value))
                                    for role in MAPPABLE_ROLES)
