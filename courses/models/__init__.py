"""The courses app's models, split by topic and re-exported here."""

from .catalogue import AssessmentComponent, CertificationType, Course
from .certifications import Certification, new_verification_code
from .cohorts import AssessmentResult, Attendance, Cohort, Enrolment

__all__ = [
    "AssessmentComponent",
    "AssessmentResult",
    "Attendance",
    "Certification",
    "CertificationType",
    "Cohort",
    "Course",
    "Enrolment",
    "new_verification_code",
]
