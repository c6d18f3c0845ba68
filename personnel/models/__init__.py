"""The personnel app's models, split by topic and re-exported here."""

from .choices import Category, Gender, GenderCategory, Language
from .dates import Validity, validity_on
from .missions import Contingent, Deployment, Mission
from .people import Person, Rank
from .qualifications import (
    DrivingLicence,
    LanguageProficiency,
    MedicalClearance,
    Passport,
    QualificationRecord,
    WeaponsQualification,
)
from .readiness import (
    AssessmentAreaResult,
    GenderTarget,
    PCRSLevel,
    ReadinessSnapshot,
    UnitReadinessAssessment,
)
from .requirements import RequirementProfile
from .units import Unit

__all__ = [
    "AssessmentAreaResult",
    "Category",
    "Contingent",
    "Deployment",
    "DrivingLicence",
    "Gender",
    "GenderCategory",
    "GenderTarget",
    "Language",
    "LanguageProficiency",
    "MedicalClearance",
    "Mission",
    "PCRSLevel",
    "Passport",
    "Person",
    "QualificationRecord",
    "Rank",
    "ReadinessSnapshot",
    "RequirementProfile",
    "Unit",
    "UnitReadinessAssessment",
    "Validity",
    "WeaponsQualification",
    "validity_on",
]
