"""Forms of the personnel pages: `register` (people and their qualification records);
`widgets` holds what they share with the pages above (readiness/forms/)."""

from personnel.forms.register import (
    PersonForm,
    QualificationForm,
    RegisterForm,
    qualification_form_class,
)
from personnel.forms.widgets import FastSelect, RankSelect, unit_choices

__all__ = [
    "FastSelect",
    "PersonForm",
    "QualificationForm",
    "RankSelect",
    "RegisterForm",
    "qualification_form_class",
    "unit_choices",
]
