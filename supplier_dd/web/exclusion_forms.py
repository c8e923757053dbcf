"""The exclusion decision form (Procurement Act 2023), rendered with govuk-frontend-wtf."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Length

from supplier_dd.domain.exclusions import OUTCOMES
from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices
from supplier_dd.web.programme_forms import GovDateField


class ExclusionDecisionForm(Form):
    outcome = RadioField(
        "Decision", widget=GovRadioInput(), choices=choices(OUTCOMES.items()),
        validators=[InputRequired(message="Select the decision")],
    )
    likely_to_recur = RadioField(
        "Are the circumstances continuing or likely to occur again?", widget=GovRadioInput(),
        choices=choices([("yes", "Yes"), ("no", "No")]),
        description="Take account of any self-cleaning evidence: what the supplier has done "
                    "to stop it happening again.",
        validators=[InputRequired(
            message="Select whether the circumstances are likely to occur again")],
    )
    reasons = TextAreaField(
        "Reasons for the decision", widget=GovTextArea(),
        description="What you considered and why you decided as you did. The supplier may ask "
                    "for them.",
        validators=[InputRequired(message="Enter the reasons for the decision"),
                    Length(max=10000, message="Reasons must be 10,000 characters or fewer")],
    )
    decided_on = GovDateField("Date of the decision",
                              required_message="Enter the date of the decision")
    submit = SubmitField("Record the decision", widget=GovSubmitInput())


class DebarmentListForm(Form):
    file = FileField(
        "Debarment list", widget=GovFileInput(),
        validators=[FileRequired(message="Select the debarment list CSV file")],
    )
    submit = SubmitField("Import and check every supplier", widget=GovSubmitInput())
