"""results_record: the whole gradebook saved together or not at all, every cell checked and
named, only changed cells written, never over someone else's change, and every change kept
in the score's history (who, when, old, new)."""

from decimal import Decimal

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import AssessmentComponent, AssessmentResult, Cohort, Enrolment
from courses.services.gradebook import _results_write, results_record
from courses.services.records import StaleCells, score_key
from tests import factories
from tests.courses.gradebook_support import (
    add_trainees,
    components,
    enrolments,
    make_instructor,
    running_cohort,
    score,
    stored_scores,
)

pytestmark = pytest.mark.django_db

D = Decimal


def errors_of(error: ValidationError) -> dict[str, list[str]]:
    return {key: [str(m) for m in value] for key, value in error.message_dict.items()}


# Writing, with history


def test_scores_are_created_with_who_recorded_them_and_a_history_row(cohort, grid, teacher):
    (abenov, t0, _t1), (written, field) = grid

    count = results_record(
        cohort=cohort,
        scores={(abenov.pk, written.pk): D("85.5"), (t0.pk, field.pk): D("17")},
        seen={},
        by=teacher,
    )

    assert count == 2
    assert stored_scores(cohort) == {
        (abenov.pk, written.pk): D("85.5"),
        (t0.pk, field.pk): D("17"),
    }
    assert set(AssessmentResult.objects.values_list("recorded_by", flat=True)) == {teacher.pk}
    history = AssessmentResult.history.order_by("history_id")
    assert [(h.history_type, h.score, h.history_user) for h in history] == [
        ("+", D("85.5"), teacher),
        ("+", D("17"), teacher),
    ]


def test_a_change_keeps_old_and_new_with_the_user_and_time(cohort, grid, teacher, colleague):
    (abenov, _t0, _t1), (written, _field) = grid
    result = score(abenov, written, "70", by=colleague)
    before = timezone.now()

    results_record(
        cohort=cohort,
        scores={(abenov.pk, written.pk): D("74")},
        seen={(abenov.pk, written.pk): D("70")},
        by=teacher,
    )

    result.refresh_from_db()
    assert (result.score, result.recorded_by) == (D("74"), teacher)
    latest = result.history.latest()
    assert latest.history_type == "~"
    assert latest.history_user == teacher
    assert latest.history_date >= before
    assert (latest.prev_record.score, latest.score) == (D("70"), D("74"))
    assert latest.prev_record.history_user == colleague


def test_clearing_a_score_deletes_it_and_its_history_keeps_it(cohort, grid, teacher, colleague):
    (abenov, _t0, _t1), (written, _field) = grid
    result = score(abenov, written, "64", by=colleague)

    count = results_record(
        cohort=cohort,
        scores={(abenov.pk, written.pk): None},
        seen={(abenov.pk, written.pk): D("64")},
        by=teacher,
    )

    assert count == 1
    assert not AssessmentResult.objects.exists()
    rows = list(AssessmentResult.history.filter(id=result.pk).order_by("history_id"))
    assert [(h.history_type, h.score, h.history_user) for h in rows] == [
        ("+", D("64"), colleague),
        ("-", D("64"), teacher),
    ]


def test_cells_left_as_shown_are_not_written(cohort, grid, teacher, colleague):
    (abenov, t0, _t1), (written, field) = grid
    kept = score(abenov, written, "55", by=colleague)

    count = results_record(
        cohort=cohort,
        scores={(abenov.pk, written.pk): D("55.00"), (t0.pk, field.pk): None},
        seen={(abenov.pk, written.pk): D("55")},
        by=teacher,
    )

    assert count == 0
    kept.refresh_from_db()
    assert kept.recorded_by == colleague
    assert kept.history.count() == 1


# Every cell checked, all or nothing


def test_a_score_above_the_range_is_refused_naming_the_cell(cohort, grid, teacher):
    (abenov, t0, _t1), (written, field) = grid

    with pytest.raises(ValidationError) as caught:
        results_record(
            cohort=cohort,
            scores={(abenov.pk, written.pk): D("105"), (t0.pk, field.pk): D("12")},
            seen={},
            by=teacher,
        )

    assert errors_of(caught.value) == {
        score_key(abenov.pk, written.pk): [
            "Abenov Arman (KZ-1234), Written exam: 105 is above the highest score 100."
        ]
    }
    assert not AssessmentResult.objects.exists()  # the valid cell was not saved either
    assert not AssessmentResult.history.exists()


