"""Forms an officer uses to verify the evidence behind one answer, and to withdraw it."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import (
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from supplier_dd.models.answer_verification import (
    KIND_CERTIFICATION,
    KIND_DOCUMENT,
    KIND_REGISTRY,
)
from supplier_dd.services.answer_verification import CERTIFICATION_REQUIRED, NAME_MAX, NOTE_MAX
from supplier_dd.web.base_form import Form
from supplier_dd.web.programme_forms import GovDateField

KIND_LABELS = {
    KIND_DOCUMENT: "A file the supplier uploaded with this answer",
    KIND_CERTIFICATION: "An independent audit or certification",
    KIND_REGISTRY: "The supplier's statement on the Home Office registry",
}
# The fields that go with each kind: the others are ignored, so a half-typed date under
# another kind cannot block the one the officer chose.
KIND_FIELDS = {
    KIND_DOCUMENT: ("evidence_file",),
    KIND_CERTIFICATION: ("scheme", "certifying_body", "certified_on", "expires_on"),
    KIND_REGISTRY: ("registry_statement",),
}


class VerifyEvidenceForm(Form):
    kind = RadioField("How did you check the evidence?", choices=[], widget=GovRadioInput(),
                      validators=[DataRequired(message="Select how you checked the evidence")])
    evidence_file = RadioField("File you checked", choices=[], widget=GovRadioInput(),
                               validate_choice=False)
    scheme = StringField("Audit or certification scheme", widget=GovTextInput(),
                         validators=[Length(max=NAME_MAX, message="Scheme must be "
                                            f"{NAME_MAX} characters or fewer")])
    certifying_body = StringField("Audit or certification body", widget=GovTextInput(),
                                  validators=[Length(max=NAME_MAX, message="Body must be "
                                                     f"{NAME_MAX} characters or fewer")])
    certified_on = GovDateField("Date of the audit or certification")
    expires_on = GovDateField("Valid until (optional)")
    registry_statement = RadioField("Registry statement you checked", choices=[],
                                    widget=GovRadioInput(), validate_choice=False)
    note = TextAreaField("Note (optional)", widget=GovTextArea(),
                         validators=[Length(max=NOTE_MAX, message="Note must be "
                                            f"{NOTE_MAX:,} characters or fewer")])
    submit = SubmitField("Verify evidence", widget=GovSubmitInput())

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        chosen = KIND_FIELDS.get(self.kind.data, ())
        for fields in KIND_FIELDS.values():
            for name in fields:
                if name not in chosen:
                    self[name].errors = []
        if self.kind.data == KIND_CERTIFICATION:
            # Every missing part at once, rather than one per submission from the service.
            for name, message in CERTIFICATION_REQUIRED.items():
                field = self[name]
                empty = field.data is None or (isinstance(field.data, str)
                                               and not field.data.strip())
                if empty and not field.errors:
                    field.errors = [message]
        return not any(field.errors for field in self)


class WithdrawVerificationForm(Form):
    reason = TextAreaField(
        "Why are you withdrawing it?", widget=GovTextArea(),
        validators=[DataRequired(message="Enter why you are withdrawing the verification"),
                    Length(max=NOTE_MAX, message=f"Reason must be {NOTE_MAX:,} characters "
                                                 "or fewer")])
    submit = SubmitField("Withdraw verification", widget=GovSubmitInput())
