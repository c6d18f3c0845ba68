"""A certification's life: its number, superseding an older one, reopening and finalising a
cohort again, revoking and reissuing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.roles import Role
from courses.models import (
    Certification,
    CertificationSequence,
    Cohort,
    CohortStatusChange,
    Enrolment,
)
from courses.services.certifications import (
    certification_numbers_take,
    certification_reissue,
    certification_revoke,
)
from courses.services.finalisation import cohort_finalise, cohort_reopen
from tests import factories
from tests.courses.finalisation_support import (
    attend,
    complete,
    finalisable,
    make_course,
    make_running_cohort,
    score,
    seated,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 23)


def finalise(cohort, by, **kwargs):
    cohort.refresh_from_db()
    return cohort_finalise(cohort=cohort, by=by, seen_status=cohort.status, **kwargs)


def reopen(cohort, by, reason="A score was entered against the wrong trainee."):
    cohort.refresh_from_db()
    return cohort_reopen(cohort=cohort, by=by, reason=reason, seen_status=cohort.status)


def numbers(**filters) -> list[str]:
    return list(
        Certification.objects.filter(**filters).order_by("number").values_list("number", flat=True)
    )


def error_code(excinfo) -> str:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return next(iter(error.error_dict.values()))[0].code
    return error.code


# Numbering


def test_numbers_run_on_across_cohorts_of_a_course_and_restart_each_year(administrator):
    course = make_course(code="UNSOC")
    first = finalisable(trainees=2, course=course)
    second = finalisable(trainees=3, course=course)
    third = finalisable(trainees=1, course=course)
    other = finalisable(trainees=1, course=make_course(code="POC"))

    finalise(first, administrator, today=TODAY)
    finalise(second, administrator, today=TODAY)
    finalise(third, administrator, today=dt.date(2027, 1, 4))
    finalise(other, administrator, today=TODAY)

    assert numbers(cohort=first) == ["UNSOC-2026-0001", "UNSOC-2026-0002"]
    assert numbers(cohort=second) == ["UNSOC-2026-0003", "UNSOC-2026-0004", "UNSOC-2026-0005"]
    assert numbers(cohort=third) == ["UNSOC-2027-0001"]
    assert numbers(cohort=other) == ["POC-2026-0001"]
    assert set(CertificationSequence.objects.values_list("prefix", "year", "last")) == {
        ("UNSOC", 2026, 5),
        ("UNSOC", 2027, 1),
        ("POC", 2026, 1),
    }


def test_numbers_already_taken_by_imported_records_are_skipped():
    course = make_course(code="UNSOC")
    for number in ("UNSOC-2026-0002", "UNSOC-2026-4", "unsoc-2026-0006", "UNSOC-2026-0005-OLD"):
        factories.CertificationFactory(number=number, course=course)

    with transaction.atomic():
        taken = certification_numbers_take(prefix="UNSOC", year=2026, count=4)

    # 0002 is taken, "UNSOC-2026-4" is the fourth and "unsoc-2026-0006" the sixth (letter case
    # aside); "0005-OLD" is no sequence number.
    assert taken == ["UNSOC-2026-0001", "UNSOC-2026-0003", "UNSOC-2026-0005", "UNSOC-2026-0007"]
    assert CertificationSequence.objects.get(prefix="UNSOC", year=2026).last == 7
    assert certification_numbers_take(prefix="UNSOC", year=2026, count=1) == ["UNSOC-2026-0008"]


def test_taking_no_number_leaves_the_sequence_alone():
    with CaptureQueriesContext(connection) as queries:
        assert certification_numbers_take(prefix="UNSOC", year=2026, count=0) == []
    assert not [q for q in queries.captured_queries if "courses_" in q["sql"]]
    assert not CertificationSequence.objects.exists()


def test_a_finalisation_skips_an_imported_number(administrator):
    course = make_course(code="UNSOC")
    factories.CertificationFactory(number="UNSOC-2026-0001", course=course)
    cohort = finalisable(trainees=2, course=course)

    finalise(cohort, administrator, today=TODAY)

    assert numbers(cohort=cohort) == ["UNSOC-2026-0002", "UNSOC-2026-0003"]


def test_the_database_refuses_a_number_given_twice():
    factories.CertificationFactory(number="UNSOC-2026-0001")
    with pytest.raises(IntegrityError), transaction.atomic():
        factories.CertificationFactory(number="UNSOC-2026-0001")


# Superseding


def test_passing_the_course_again_supersedes_the_newest_certification(administrator):
    course = make_course(code="UNSOC")
    person = factories.PersonFactory()
    old = factories.CertificationFactory(
        person=person, course=course, number="UNSOC-2019-0001", issued_on=dt.date(2019, 3, 1)
    )
    newer = factories.CertificationFactory(
        person=person, course=course, number="UNSOC-2022-0001", issued_on=dt.date(2022, 3, 1)
    )
    other_course = factories.CertificationFactory(
        person=person, course=make_course(code="POC"), number="POC-2024-0001"
    )
    someone_else = factories.CertificationFactory(course=course, number="UNSOC-2023-0009")
    first = make_running_cohort(course=course, people=[person])
    complete(first)

    finalise(first, administrator, today=TODAY)

    issued = Certification.objects.get(cohort=first)
    assert issued.supersedes == newer
    old.refresh_from_db()
    assert not hasattr(old, "superseded_by") or old.superseded_by is None
    for untouched in (other_course, someone_else):
        assert not Certification.objects.filter(supersedes=untouched).exists()

    # And again: the chain grows from the newest.
    second = make_running_cohort(course=course, people=[person])
    complete(second)
    finalise(second, administrator, today=dt.date(2027, 2, 1))

    latest = Certification.objects.get(cohort=second)
    assert latest.supersedes == issued
    chain = [latest.number, latest.supersedes.number, latest.supersedes.supersedes.number]
    assert chain == ["UNSOC-2027-0001", "UNSOC-2026-0001", "UNSOC-2022-0001"]


def test_a_first_certification_supersedes_nothing(administrator):
    cohort = finalisable(trainees=1)
    finalise(cohort, administrator)
    assert Certification.objects.get().supersedes is None


# Reopening


def test_reopening_puts_the_results_back_in_progress_and_keeps_the_reason(registrar, instructor):
    cohort = make_running_cohort(course=make_course(), trainees=2, instructors=[instructor])
    passing, failing = seated(cohort)
    score(passing, ["80", "80"])
    score(failing, ["10", "10"])
    attend(passing)
    attend(failing)
    finalise(cohort, instructor)
    issued = Certification.objects.get()

    reopen(cohort, registrar, reason="  Exam scores swapped between two trainees.  ")

    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.IN_PROGRESS
    assert (cohort.finalised_at, cohort.finalised_by) == (None, None)
    change = cohort.status_changes.order_by("pk").last()
    assert (change.from_status, change.to_status, change.changed_by, change.reason) == (
        Cohort.Status.FINALISED,
        Cohort.Status.IN_PROGRESS,
        registrar,
        "Exam scores swapped between two trainees.",
    )
    for enrolment in (passing, failing):
        enrolment.refresh_from_db()
        assert enrolment.status == Enrolment.Status.ENROLLED
        assert (enrolment.final_score, enrolment.attendance_percent) == (None, None)
        assert enrolment.status_reason == ""
        history = enrolment.history.first()
        assert (history.history_user, history.history_change_reason) == (
            registrar,
            "cohort reopened",
        )
    assert failing.history.all()[1].status == Enrolment.Status.FAILED  # the outcome is kept
    # Certifications stay until the cohort is finalised again.
    assert Certification.objects.get() == issued
    assert not Certification.objects.get().is_revoked


@pytest.mark.parametrize("reason", ["", "   "])
def test_reopening_needs_a_reason(registrar, reason):
    cohort = finalisable()
    finalise(cohort, registrar_admin())

    with pytest.raises(ValidationError) as excinfo:
        reopen(cohort, registrar, reason=reason)

    assert excinfo.value.message_dict["reason"] == [
        "Say why the results are reopened: the reason is kept in the cohort's history."
    ]
    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FINALISED


def test_the_database_refuses_a_reopening_without_a_reason():
    cohort = factories.CohortFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        CohortStatusChange.objects.create(
            cohort=cohort, from_status=Cohort.Status.FINALISED, to_status=Cohort.Status.IN_PROGRESS
        )


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.COMMANDER])
def test_instructors_and_commanders_cannot_reopen(role):
    user = factories.UserFactory(roles=[role])
    cohort = finalisable(instructor=user if role == Role.INSTRUCTOR else None)
    finalise(cohort, registrar_admin())

    with pytest.raises(PermissionDenied):
        reopen(cohort, user)

    cohort.refresh_from_db()
    assert cohort.status == Cohort.Status.FINALISED


def test_an_administrator_may_reopen(administrator):
    cohort = finalisable()
    finalise(cohort, administrator)
    assert reopen(cohort, administrator).status == Cohort.Status.IN_PROGRESS


def test_reopening_a_stale_page_or_an_unfinalised_cohort_is_refused(registrar):
    cohort = finalisable()

    with pytest.raises(ValidationError) as not_finalised:
        reopen(cohort, registrar)
    finalise(cohort, registrar_admin())
    with pytest.raises(ValidationError) as stale:
        cohort_reopen(
            cohort=cohort, by=registrar, reason="why", seen_status=Cohort.Status.IN_PROGRESS
        )

    assert error_code(not_finalised) == "not_finalised"
    assert error_code(stale) == "stale"


def registrar_admin():
    return factories.UserFactory(username="finaliser", roles=[Role.ADMINISTRATOR])


# Finalising again reconciles the cohort's certifications


def test_finalising_again_keeps_revokes_and_issues_as_the_outcomes_say(registrar, instructor):
    course = make_course(code="UNSOC")
    cohort = make_running_cohort(course=course, trainees=4, instructors=[instructor])
    stays, drops, rises, leaves = seated(cohort)
    for enrolment, scores in ((stays, "80"), (drops, "80"), (rises, "10"), (leaves, "80")):
        score(enrolment, [scores, scores])
        attend(enrolment)
    finalise(cohort, instructor, today=TODAY)
    first = {c.person_id: c for c in Certification.objects.filter(cohort=cohort)}
    assert set(first) == {stays.person_id, drops.person_id, leaves.person_id}

    reopen(cohort, registrar)
    drops.results.update(score=10)
    rises.results.update(score=90)
    leaves.status = Enrolment.Status.WITHDRAWN
    leaves.status_reason = "Left for a deployment."
    leaves.save()
    done = finalise(cohort, instructor, today=TODAY + dt.timedelta(days=3))

    assert str(done) == (
        "2 passed, 1 failed, 1 certificate issued, 1 certificate kept, 2 certificates revoked"
    )
    kept = Certification.objects.get(person=stays.person)
    assert kept == first[stays.person_id]
    assert (kept.number, kept.issued_on, kept.is_revoked) == ("UNSOC-2026-0001", TODAY, False)
    dropped = Certification.objects.get(person=drops.person)
    assert dropped.is_revoked
    assert dropped.revoked_by == instructor
    assert dropped.revocation_reason == (
        f"Cohort {cohort.code} was finalised again on 2026-11-26 and the trainee no longer "
        "passed: Weighted total 10.00 is below the pass mark 60.00."
    )
    gone = Certification.objects.get(person=leaves.person)
    assert gone.is_revoked
    assert "is no longer among its trainees" in gone.revocation_reason
    risen = Certification.objects.get(person=rises.person)
    assert risen.number == "UNSOC-2026-0004"
    assert risen.issued_on == TODAY + dt.timedelta(days=3)
    assert not risen.is_revoked
    assert dropped.history.first().history_user == instructor


def test_a_trainee_who_fails_then_passes_again_gets_a_new_number(registrar, instructor):
    cohort = finalisable(trainees=1, instructor=instructor, course=make_course(code="UNSOC"))
    (enrolment,) = seated(cohort)
    finalise(cohort, instructor, today=TODAY)
    reopen(cohort, registrar)
    enrolment.results.update(score=0)
    finalise(cohort, instructor, today=TODAY)
    reopen(cohort, registrar)
    enrolment.results.update(score=100)

    finalise(cohort, instructor, today=TODAY)

    revoked, current = Certification.objects.order_by("pk")
    assert (revoked.number, revoked.is_revoked) == ("UNSOC-2026-0001", True)
    assert (current.number, current.is_revoked) == ("UNSOC-2026-0002", False)
    assert current.supersedes == revoked


# Revoking


def test_a_registrar_revokes_with_a_reason(registrar):
    certification = factories.CertificationFactory()

    certification_revoke(
        certification=certification, by=registrar, reason="  Obtained with a forged score. "
    )

    certification.refresh_from_db()
    assert certification.is_revoked
    assert certification.revoked_by == registrar
    assert certification.revocation_reason == "Obtained with a forged score."
    assert certification.validity(on=TODAY) == "revoked"
    history = certification.history.first()
    assert (history.history_user, history.revocation_reason) == (
        registrar,
        "Obtained with a forged score.",
    )


@pytest.mark.parametrize("reason", ["", "  "])
def test_revoking_needs_a_reason(registrar, reason):
    certification = factories.CertificationFactory()

    with pytest.raises(ValidationError) as excinfo:
        certification_revoke(certification=certification, by=registrar, reason=reason)

    assert error_code(excinfo) == "reason_required"
    certification.refresh_from_db()
    assert not certification.is_revoked


def test_revoking_twice_is_refused_and_keeps_the_first_reason(registrar, administrator):
    certification = factories.CertificationFactory(number="UNSOC-2026-0042")
    certification_revoke(certification=certification, by=registrar, reason="First reason")

    with pytest.raises(ValidationError) as excinfo:
        certification_revoke(certification=certification, by=administrator, reason="Second")

    assert error_code(excinfo) == "already_revoked"
    assert excinfo.value.messages[0].startswith(
        "Certification UNSOC-2026-0042 was already revoked on "
    )
    assert "“First reason”" in excinfo.value.messages[0]
    certification.refresh_from_db()
    assert (certification.revoked_by, certification.revocation_reason) == (
        registrar,
        "First reason",
    )


@pytest.mark.parametrize("role", [Role.INSTRUCTOR, Role.COMMANDER])
def test_instructors_and_commanders_cannot_revoke_or_reissue(role):
    user = factories.UserFactory(roles=[role])
    certification = factories.CertificationFactory(valid_until=TODAY.replace(year=2031))

    with pytest.raises(PermissionDenied):
        certification_revoke(certification=certification, by=user, reason="no")
    with pytest.raises(PermissionDenied):
        certification_reissue(certification=certification, by=user, reason="no")

    assert Certification.objects.count() == 1
    assert not Certification.objects.get().is_revoked


# Reissuing


def reissuable(**kwargs):
    course = kwargs.pop("course", None) or make_course(code="UNSOC")
    defaults = {
        "course": course,
        "certification_type": course.certification_type,
        "number": "UNSOC-2024-0003",
        "issued_on": dt.date(2024, 6, 1),
        "valid_until": dt.date(2028, 6, 1),
    }
    return factories.CertificationFactory(**{**defaults, **kwargs})


def test_reissuing_gives_a_new_number_that_supersedes_and_revokes_the_original(registrar):
    original = reissuable()
    today = timezone.localdate()

    reissued = certification_reissue(
        certification=original, by=registrar, reason="Name misspelt on the certificate."
    )

    assert reissued.number == f"UNSOC-{today.year}-0001"
    assert reissued.source == Certification.Source.REISSUE
    assert reissued.issued_on == today
    assert reissued.valid_until == dt.date(2028, 6, 1)
    assert reissued.supersedes == original
    assert (reissued.person, reissued.course, reissued.cohort) == (
        original.person,
        original.course,
        original.cohort,
    )
    assert reissued.certification_type == original.certification_type
    assert reissued.verification_code != original.verification_code
    assert not reissued.is_revoked
    original.refresh_from_db()
    assert original.is_revoked
    assert original.revoked_by == registrar
    assert original.revocation_reason == (
        f"Reissued as {reissued.number}: Name misspelt on the certificate."
    )
    created = reissued.history.get()
    assert created.history_user == registrar
    assert created.history_change_reason == "reissued: Name misspelt on the certificate."


def test_reissuing_a_revoked_certification_keeps_its_revocation(registrar):
    original = reissuable()
    certification_revoke(certification=original, by=registrar, reason="Revoked by mistake")

    reissued = certification_reissue(certification=original, by=registrar, reason="Restored")

    original.refresh_from_db()
    assert original.revocation_reason == "Revoked by mistake"
    assert reissued.supersedes == original
    assert not reissued.is_revoked


def test_a_lapsed_certification_is_renewed_by_the_course_not_reissued(registrar):
    original = reissuable(valid_until=timezone.localdate() - dt.timedelta(days=1))

    with pytest.raises(ValidationError) as excinfo:
        certification_reissue(certification=original, by=registrar, reason="Lost")

    assert error_code(excinfo) == "lapsed"
    assert "renewed by passing the course again" in excinfo.value.messages[0]
    assert Certification.objects.count() == 1
    original.refresh_from_db()
    assert not original.is_revoked


def test_a_certification_valid_through_today_can_be_reissued(registrar):
    original = reissuable(valid_until=timezone.localdate())
    reissued = certification_reissue(certification=original, by=registrar, reason="Lost")
    assert reissued.valid_until == timezone.localdate() == reissued.issued_on


def test_a_superseded_certification_is_not_reissued(registrar):
    original = reissuable()
    reissued = certification_reissue(certification=original, by=registrar, reason="Lost")

    with pytest.raises(ValidationError) as excinfo:
        certification_reissue(certification=original, by=registrar, reason="Lost again")

    assert error_code(excinfo) == "superseded"
    assert excinfo.value.messages[0] == (
        f"Certification UNSOC-2024-0003 is already superseded by {reissued.number}; reissue "
        f"{reissued.number} instead."
    )
    assert Certification.objects.count() == 2


@pytest.mark.parametrize("reason", ["", " "])
def test_reissuing_needs_a_reason(registrar, reason):
    original = reissuable()
    with pytest.raises(ValidationError) as excinfo:
        certification_reissue(certification=original, by=registrar, reason=reason)
    assert error_code(excinfo) == "reason_required"
    assert Certification.objects.count() == 1


def test_reissues_and_finalisations_share_the_sequence(registrar, administrator):
    course = make_course(code="UNSOC")
    cohort = finalisable(trainees=1, course=course)
    finalise(cohort, administrator)
    issued = Certification.objects.get()

    reissued = certification_reissue(certification=issued, by=registrar, reason="Damaged")

    year = timezone.localdate().year
    assert (issued.number, reissued.number) == (f"UNSOC-{year}-0001", f"UNSOC-{year}-0002")
    # Finalising the cohort again keeps the reissued certificate: it is the trainee's
    # unrevoked certification of this cohort.
    reopen(cohort, registrar)
    done = finalise(cohort, administrator)
    assert [c.pk for c in done.kept] == [reissued.pk]
    assert not done.issued
