"""The courses app's models, split by topic and re-exported here."""

from .catalogue import AssessmentComponent, CertificationType, Course
from .certifications import Certification, CertificationSequence, new_verification_code
from .cohorts import AssessmentResult, Attendance, Cohort, CohortStatusChange, Enrolment

__all__ = [
    "AssessmentComponent",
    "AssessmentResult",
    "Attendance",
    "Certification",
    "CertificationSequence",
    "CertificationType",
    "Cohort",
    "CohortStatusChange",
    "Course",
    "Enrolment",
    "new_verification_code",
]