def test_every_wrong_cell_is_reported_at_once(cohort, grid, teacher):
    (abenov, t0, t1), (written, field) = grid

    with pytest.raises(ValidationError) as caught:
        results_record(
            cohort=cohort,
            scores={
                (abenov.pk, field.pk): D("-1"),
                (t0.pk, written.pk): D("72.125"),
                (t1.pk, field.pk): D("20.5"),
                (t1.pk, written.pk): D("100"),
            },
            seen={},
            by=teacher,
        )

    name0, name1 = (str(e.person) for e in (t0, t1))
    assert errors_of(caught.value) == {
        score_key(abenov.pk, field.pk): [
            "Abenov Arman (KZ-1234), Field exercise: -1 is below the lowest score 0."
        ],
        score_key(t0.pk, written.pk): [
            f"{name0}, Written exam: 72.125 has more than 2 decimal places."
        ],
        score_key(t1.pk, field.pk): [
            f"{name1}, Field exercise: 20.5 is above the highest score 20."
        ],
    }
    assert not AssessmentResult.objects.exists()


@pytest.mark.parametrize("value", ["0", "100", "99.99", "0.01", "50.50"])
def test_the_whole_range_with_two_decimals_is_accepted(cohort, grid, teacher, value):
    (abenov, _t0, _t1), (written, _field) = grid

    results_record(cohort=cohort, scores={(abenov.pk, written.pk): D(value)}, seen={}, by=teacher)

    assert stored_scores(cohort) == {(abenov.pk, written.pk): D(value)}


def test_not_a_number_is_refused(cohort, grid, teacher):
    (abenov, _t0, _t1), (written, _field) = grid

    with pytest.raises(ValidationError, match="Written exam: NaN is not a number"):
        results_record(
            cohort=cohort, scores={(abenov.pk, written.pk): D("NaN")}, seen={}, by=teacher
        )


def test_the_database_refusal_becomes_the_same_message(cohort, grid, teacher):
    """The trigger of courses/migrations/0003 refuses a score outside the range even when
    the check before it was passed (a component's range changed meanwhile): the write step
    turns that refusal into the message naming the cell, and nothing is saved."""
    (abenov, t0, _t1), (written, _field) = grid
    components_by_id = {c.pk: c for c in AssessmentComponent.objects.all()}

    with pytest.raises(ValidationError) as caught:
        _results_write(
            cohort=cohort,
            to_write={(t0.pk, written.pk): D("80"), (abenov.pk, written.pk): D("120")},
            stored={},
            components=components_by_id,
            by=teacher,
        )

    assert errors_of(caught.value) == {
        score_key(abenov.pk, written.pk): [
            "Abenov Arman (KZ-1234), Written exam: 120 is above the highest score 100."
        ]
    }
    assert not AssessmentResult.objects.exists()


# Two people editing the same gradebook


def test_a_score_changed_by_someone_else_is_never_overwritten(cohort, grid, teacher, colleague):
    (abenov, t0, _t1), (written, field) = grid
    score(abenov, written, "60", by=teacher)
    # Both opened the gradebook showing 60; the colleague saved 65 first.
    results_record(
        cohort=cohort,
        scores={(abenov.pk, written.pk): D("65")},
        seen={(abenov.pk, written.pk): D("60")},
        by=colleague,
    )

    with pytest.raises(StaleCells) as caught:
        results_record(
            cohort=cohort,
            scores={(abenov.pk, written.pk): D("58"), (t0.pk, field.pk): D("15")},
            seen={(abenov.pk, written.pk): D("60")},
            by=teacher,
        )

    assert caught.value.error_dict[NON_FIELD_ERRORS][0].code == "stale"
    assert "Nothing was saved" in " ".join(caught.value.messages)
    (conflict,) = caught.value.conflicts
    assert (conflict.enrolment, conflict.component) == (abenov, written)
    assert (conflict.seen, conflict.current, conflict.yours) == (D("60"), D("65"), D("58"))
    assert conflict.changed_by == colleague
    assert conflict.key == score_key(abenov.pk, written.pk)
    assert stored_scores(cohort) == {(abenov.pk, written.pk): D("65")}  # t0 not saved either


def test_a_score_deleted_by_someone_else_is_a_conflict_naming_them(
    cohort, grid, teacher, colleague
):
    (abenov, _t0, _t1), (written, _field) = grid
    score(abenov, written, "60", by=teacher)
    results_record(
        cohort=cohort,
        scores={(abenov.pk, written.pk): None},
        seen={(abenov.pk, written.pk): D("60")},
        by=colleague,
    )

    with pytest.raises(StaleCells) as caught:
        results_record(
            cohort=cohort,
            scores={(abenov.pk, written.pk): D("61")},
            seen={(abenov.pk, written.pk): D("60")},
            by=teacher,
        )

    (conflict,) = caught.value.conflicts
    assert (conflict.current, conflict.changed_by) == (None, colleague)
    assert conflict.current_label == "—"
    assert not AssessmentResult.objects.exists()


