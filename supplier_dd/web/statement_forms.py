"""The forms of the council's Transparency Statement (issue 19)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from supplier_dd.reports.statement import AREA_TITLES, NARRATIVE_MAX
from supplier_dd.web.base_form import Form
from supplier_dd.web.programme_forms import GovDateField


class NewStatementForm(Form):
    year = StringField("Financial year", description="For example, 2026/27",
                       widget=GovTextInput(),
                       validators=[DataRequired(message="Enter the financial year, like 2026/27")])
    submit = SubmitField("Start the statement", widget=GovSubmitInput())


def _narrative(area: str) -> TextAreaField:
    return TextAreaField(
        AREA_TITLES[area], widget=GovTextArea(),
        validators=[DataRequired(message=f"Enter the paragraph for "
                                         f"{AREA_TITLES[area].lower()}"),
                    Length(max=NARRATIVE_MAX, message=f"{AREA_TITLES[area]} must be "
                                                      f"{NARRATIVE_MAX:,} characters or fewer")])


class NarrativesForm(Form):
    structure = _narrative("structure")
    policies = _narrative("policies")
    risk = _narrative("risk")
    due_diligence = _narrative("due_diligence")
    training = _narrative("training")
    kpis = _narrative("kpis")
    submit = SubmitField("Save the statement", widget=GovSubmitInput())

    def narratives(self) -> dict[str, str]:
        return {area: getattr(self, area).data or "" for area in AREA_TITLES}


NO_PACK = "none"


class ApprovalForm(Form):
    approved_on = GovDateField("Date of approval",
                               required_message="Enter the date the statement was approved")
    approver_name = StringField(
        "Approved by", description="The person who approved it, like Cllr Jane Smith.",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the approver's name"),
                    Length(max=200, message="Approved by must be 200 characters or fewer")])
    approver_role = StringField(
        "Their role", description="Like Leader of the Council, or Cabinet.",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the approver's role"),
                    Length(max=200, message="Their role must be 200 characters or fewer")])
    decision_reference = StringField(
        "Decision reference",
        description="The key decision or Cabinet minute that approved it, like CAB/2027/14.",
        widget=GovTextInput(),
        validators=[DataRequired(message="Enter the decision reference"),
                    Length(max=200, message="Decision reference must be 200 characters or "
                                            "fewer")])
    # Choices are the year's finished pack runs (set by the view) and NO_PACK.
    pack_run = RadioField(
        "Evidence pack approved with it", widget=GovRadioInput(),
        description="The Cabinet evidence pack the council approved with the statement: it is "
                    "published with it, without the lists of records that name suppliers.",
        validators=[InputRequired(message="Choose the evidence pack approved with the "
                                          "statement, or no pack")])
    submit = SubmitField("Record the approval", widget=GovSubmitInput())

    def pack_run_id(self) -> int | None:
        return None if self.pack_run.data == NO_PACK else int(self.pack_run.data)


class ReturnForm(Form):
    reason = TextAreaField("What needs changing", widget=GovTextArea(),
                           validators=[DataRequired(message="Say what needs changing"),
                                       Length(max=2000, message="What needs changing must be "
                                                                "2,000 characters or fewer")])
    submit = SubmitField("Send back to draft", widget=GovSubmitInput())
