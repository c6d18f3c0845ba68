"""Two instructors saving the same cohort at the same moment: one save lands, the other is
told it is stale; neither silently overwrites the other. Each instructor is a thread with its
own database connection, released together by a barrier.
PostgreSQL only (SQLite serialises every write transaction anyway).
"""

from decimal import Decimal

import pytest

from courses.services.attendance import attendance_record
from courses.services.gradebook import results_record
from courses.services.records import StaleCells
from tests import services
from tests.conftest import require
from tests.courses.gradebook_support import (
    components,
    days_so_far,
    enrolments,
    make_instructor,
    running_cohort,
    stored_marks,
    stored_scores,
)

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 5


def test_two_instructors_scoring_the_same_cell_at_once(race):
    require(*services.postgresql())
    aliya, marat = make_instructor("aliya"), make_instructor("marat")
    for _round in range(ROUNDS):
        cohort = running_cohort(trainees=2, instructors=[aliya, marat])
        (first, second), (written, _field) = enrolments(cohort), components(cohort)
        cell = (first.pk, written.pk)
        other = (second.pk, written.pk)
        calls = [
            (by, {cell: Decimal(value), other: Decimal(value)})
            for by, value in ((aliya, "70"), (marat, "80"))
        ]

        results = race(
            *(
                lambda by=by, scores=scores, cohort=cohort: results_record(
                    cohort=cohort, scores=scores, seen={}, by=by
                )
                for by, scores in calls
            )
        )

        stale = [r for r in results if isinstance(r, StaleCells)]
        saved = [r for r in results if r == 2]
        assert (len(saved), len(stale)) == (1, 1), results
        winner = "70" if results[0] == 2 else "80"
        # All of the winner's cells, none of the loser's.
        assert stored_scores(cohort) == {cell: Decimal(winner), other: Decimal(winner)}


def test_two_instructors_marking_the_same_day_at_once(race):
    require(*services.postgresql())
    aliya, marat = make_instructor("aliya"), make_instructor("marat")
    for _round in range(ROUNDS):
        cohort = running_cohort(trainees=3, instructors=[aliya, marat])
        trainees, day = enrolments(cohort), days_so_far(cohort)[0]
        calls = [
            (by, {e.pk: status for e in trainees})
            for by, status in ((aliya, "present"), (marat, "absent"))
        ]

        results = race(
            *(
                lambda by=by, marks=marks, cohort=cohort, day=day: attendance_record(
                    cohort=cohort, day=day, marks=marks, seen={}, by=by
                )
                for by, marks in calls
            )
        )

        stale = [r for r in results if isinstance(r, StaleCells)]
        saved = [r for r in results if r == 3]
        assert (len(saved), len(stale)) == (1, 1), results
        winner = "present" if results[0] == 3 else "absent"
        assert stored_marks(cohort, day) == {e.pk: winner for e in trainees}
