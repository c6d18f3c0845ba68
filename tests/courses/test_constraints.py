"""Each courses rule that must never break is refused by the database itself."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from courses import models
from tests import factories

pytestmark = pytest.mark.django_db


def refused(action) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        action()


def test_one_enrolment_per_person_per_cohort():
    enrolment = factories.EnrolmentFactory()
    refused(lambda: factories.EnrolmentFactory(cohort=enrolment.cohort, person=enrolment.person))


def test_cohort_cannot_end_before_it_starts():
    refused(
        lambda: factories.CohortFactory(starts_on=dt.date(2026, 5, 2), ends_on=dt.date(2026, 5, 1))
    )


def test_cohort_on_a_single_day_is_accepted():
    cohort = factories.CohortFactory(starts_on=dt.date(2026, 5, 1), ends_on=dt.date(2026, 5, 1))
    assert cohort.days == 1


def test_cohort_needs_a_seat_and_a_known_status():
    refused(lambda: factories.CohortFactory(capacity=0))
    refused(lambda: factories.CohortFactory(status="postponed"))


def test_finalised_cohort_records_when():
    refused(lambda: factories.CohortFactory(status=models.Cohort.Status.FINALISED))


def test_waitlist_position_goes_with_waitlisted_status():
    refused(lambda: factories.EnrolmentFactory(status=models.Enrolment.Status.WAITLISTED))
    refused(lambda: factories.EnrolmentFactory(waitlist_position=1))
    waitlisted = factories.EnrolmentFactory(
        status=models.Enrolment.Status.WAITLISTED, waitlist_position=1
    )
    assert waitlisted.pk


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("pass_mark", Decimal("100.01")),
        ("min_attendance_percent", Decimal("-1")),
        ("duration_days", 0),
    ],
)
def test_course_percentages_and_duration_are_in_range(field, value):
    refused(lambda: factories.CourseFactory(**{field: value}))


def test_course_granting_a_certification_needs_its_validity():
    refused(lambda: factories.CourseFactory(validity_months=None))


def test_course_recognition_cannot_end_before_it_starts():
    refused(
        lambda: factories.CourseFactory(
            recognised_on=dt.date(2019, 1, 15), recognition_valid_until=dt.date(2019, 1, 14)
        )
    )


@pytest.mark.parametrize("weight", [Decimal("0"), Decimal("100.5")])
def test_component_weight_is_above_0_and_at_most_100(weight):
    refused(lambda: factories.AssessmentComponentFactory(weight=weight))


def test_component_score_range_and_pass_score_are_consistent():
    refused(lambda: factories.AssessmentComponentFactory(min_score=50, max_score=50))
    refused(lambda: factories.AssessmentComponentFactory(pass_score=Decimal("101")))
    refused(lambda: factories.AssessmentComponentFactory(must_pass=True, pass_score=None))


def _result_parts(**component_overrides):
    component = factories.AssessmentComponentFactory(
        min_score=0, max_score=Decimal("20"), **component_overrides
    )
    enrolment = factories.EnrolmentFactory(cohort__course=component.course)
    return enrolment, component


@pytest.mark.parametrize("score", [Decimal("-0.5"), Decimal("20.01"), Decimal("100")])
def test_score_outside_the_component_range_is_refused(score):
    enrolment, component = _result_parts()
    refused(
        lambda: models.AssessmentResult.objects.create(
            enrolment=enrolment, component=component, score=score
        )
    )


@pytest.mark.parametrize("score", [Decimal("0"), Decimal("20")])
def test_score_at_the_range_bounds_is_accepted(score):
    enrolment, component = _result_parts()
    result = models.AssessmentResult.objects.create(
        enrolment=enrolment, component=component, score=score
    )
    assert result.pk


def test_score_updated_out_of_range_is_refused_and_kept():
    enrolment, component = _result_parts()
    result = models.AssessmentResult.objects.create(
        enrolment=enrolment, component=component, score=Decimal("15")
    )
    refused(lambda: models.AssessmentResult.objects.filter(pk=result.pk).update(score=21))
    result.refresh_from_db()
    assert result.score == Decimal("15")


def test_component_range_cannot_shrink_below_recorded_scores():
    enrolment, component = _result_parts()
    models.AssessmentResult.objects.create(enrolment=enrolment, component=component, score=18)
    refused(lambda: models.AssessmentComponent.objects.filter(pk=component.pk).update(max_score=10))
    assert models.AssessmentComponent.objects.filter(pk=component.pk).update(max_score=18) == 1


def test_one_result_per_trainee_per_component():
    enrolment, component = _result_parts()
    models.AssessmentResult.objects.create(enrolment=enrolment, component=component, score=10)
    refused(
        lambda: models.AssessmentResult.objects.create(
            enrolment=enrolment, component=component, score=11
        )
    )


def test_certification_number_and_verification_code_are_unique():
    first = factories.CertificationFactory()
    refused(lambda: factories.CertificationFactory(number=first.number))
    refused(lambda: factories.CertificationFactory(verification_code=first.verification_code))


def test_certification_codes_are_generated_unguessable_and_distinct():
    codes = {factories.CertificationFactory().verification_code for _ in range(5)}
    assert len(codes) == 5
    assert all(len(code) >= 22 for code in codes)


def test_certification_cannot_lapse_before_it_is_issued():
    refused(
        lambda: factories.CertificationFactory(
            issued_on=dt.date(2026, 3, 1), valid_until=dt.date(2026, 2, 28)
        )
    )


def test_revocation_needs_a_reason():
    certification = factories.CertificationFactory()
    refused(
        lambda: models.Certification.objects.filter(pk=certification.pk).update(
            revoked_at=dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
        )
    )
