"""Forms of the readiness pages, one module per page family: `deployments` (planning a tour),
`matrix` (the readiness matrix's and the gender balance's filters)."""

from readiness.forms.deployments import DeploymentPlanForm
from readiness.forms.matrix import GenderFilterForm, MatrixFilterForm

__all__ = ["DeploymentPlanForm", "GenderFilterForm", "MatrixFilterForm"]
