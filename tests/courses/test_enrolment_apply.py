"""enrolment_apply: writes what the preview showed (with history), refuses a stale preview,
brings back those who left, serves the waitlist first, in a fixed number of queries."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Cohort, Enrolment
from courses.services.enrolment import (
    EnrolmentPlanStale,
    Outcome,
    enrolment_apply,
    enrolment_plan,
)
from tests import factories
from tests.courses.enrolment_support import make_cohort, make_people, positions, seat, waitlist

pytestmark = pytest.mark.django_db


def statuses(cohort) -> dict[str, tuple[str, int | None]]:
    return {
        e.person.service_number: (e.status, e.waitlist_position)
        for e in Enrolment.objects.filter(cohort=cohort).select_related("person")
    }


def test_apply_writes_the_previewed_plan_with_history(registrar):
    cohort = make_cohort(capacity=3)
    people = make_people(5)
    inactive = factories.PersonFactory(is_active=False)
    preview = enrolment_plan(cohort=cohort, people=[*people, inactive], by=registrar)

    applied = enrolment_apply(
        cohort=cohort,
        person_ids=preview.person_ids,
        expected=preview.fingerprint,
        by=registrar,
    )

    assert applied.fingerprint == preview.fingerprint
    numbers = [p.service_number for p in people]
    assert statuses(cohort) == {
        **dict.fromkeys(numbers[:3], (Enrolment.Status.ENROLLED, None)),
        numbers[3]: (Enrolment.Status.WAITLISTED, 1),
        numbers[4]: (Enrolment.Status.WAITLISTED, 2),
    }
    assert set(Enrolment.objects.values_list("created_by", flat=True)) == {registrar.pk}
    history = Enrolment.history.filter(cohort=cohort)
    assert history.count() == 5
    assert {h.history_user_id for h in history} == {registrar.pk}
    assert {h.history_type for h in history} == {"+"}


def test_a_stale_preview_writes_nothing_and_carries_the_fresh_plan(registrar):
    cohort = make_cohort(capacity=2)
    mine = make_people(2)
    preview = enrolment_plan(cohort=cohort, people=mine, by=registrar)
    assert [line.outcome for line in preview.lines] == [Outcome.ENROL, Outcome.ENROL]
    # Meanwhile another registrar takes a seat.
    seat(cohort, make_people(1))

    with pytest.raises(EnrolmentPlanStale) as stale:
        enrolment_apply(
            cohort=cohort, person_ids=preview.person_ids, expected=preview.fingerprint, by=registrar
        )

    assert "The cohort changed since your preview" in str(stale.value)
    assert [line.outcome for line in stale.value.plan.lines] == [Outcome.ENROL, Outcome.WAITLIST]
    assert Enrolment.objects.filter(person__in=mine).count() == 0


def test_a_stale_preview_also_undoes_the_waitlist_service(registrar):
    cohort = make_cohort(capacity=2)
    seat(cohort, make_people(1))
    waiting = waitlist(cohort, make_people(2))
    newcomer = make_people(1)
    cohort.capacity = 3  # grown without promoting: apply would promote two
    cohort.save()

    with pytest.raises(EnrolmentPlanStale):
        enrolment_apply(
            cohort=cohort, person_ids=[newcomer[0].pk], expected="not-what-was-seen", by=registrar
        )

    assert positions(cohort) == [(w.person.service_number, i) for i, w in enumerate(waiting, 1)]


def test_without_an_expected_plan_the_fresh_plan_is_applied(registrar):
    cohort = make_cohort(capacity=1)
    seat(cohort, make_people(1))
    person = make_people(1)[0]

    plan = enrolment_apply(cohort=cohort, person_ids=[person.pk], expected=None, by=registrar)

    assert plan.lines[0].outcome == Outcome.WAITLIST
    assert statuses(cohort)[person.service_number] == (Enrolment.Status.WAITLISTED, 1)


def test_the_waitlist_is_served_before_newcomers(registrar, django_capture_on_commit_callbacks):
    cohort = make_cohort(capacity=2)
    seat(cohort, make_people(1))
    first, second, third = waitlist(cohort, make_people(3))
    Cohort.objects.filter(pk=cohort.pk).update(capacity=3)
    cohort.refresh_from_db()
    newcomer = make_people(1)[0]
    preview = enrolment_plan(cohort=cohort, people=[newcomer], by=registrar)

    with django_capture_on_commit_callbacks() as callbacks:
        enrolment_apply(
            cohort=cohort, person_ids=[newcomer.pk], expected=preview.fingerprint, by=registrar
        )

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == second.status == Enrolment.Status.ENROLLED
    assert first.promoted_at is not None
    assert positions(cohort) == [
        (third.person.service_number, 1),
        (newcomer.service_number, 2),
    ]
    assert len(callbacks) == 2  # one promotion e-mail each


def test_someone_withdrawn_comes_back_on_the_same_row(registrar):
    cohort = make_cohort(capacity=3)
    person = make_people(1)[0]
    earlier = factories.EnrolmentFactory(
        cohort=cohort,
        person=person,
        status=Enrolment.Status.WITHDRAWN,
        status_reason="medical",
        promoted_at=timezone.now(),
        promotion_notified_at=timezone.now(),
    )

    enrolment_apply(cohort=cohort, person_ids=[person.pk], expected=None, by=registrar)

    earlier.refresh_from_db()
    assert earlier.status == Enrolment.Status.ENROLLED
    assert earlier.status_reason == ""
    assert earlier.promoted_at is None
    assert earlier.promotion_notified_at is None
    assert Enrolment.objects.filter(cohort=cohort).count() == 1
    assert earlier.history.first().history_user == registrar


def test_nominations_record_the_nominating_country(registrar):
    cohort = make_cohort(capacity=3)
    tajik = factories.PersonFactory(nationality="TJ")
    kazakh = factories.PersonFactory()

    enrolment_apply(cohort=cohort, person_ids=[tajik.pk], expected=None, by=registrar)
    enrolment_apply(
        cohort=cohort,
        person_ids=[kazakh.pk],
        expected=None,
        by=registrar,
        nominating_country="KG",
        nominating_party="Ministry of Defence",
    )

    rows = {
        e.person_id: (e.status, e.nominating_country.code, e.nominating_party)
        for e in Enrolment.objects.filter(cohort=cohort)
    }
    assert rows == {
        tajik.pk: (Enrolment.Status.NOMINATED, "TJ", ""),
        kazakh.pk: (Enrolment.Status.NOMINATED, "KG", "Ministry of Defence"),
    }


def test_a_person_deleted_since_the_preview_makes_it_stale(registrar):
    cohort = make_cohort()
    gone = make_people(1)[0]
    preview = enrolment_plan(cohort=cohort, people=[gone], by=registrar)
    gone.delete()

    with pytest.raises(EnrolmentPlanStale) as stale:
        enrolment_apply(
            cohort=cohort, person_ids=[gone.pk], expected=preview.fingerprint, by=registrar
        )

    assert stale.value.plan.lines[0].reasons == ("unknown service number",)


def test_a_closed_cohort_refuses_the_apply(registrar):
    cohort = make_cohort(status=Cohort.Status.CANCELLED)

    with pytest.raises(ValidationError, match="takes no enrolments"):
        enrolment_apply(
            cohort=cohort, person_ids=[make_people(1)[0].pk], expected=None, by=registrar
        )


def test_apply_query_count_does_not_grow_with_people(registrar):
    few_cohort, many_cohort = make_cohort(capacity=2), make_cohort(capacity=40)
    few, many = make_people(4), make_people(60)

    with CaptureQueriesContext(connection) as few_queries:
        enrolment_apply(cohort=few_cohort, person_ids=[p.pk for p in few], expected=None, by=None)
    with CaptureQueriesContext(connection) as many_queries:
        enrolment_apply(cohort=many_cohort, person_ids=[p.pk for p in many], expected=None, by=None)

    assert Enrolment.objects.filter(cohort=many_cohort).count() == 60
    # On SQLite the history INSERT is split in batches by its 999-parameter limit (about 58
    # rows each); on PostgreSQL it is one statement.
    # With the lock on the cohort and on its new people, and the candidates' tours (the
    # eligibility check readiness adds: one query).
    assert len(few_queries) <= 14
    assert len(many_queries) <= len(few_queries) + 1


def test_a_preview_made_stale_only_by_the_waitlist_order_is_applied_at_the_new_position(
    registrar,
):
    cohort = make_cohort(capacity=1)
    seat(cohort, make_people(1))
    newcomer = make_people(1)[0]
    preview = enrolment_plan(cohort=cohort, people=[newcomer], by=registrar)
    assert preview.waitlist_positions == [1]
    ahead = waitlist(cohort, make_people(1))  # another registrar, meanwhile

    applied = enrolment_apply(
        cohort=cohort, person_ids=preview.person_ids, expected=preview.fingerprint, by=registrar
    )

    assert applied.waitlist_positions == [2]
    assert positions(cohort) == [
        (ahead[0].person.service_number, 1),
        (newcomer.service_number, 2),
    ]
