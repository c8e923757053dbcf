"""The form every form of the service derives from: its text fields refuse control characters.

One mechanism rather than a validator per field: binding each text field adds the check first
in its chain, so a field added tomorrow has it too, and a test checks every form derives from
here. Text areas keep tab and line breaks; one-line fields take none. Passwords are exempt: they
are only hashed, never shown or exported, and refusing one would lock its owner out.
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import StopValidation

from supplier_dd.domain.control_characters import control_character_problem

_OPTIONAL_MARK = re.compile(r"\s*\(optional\)\s*$")


class _NoControlCharacters:
    def __init__(self, multiline: bool):
        self.multiline = multiline

    def __call__(self, form, field) -> None:
        if not isinstance(field.data, str):
            return
        label = _OPTIONAL_MARK.sub("", field.label.text)
        problem = control_character_problem(label, field.data, multiline=self.multiline)
        if problem:
            raise StopValidation(problem)


class Form(FlaskForm):
    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                check = _NoControlCharacters(multiline=isinstance(field, TextAreaField))
                field.validators = [check, *field.validators]
            return field
