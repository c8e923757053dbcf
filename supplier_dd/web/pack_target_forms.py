"""The form an admin sets the council's Cabinet pack targets with (edition 2 reads them)."""

from __future__ import annotations

from govuk_frontend_wtf.wtforms_widgets import GovSubmitInput, GovTextInput
from wtforms import Field, SubmitField
from wtforms.validators import StopValidation

from supplier_dd.services.pack_targets import MEASURES
from supplier_dd.web.base_form import Form


class PercentField(Field):
    """A target typed as a percentage: '90', '92.5' or '90%'. Blank or out of range is explained
    with the measure's name, and what was typed is shown again."""

    widget = GovTextInput()

    def process_formdata(self, valuelist):
        self.raw = (valuelist[0] if valuelist else "").strip()
        self.data = None
        try:
            self.data = float(self.raw.removesuffix("%").strip()) if self.raw else None
        except ValueError:
            self.data = None

    def _value(self):
        if getattr(self, "raw", None) is not None:
            return self.raw
        return "" if self.data is None else f"{self.data:g}"

    def pre_validate(self, form):
        name = self.label.text
        if getattr(self, "raw", "") == "" and self.data is None:
            raise StopValidation(f"Enter a target for {name.lower()}, from 0 to 100")
        if self.data is None:
            raise StopValidation(f"The target for {name.lower()} must be a number, like 90")
        if not 0 <= self.data <= 100:
            raise StopValidation(f"The target for {name.lower()} must be from 0 to 100")


def field_name(measure_key: str) -> str:
    return measure_key.replace(".", "__")


class PackTargetsForm(Form):
    submit = SubmitField("Save targets", widget=GovSubmitInput())

    def measure_fields(self):
        return [getattr(self, field_name(m.key)) for m in MEASURES]

    def targets(self) -> dict[str, float]:
        return {m.key: getattr(self, field_name(m.key)).data for m in MEASURES}


for _measure in MEASURES:
    setattr(PackTargetsForm, field_name(_measure.key), PercentField(_measure.label))
