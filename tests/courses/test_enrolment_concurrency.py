"""The last seat is safe: two registrars enrolling at the same moment never overbook.

Each registrar is a thread with its own database connection; a barrier starts them together.
PostgreSQL only (SQLite serialises every write transaction anyway).
"""

import pytest

from courses.models import Enrolment
from courses.services.enrolment import (
    EnrolmentPlanStale,
    Outcome,
    enrolment_apply,
    enrolment_plan,
)
from tests import services
from tests.conftest import require
from tests.courses.enrolment_support import make_cohort, make_people, seat

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def test_two_registrars_racing_for_the_last_seat_never_overbook(race):
    require(*services.postgresql())
    for _round in range(ROUNDS):
        cohort = make_cohort(capacity=3)
        seat(cohort, make_people(2))
        first, second = make_people(2)

        results = race(
            *(
                lambda person=person, cohort=cohort: enrolment_apply(
                    cohort=cohort, person_ids=[person.pk], expected=None, by=None
                )
                for person in (first, second)
            )
        )

        assert not [r for r in results if isinstance(r, Exception)], results
        outcomes = sorted(plan.lines[0].outcome for plan in results)
        assert outcomes == sorted([Outcome.ENROL, Outcome.WAITLIST])
        rows = Enrolment.objects.filter(cohort=cohort)
        assert rows.filter(status=Enrolment.Status.ENROLLED).count() == 3  # the capacity
        waiting = rows.get(status=Enrolment.Status.WAITLISTED)
        assert waiting.person in (first, second)
        assert waiting.waitlist_position == 1


def test_two_registrars_applying_the_same_preview_one_is_told_it_is_stale(race):
    require(*services.postgresql())
    for _round in range(ROUNDS):
        cohort = make_cohort(capacity=1)
        first, second = make_people(2)
        previews = [
            enrolment_plan(cohort=cohort, people=[person], by=None) for person in (first, second)
        ]
        assert all(p.lines[0].outcome == Outcome.ENROL for p in previews)

        results = race(
            *(
                lambda preview=preview, cohort=cohort: enrolment_apply(
                    cohort=cohort,
                    person_ids=preview.person_ids,
                    expected=preview.fingerprint,
                    by=None,
                )
                for preview in previews
            )
        )

        stale = [r for r in results if isinstance(r, EnrolmentPlanStale)]
        applied = [r for r in results if not isinstance(r, Exception)]
        assert len(stale) == len(applied) == 1, results
        assert stale[0].plan.lines[0].outcome == Outcome.WAITLIST
        assert Enrolment.objects.filter(cohort=cohort).count() == 1


def test_two_registrars_waitlisting_into_a_full_cohort_are_both_applied(race):
    """Both previews promise waitlist position 1; whoever locks second queues at 2 instead of
    being told the preview is stale (the outcome, waitlisted, is the one they saw)."""
    require(*services.postgresql())
    for _round in range(ROUNDS):
        cohort = make_cohort(capacity=2)
        seat(cohort, make_people(2))
        mine, theirs = make_people(2), make_people(2)
        previews = [enrolment_plan(cohort=cohort, people=p, by=None) for p in (mine, theirs)]
        assert [p.waitlist_positions for p in previews] == [[1, 2], [1, 2]]

        results = race(
            *(
                lambda preview=preview, cohort=cohort: enrolment_apply(
                    cohort=cohort,
                    person_ids=preview.person_ids,
                    expected=preview.fingerprint,
                    by=None,
                )
                for preview in previews
            )
        )

        assert not [r for r in results if isinstance(r, Exception)], results
        assert sorted(plan.waitlist_positions for plan in results) == [[1, 2], [3, 4]]
        queued = Enrolment.objects.filter(cohort=cohort, status=Enrolment.Status.WAITLISTED)
        assert sorted(queued.values_list("waitlist_position", flat=True)) == [1, 2, 3, 4]
        assert set(queued.values_list("person", flat=True)) == {p.pk for p in mine + theirs}


def test_one_person_enrolled_into_two_overlapping_cohorts_at_once_gets_one_seat(race):
    """Two registrars, two cohorts with overlapping dates, the same person at the same moment:
    the person rows are locked too, so the second sees the first's enrolment as an overlap."""
    require(*services.postgresql())
    for _round in range(ROUNDS):
        first_cohort = make_cohort(capacity=5)
        second_cohort = make_cohort(capacity=5, starts_in_days=32)
        (person,) = make_people(1)

        results = race(
            *(
                lambda cohort=cohort, person=person: enrolment_apply(
                    cohort=cohort, person_ids=[person.pk], expected=None, by=None
                )
                for cohort in (first_cohort, second_cohort)
            )
        )

        assert not [r for r in results if isinstance(r, Exception)], results
        outcomes = sorted(plan.lines[0].outcome for plan in results)
        assert outcomes == sorted([Outcome.ENROL, Outcome.REFUSE])
        held = Enrolment.objects.filter(person=person).exclude(status=Enrolment.Status.WITHDRAWN)
        assert held.count() == 1
