"""The personnel app's models, split by topic and re-exported here."""

from .choices import Category, Gender, GenderCategory, Language
from .dates import Validity, validity_on
from .people import Person, Rank
from .qualifications import (
    DrivingLicence,
    LanguageProficiency,
    MedicalClearance,
    Passport,
    QualificationRecord,
    WeaponsQualification,
)
from .units import Unit

__all__ = [
    "Category",
    "DrivingLicence",
    "Gender",
    "GenderCategory",
    "Language",
    "LanguageProficiency",
    "MedicalClearance",
    "Passport",
    "Person",
    "QualificationRecord",
    "Rank",
    "Unit",
    "Validity",
    "WeaponsQualification",
    "validity_on",
]
