"""What the person page shows of a person's training (personnel/selectors/register.py's
sections): their courses and results, and their certifications. Registered by
CoursesConfig.ready()."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch

from personnel.models import Person
from personnel.selectors.register import DatedRow, ProfileSection, dated_row

from .models import AssessmentResult, Certification, Enrolment


def _enrolment_prefetches() -> list[Prefetch]:
    return [
        Prefetch(
            "enrolments",
            queryset=Enrolment.objects.select_related("cohort__course")
            .prefetch_related(
                Prefetch(
                    "results",
                    queryset=AssessmentResult.objects.select_related("component").order_by(
                        "component__order", "component__pk"
                    ),
                )
            )
            .order_by("-cohort__starts_on", "-pk"),
        )
    ]


def _enrolments(person: Person, today: dt.date) -> list[Enrolment]:
    """Each with .results prefetched, components joined."""
    return list(person.enrolments.all())


def _certification_prefetches() -> list[Prefetch]:
    return [
        Prefetch(
            "certifications",
            queryset=Certification.objects.select_related(
                "certification_type", "course", "cohort"
            ).order_by("-issued_on", "number"),
        )
    ]


def _certifications(person: Person, today: dt.date) -> list[DatedRow]:
    return [
        dated_row(certification, today=today, state=certification.validity(on=today))
        for certification in person.certifications.all()
    ]


ENROLMENTS = ProfileSection(
    name="enrolments",
    order=10,
    template="courses/_person_enrolments.html",
    prefetches=_enrolment_prefetches,
    content=_enrolments,
)
CERTIFICATIONS = ProfileSection(
    name="certifications",
    order=20,
    template="courses/_person_certifications.html",
    prefetches=_certification_prefetches,
    content=_certifications,
)
