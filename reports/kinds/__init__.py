"""The report kinds, one module each; importing this package registers them all."""

from . import (  # noqa: F401  (registration)
    certifications_lapsing,
    cohort_results,
    contingent_readiness,
    gender_balance,
    nominal_roll,
    readiness_matrix,
)
from .base import REPORT_KINDS, BuiltReport, Progress, ReportKind, kind_for, register

__all__ = ["REPORT_KINDS", "BuiltReport", "Progress", "ReportKind", "kind_for", "register"]
