"""Forms of the personnel pages, one module per page family: `register` (people and their
qualification records), `deployments` (planning a tour), `matrix` (the readiness matrix's
and the gender balance's filters); `widgets` holds what they share."""

from personnel.forms.deployments import DeploymentPlanForm
from personnel.forms.matrix import GenderFilterForm, MatrixFilterForm
from personnel.forms.register import (
    PersonForm,
    QualificationForm,
    RegisterForm,
    qualification_form_class,
)
from personnel.forms.widgets import FastSelect, RankSelect, unit_choices

__all__ = [
    "DeploymentPlanForm",
    "FastSelect",
    "GenderFilterForm",
    "MatrixFilterForm",
    "PersonForm",
    "QualificationForm",
    "RankSelect",
    "RegisterForm",
    "qualification_form_class",
    "unit_choices",
]
