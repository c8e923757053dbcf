"""Forms for the risk review workspace (officers) and the supplier's replies."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices
from supplier_dd.web.programme_forms import GovDateField


class ReviewForm(Form):
    decision = RadioField(
        "Your decision", widget=GovRadioInput(),
        choices=choices([("accept", "Accept the assessment"),
                         ("query", "Query answers with the supplier"),
                         ("reject", "Reject the declaration")]),
        validators=[DataRequired(message="Select accept, query or reject")],
    )
    reason = TextAreaField(
        "Reason", widget=GovTextArea(),
        validators=[DataRequired(message="Enter the reason for your decision"),
                    Length(max=5000, message="Reason must be 5,000 characters or fewer")],
    )
    questions = SelectMultipleField(
        "Questions to send back (for a query)", widget=GovCheckboxesInput(), choices=[],
        validate_choice=False,
    )
    comment = TextAreaField(
        "What the supplier should change (for a query)", widget=GovTextArea(),
        validators=[Length(max=5000, message="Comment must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Record decision", widget=GovSubmitInput())

    def question_comment(self, question_id: str) -> str:
        """The officer's own comment on one question ('' when none was written)."""
        field = self._fields.get(question_comment_name(question_id))
        return (field.data or "").strip() if field is not None else ""


def question_comment_name(question_id: str) -> str:
    return f"comment_{question_id}"


def review_form_for(questions: list[tuple[str, str]]) -> type[ReviewForm]:
    """The review form with a comment box for each (question id, short name) of the declaration:
    the comment goes to the supplier beside that question when the officer sends it back."""
    comments = {
        question_comment_name(question_id): TextAreaField(
            f"What the supplier should change: {short}", widget=GovTextArea(),
            validators=[Length(max=5000, message=f"Your comment on {short[:1].lower()}"
                               f"{short[1:]} must be 5,000 characters or fewer")],
        )
        for question_id, short in questions
    }
    return type("QuestionReviewForm", (ReviewForm,), comments)


class CorrectiveActionForm(Form):
    title = StringField(
        "What the supplier must do", widget=GovTextInput(),
        validators=[DataRequired(message="Enter what the supplier must do"),
                    Length(max=200, message="Action must be 200 characters or fewer")],
    )
    description = TextAreaField("Details (optional)", widget=GovTextArea(),
                                validators=[Length(max=5000)])
    owner = StringField(
        "Owner at the supplier", widget=GovTextInput(),
        validators=[DataRequired(message="Enter who at the supplier owns this action"),
                    Length(max=200, message="Owner must be 200 characters or fewer")],
    )
    due_date = GovDateField("Due date", required_message="Enter the date the action is due")
    submit = SubmitField("Open corrective action", widget=GovSubmitInput())


class SignOffForm(Form):
    outcome = RadioField(
        "Is the action done?", widget=GovRadioInput(),
        choices=choices([("sign_off", "Yes, sign it off"),
                         ("reopen", "No, send it back to the supplier")]),
        validators=[DataRequired(message="Select whether to sign off or send back")],
    )
    note = TextAreaField("Note", widget=GovTextArea(), validators=[Length(max=5000)])
    submit = SubmitField("Save", widget=GovSubmitInput())


class SupplierReplyForm(Form):
    response = TextAreaField(
        "Your answer", widget=GovTextArea(),
        validators=[DataRequired(message="Enter your answer"),
                    Length(max=5000, message="Answer must be 5,000 characters or fewer")],
    )
    submit = SubmitField("Send to the council", widget=GovSubmitInput())


class CloseQueryForm(Form):
    submit = SubmitField("Close query", widget=GovSubmitInput())