def test_someone_elses_change_to_a_cell_i_left_alone_is_kept(cohort, grid, teacher, colleague):
    (abenov, t0, _t1), (written, field) = grid
    score(abenov, written, "60", by=teacher)
    results_record(
        cohort=cohort,
        scores={(abenov.pk, written.pk): D("65")},
        seen={(abenov.pk, written.pk): D("60")},
        by=colleague,
    )

    count = results_record(
        cohort=cohort,
        scores={(abenov.pk, written.pk): D("60"), (t0.pk, field.pk): D("15")},
        seen={(abenov.pk, written.pk): D("60")},
        by=teacher,
    )

    assert count == 1
    assert stored_scores(cohort) == {
        (abenov.pk, written.pk): D("65"),
        (t0.pk, field.pk): D("15"),
    }


# Refusals


def test_a_finalised_gradebook_is_locked(cohort, grid, teacher):
    (abenov, _t0, _t1), (written, _field) = grid
    Cohort.objects.filter(pk=cohort.pk).update(
        status=Cohort.Status.FINALISED, finalised_at=timezone.now()
    )

    with pytest.raises(ValidationError) as caught:
        results_record(
            cohort=cohort, scores={(abenov.pk, written.pk): D("70")}, seen={}, by=teacher
        )

    text = " ".join(caught.value.messages)
    assert "was finalised on" in text
    assert "a registrar can reopen it" in text
    assert not AssessmentResult.objects.exists()


def test_registrars_read_but_do_not_score(cohort, grid, registrar):
    (abenov, _t0, _t1), (written, _field) = grid

    with pytest.raises(ValidationError, match="but not change it"):
        results_record(
            cohort=cohort, scores={(abenov.pk, written.pk): D("70")}, seen={}, by=registrar
        )


def test_an_instructor_of_another_cohort_cannot_score(cohort, grid):
    stranger = make_instructor("stranger")
    running_cohort(trainees=1, instructors=[stranger])
    (abenov, _t0, _t1), (written, _field) = grid

    with pytest.raises(ValidationError, match="but not change it"):
        results_record(
            cohort=cohort, scores={(abenov.pk, written.pk): D("70")}, seen={}, by=stranger
        )
    assert not AssessmentResult.objects.exists()


def test_a_component_of_another_course_is_refused(cohort, grid, teacher):
    (abenov, _t0, _t1), _components = grid
    alien = factories.AssessmentComponentFactory()

    with pytest.raises(ValidationError, match=f"Component {alien.pk} is not assessed"):
        results_record(cohort=cohort, scores={(abenov.pk, alien.pk): D("1")}, seen={}, by=teacher)


def test_a_withdrawn_trainee_is_refused(cohort, grid, teacher):
    (abenov, _t0, _t1), (written, _field) = grid
    Enrolment.objects.filter(pk=abenov.pk).update(status=Enrolment.Status.WITHDRAWN)

    with pytest.raises(ValidationError, match=f"Enrolment {abenov.pk} is not a trainee"):
        results_record(cohort=cohort, scores={(abenov.pk, written.pk): D("1")}, seen={}, by=teacher)


# Set-based


def _fill(cohort, user, *, offset: int) -> dict:
    """The arguments that give every cell a score (offset + a row number), over what is
    stored now, as by a fresh request's user (no permission cache)."""
    shown, parts = stored_scores(cohort), components(cohort)
    scores = {
        (e.pk, c.pk): D(offset + index % 10)
        for index, e in enumerate(enrolments(cohort))
        for c in parts
    }
    return {"cohort": cohort, "scores": scores, "seen": shown, "by": _fresh(user)}


def _clear(cohort, user) -> dict:
    shown = stored_scores(cohort)
    return {"cohort": cohort, "scores": dict.fromkeys(shown), "seen": shown, "by": _fresh(user)}


def _fresh(user):
    return type(user).objects.get(pk=user.pk)


def test_queries_do_not_grow_with_the_grid(cohort, teacher, django_assert_num_queries):
    create = _fill(cohort, teacher, offset=1)
    with CaptureQueriesContext(connection) as create_few:
        assert results_record(**create) == 6
    update = _fill(cohort, teacher, offset=2)
    with CaptureQueriesContext(connection) as update_few:
        assert results_record(**update) == 6
    clear = _clear(cohort, teacher)
    with CaptureQueriesContext(connection) as clear_few:
        assert results_record(**clear) == 6

    add_trainees(cohort, 27)
    create = _fill(cohort, teacher, offset=1)
    with django_assert_num_queries(len(create_few.captured_queries)):
        assert results_record(**create) == 60
    update = _fill(cohort, teacher, offset=2)
    with django_assert_num_queries(len(update_few.captured_queries)):
        assert results_record(**update) == 60
    clear = _clear(cohort, teacher)
    with django_assert_num_queries(len(clear_few.captured_queries)):
        assert results_record(**clear) == 60
    assert AssessmentResult.history.filter(history_type="-").count() == 66
    # permissions 2, roles 1, scope 1, lock 1, components 1, trainees 1, results 1, the
    # writes 2 (rows and history), savepoints 4
    assert len(create_few.captured_queries) <= 14
