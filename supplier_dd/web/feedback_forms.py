"""Forms for the supplier's feedback: its response to a recommendation, and files for a
corrective action."""

from __future__ import annotations

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovFileInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
)
from wtforms import RadioField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from supplier_dd.models.feedback import (
    RESPONSE_DONE,
    RESPONSE_NOT_APPLICABLE,
    RESPONSE_WILL_DO,
)
from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices
from supplier_dd.web.programme_forms import GovDateField

NOTE_LENGTH = Length(max=5000, message="Your answer must be 5,000 characters or fewer")


class RecommendationResponseForm(Form):
    kind = RadioField(
        "What will you do about this?", widget=GovRadioInput(),
        choices=choices([(RESPONSE_WILL_DO, "We will do this"),
                         (RESPONSE_DONE, "We have already done this"),
                         (RESPONSE_NOT_APPLICABLE, "This does not apply to us")]),
        validators=[DataRequired(message="Select what you will do about this recommendation")],
    )
    due_date = GovDateField("Date you will do it by")
    note_will_do = TextAreaField("How you will do it (optional)", widget=GovTextArea(),
                                 validators=[NOTE_LENGTH])
    evidence = FileField("Evidence that you have done it", widget=GovFileInput())
    note_done = TextAreaField("What you did (optional)", widget=GovTextArea(),
                              validators=[NOTE_LENGTH])
    note_not_applicable = TextAreaField("Why it does not apply to you", widget=GovTextArea(),
                                        validators=[NOTE_LENGTH])
    submit = SubmitField("Save your response", widget=GovSubmitInput())

    NOTES = {RESPONSE_WILL_DO: "note_will_do", RESPONSE_DONE: "note_done",
             RESPONSE_NOT_APPLICABLE: "note_not_applicable"}

    def note_for(self, kind: str | None) -> str:
        field = self.NOTES.get(kind or "")
        return (self[field].data or "") if field else ""


class ActionEvidenceForm(Form):
    evidence = FileField("Upload evidence", widget=GovFileInput())
    submit = SubmitField("Upload file", widget=GovSubmitInput())

