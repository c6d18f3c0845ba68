"""Certificate numbers are never handed out twice: finalisations (and a reissue) running at
the same moment each get their own numbers, and one cohort is finalised once.

Each user is a thread with its own database connection; a barrier starts them together.
PostgreSQL only (SQLite serialises every write transaction anyway).
"""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from courses.models import Certification, CertificationSequence, Cohort
from courses.services.certifications import certification_reissue
from courses.services.finalisation import cohort_finalise
from tests import factories, services
from tests.conftest import require
from tests.courses.finalisation_support import finalisable, make_course

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def test_two_cohorts_of_one_course_finalised_at_once_get_distinct_numbers(race):
    require(*services.postgresql())
    by = factories.UserFactory(username="adm", roles=[Role.ADMINISTRATOR])
    year = timezone.localdate().year
    for round_ in range(ROUNDS):
        course = make_course(code=f"RACE{round_}")
        cohorts = [finalisable(trainees=8, course=course) for _ in range(2)]
        if round_:  # the sequence row exists (after round 0 it is created by the race)
            CertificationSequence.objects.create(prefix=f"RACE{round_}", year=year)

        results = race(
            *(
                lambda cohort=cohort: cohort_finalise(
                    cohort=cohort, by=by, seen_status=Cohort.Status.IN_PROGRESS
                )
                for cohort in cohorts
            )
        )

        assert not [r for r in results if isinstance(r, Exception)], results
        issued = list(Certification.objects.filter(course=course).values_list("number", flat=True))
        assert len(issued) == len(set(issued)) == 16
        assert sorted(issued) == [f"RACE{round_}-{year}-{n:04d}" for n in range(1, 17)]
        # Each cohort's numbers are one unbroken run: the sequence row was held throughout.
        for result in results:
            own = sorted(int(c.number.rsplit("-", 1)[1]) for c in result.issued)
            assert own == list(range(own[0], own[0] + 8))
        assert CertificationSequence.objects.get(prefix=f"RACE{round_}", year=year).last == 16


def test_a_reissue_during_a_finalisation_takes_another_number(race):
    require(*services.postgresql())
    by = factories.UserFactory(username="adm", roles=[Role.ADMINISTRATOR])
    year = timezone.localdate().year
    for round_ in range(ROUNDS):
        course = make_course(code=f"MIX{round_}")
        earlier = finalisable(trainees=1, course=course)
        cohort_finalise(cohort=earlier, by=by, seen_status=Cohort.Status.IN_PROGRESS)
        original = Certification.objects.get(cohort=earlier)
        cohort = finalisable(trainees=5, course=course)

        results = race(
            lambda cohort=cohort: cohort_finalise(
                cohort=cohort, by=by, seen_status=Cohort.Status.IN_PROGRESS
            ),
            lambda original=original: certification_reissue(
                certification=original, by=by, reason="Damaged"
            ),
        )

        assert not [r for r in results if isinstance(r, Exception)], results
        issued = list(Certification.objects.filter(course=course).values_list("number", flat=True))
        assert sorted(issued) == [f"MIX{round_}-{year}-{n:04d}" for n in range(1, 8)]


def test_two_instructors_finalising_one_cohort_at_once_finalise_it_once(race):
    require(*services.postgresql())
    first, second = (
        factories.UserFactory(username=name, roles=[Role.INSTRUCTOR]) for name in ("i1", "i2")
    )
    for _round in range(ROUNDS):
        cohort = finalisable(trainees=4, instructor=first)
        cohort.instructors.add(second)

        results = race(
            *(
                lambda user=user, cohort=cohort: cohort_finalise(
                    cohort=cohort, by=user, seen_status=Cohort.Status.IN_PROGRESS
                )
                for user in (first, second)
            )
        )

        refused = [r for r in results if isinstance(r, ValidationError)]
        assert len(refused) == 1, results
        assert refused[0].error_dict["__all__"][0].code == "stale"
        assert Certification.objects.filter(cohort=cohort).count() == 4
        assert cohort.status_changes.count() == 1
