"""Forms for the council's programme records, rendered with govuk-frontend-wtf widgets."""

from __future__ import annotations

from datetime import date

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovDateInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    Field,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from supplier_dd.domain.programme import REFERRAL_TYPE_LABELS, TRAINING_GROUP_LABELS
from supplier_dd.domain.timeframes import PROGRESS_LABELS
from supplier_dd.web.base_form import Form
from supplier_dd.web.choices import choices


class GovDateField(Field):
    """Day, month and year boxes, with the GOV.UK Design System's date error messages."""

    widget = GovDateInput()

    def __init__(self, label=None, validators=None, *, required_message: str | None = None,
                 **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message

    def _value(self):
        return self.data.strftime("%d %m %Y") if self.data else ""

    def process(self, *args, **kwargs):
        super().process(*args, **kwargs)
        if not self.raw_data:
            # The widget reads raw_data as three values; none were posted, so show the data.
            self.raw_data = None
        elif len(self.raw_data) != 3:
            # A hand-made request with too few or too many boxes is shown back, not a 500.
            self.raw_data = (list(self.raw_data) + ["", "", ""])[:3]

    def process_formdata(self, valuelist):
        parts = [value.strip() for value in valuelist] + [""] * (3 - len(valuelist))
        day, month, year = parts[:3]
        self.data = None
        if not (day or month or year):
            if self.required_message:
                raise ValueError(self.required_message)
            return
        missing = [name for name, value in (("day", day), ("month", month), ("year", year))
                   if not value]
        if missing:
            raise ValueError(f"Date must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValueError("Date must be a real date, like 27 3 2024")
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            raise ValueError("Date must be a real date, like 27 3 2024") from None


class WholeNumberField(IntegerField):
    """A count typed into a text box; '1,200' is accepted, '2o' is explained."""

    def process_formdata(self, valuelist):
        self.data = None
        text = (valuelist[0] if valuelist else "").strip().replace(",", "")
        if not text:
            return
        if not text.lstrip("-").isdigit():
            raise ValueError("Enter a whole number, like 20")
        self.data = int(text)


RAG_CHOICES = choices([("", "Not set"), ("red", "Red"), ("amber", "Amber"), ("green", "Green")])


class ActionForm(Form):
    ref = StringField("Ref (optional)", widget=GovTextInput(), validators=[Length(max=20)])
    description = TextAreaField(
        "Action", widget=GovTextArea(),
        validators=[DataRequired(message="Enter what the action is")],
    )
    measure = TextAreaField("Measure or outcome (optional)", widget=GovTextArea())
    lead_officer = StringField("Lead officer (optional)", widget=GovTextInput(),
                               validators=[Length(max=500)])
    area_lead = StringField("Area lead (optional)", widget=GovTextInput(),
                            validators=[Length(max=500)])
    start_date = GovDateField("Start date (optional)")
    end_date = GovDateField("Due date (optional)")
    progress = SelectField(
        "Progress", widget=GovSelect(),
        choices=choices([("", "Not recorded")]
                        + [(p.value, label) for p, label in PROGRESS_LABELS.items()]),
    )
    comments = TextAreaField("Comments (optional)", widget=GovTextArea())
    rag = RadioField("RAG status", widget=GovRadioInput(), choices=RAG_CHOICES, default="",
                     validate_choice=True)
    rag_reason = TextAreaField("Why did the RAG status change?", widget=GovTextArea(),
                               description="Needed only when you change the RAG status. "
                                           "It is kept in the action's history.")
    submit = SubmitField("Save action", widget=GovSubmitInput())


class ImportActionPlanForm(Form):
    file = FileField("Action plan file", widget=GovFileInput(),
                     description="A tab-separated text file copied from the plan's table")
    title = StringField("Title (optional)", widget=GovTextInput(), validators=[Length(max=300)],
                        description="Leave blank to use the name in the file")
    submit = SubmitField("Import action plan", widget=GovSubmitInput())


class TrainingForm(Form):
    staff_group = RadioField(
        "Who was trained?", widget=GovRadioInput(),
        choices=choices((g.value, label) for g, label in TRAINING_GROUP_LABELS.items()),
        validators=[InputRequired(message="Select the group that was trained")],
    )
    course = StringField(
        "Course", widget=GovTextInput(),
        description="For example, CIPS Ethical Procurement and Supply, or safeguarding "
                    "e-learning that includes modern slavery",
        validators=[DataRequired(message="Enter the name of the course"), Length(max=300)],
    )
    completed = WholeNumberField(
        "How many have completed it?", widget=GovTextInput(),
        validators=[InputRequired(message="Enter how many have completed the course"),
                    NumberRange(min=0, message="The number who completed must be 0 or more")],
    )
    total = WholeNumberField(
        "How many are in the group?", widget=GovTextInput(),
        validators=[InputRequired(message="Enter how many are in the group"),
                    NumberRange(min=1, message="The number in the group must be 1 or more")],
    )
    recorded_on = GovDateField("Date of the count", required_message="Enter the date of the count")
    notes = TextAreaField("Notes (optional)", widget=GovTextArea())
    submit = SubmitField("Save training record", widget=GovSubmitInput())


class ReferralForm(Form):
    referred_on = GovDateField("Date of the referral or concern",
                               required_message="Enter the date of the referral or concern")
    referral_type = RadioField(
        "Type", widget=GovRadioInput(),
        choices=choices((t.value, label) for t, label in REFERRAL_TYPE_LABELS.items()),
        validators=[InputRequired(message="Select the type of referral")],
    )
    service_area = StringField(
        "Service area", widget=GovTextInput(),
        description="The council service that raised it, for example Housing Options",
        validators=[DataRequired(message="Enter the service area"), Length(max=200)],
    )
    outcome = TextAreaField("Outcome (optional)", widget=GovTextArea(),
                            description="For example, NRM referral accepted, or advice given by "
                                        "the Modern Slavery Helpline")
    notes = TextAreaField("Notes (optional)", widget=GovTextArea(),
                          description="Do not include names or other details that could "
                                      "identify a potential victim.")
    supplier_id = SelectField(
        "Supplier it concerns (optional)", widget=GovSelect(), validators=[Optional()],
        description="If the concern is about one of the council's suppliers")
    contract_id = SelectField(
        "Contract it concerns (optional)", widget=GovSelect(), validators=[Optional()],
        description="Choosing a contract is enough: its supplier is linked too")
    submit = SubmitField("Save referral", widget=GovSubmitInput())

    def __init__(self, suppliers, contracts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.supplier_id.choices = choices([("", "None")] + [
            (str(supplier.id), supplier.name) for supplier in suppliers
        ])
        self.contract_id.choices = contract_choices(contracts)


def contract_choices(contracts) -> list:
    return choices([("", "None")] + [
        (str(contract.id), f"{contract.reference}: {contract.title}") for contract in contracts
    ])


class EvidenceForm(Form):
    evidenced_on = GovDateField("Date", required_message="Enter the date it was done")
    description = TextAreaField("What was done", widget=GovTextArea(),
                                validators=[DataRequired(message="Describe what was done")])
    tender_id = SelectField("Tender (optional)", widget=GovSelect(), validators=[Optional()])
    contract_id = SelectField("Contract (optional)", widget=GovSelect(), validators=[Optional()])
    submit = SubmitField("Save evidence", widget=GovSubmitInput())

    def __init__(self, tenders, contracts, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tender_id.choices = choices([("", "None")] + [
            (str(t.id), f"{t.reference}: {t.title}") for t in tenders
        ])
        self.contract_id.choices = contract_choices(contracts)


class CurrentPlanForm(Form):
    """Marks the action plan shown as the council's current one (the plan the pack reports)."""

    submit = SubmitField("Make this the council's current plan", widget=GovSubmitInput())
