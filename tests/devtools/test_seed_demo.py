"""`manage.py seed_demo` builds realistic demo data and is safe to run twice."""

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, roles_of
from courses.models import Certification, Cohort, Course, Enrolment
from courses.scope import cohorts_for
from personnel.models import GenderCategory, Person
from personnel.scope import people_for
from readiness.models import Contingent, Deployment, GenderTarget, Mission, RequirementProfile

pytestmark = pytest.mark.django_db

OUR_APPS = ("peacecentre", "personnel", "courses", "readiness", "auth")


def counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes a few seconds), inside a transaction undone after."""
    with django_db_blocker.unblock():
        from django.db import transaction

        atomic = transaction.atomic()
        atomic.__enter__()
        out = io.StringIO()
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def test_seeding_twice_gives_the_same_counts(seeded):
    first = counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert counts() == first


def test_if_empty_does_not_seed_again_but_prints_the_logins(seeded):
    before = counts()
    out = io.StringIO()
    call_command("seed_demo", "--if-empty", stdout=out)
    assert counts() == before
    for username in ("registrar", "instructor", "commander", "admin"):
        assert username in out.getvalue()


def test_prints_one_login_per_role(seeded):
    for username in ("registrar", "instructor", "commander", "admin"):
        assert username in seeded
    expected = {
        "registrar": Role.REGISTRAR,
        "instructor": Role.INSTRUCTOR,
        "commander": Role.COMMANDER,
        "admin": Role.ADMINISTRATOR,
    }
    for username, role in expected.items():
        user = User.objects.get(username=username)
        assert role in roles_of(user)
        assert user.check_password("peacekeeper-2026")
    assert User.objects.get(username="admin").is_superuser


def test_register_is_realistic(seeded):
    people = Person.objects.all()
    assert 250 <= people.count() <= 350
    women = people.filter(gender="F").count() / people.count()
    assert 0.07 <= women <= 0.15
    foreign = set(people.exclude(nationality="KZ").values_list("nationality", flat=True))
    assert {"TJ", "KG", "UZ"} <= foreign
    assert set(people.values_list("category", flat=True)) == {"military", "police", "civilian"}


def test_courses_and_cohorts_span_past_running_and_future(seeded):
    assert {"UNSOC", "UNMEM", "POC", "PDT"} <= set(Course.objects.values_list("code", flat=True))
    assert Course.objects.filter(kind=Course.Kind.LANGUAGE).exists()
    for course in Course.objects.prefetch_related("components"):
        assert sum(c.weight for c in course.components.all()) == 100, course.code
    today = timezone.localdate()
    assert Cohort.objects.filter(ends_on__lt=today, status=Cohort.Status.FINALISED).exists()
    assert Cohort.objects.filter(starts_on__lte=today, ends_on__gte=today).exists()
    assert Cohort.objects.filter(starts_on__gt=today).exists()
    assert Enrolment.objects.filter(status=Enrolment.Status.WAITLISTED).exists()


def test_some_certificates_lapse_within_90_days(seeded):
    today = timezone.localdate()
    lapsing = Certification.objects.lapsing_between(today, today + dt.timedelta(days=90))
    assert lapsing.exists()
    assert Certification.objects.filter(valid_until__gt=today + dt.timedelta(days=90)).exists()


def test_missions_deployments_and_targets(seeded):
    acronyms = set(Mission.objects.values_list("acronym", flat=True))
    assert {
        "MINURSO",
        "MINUSCA",
        "MONUSCO",
        "UNDOF",
        "UNFICYP",
        "UNIFIL",
        "UNISFA",
        "UNMIK",
        "UNMISS",
        "UNMOGIP",
        "UNTSO",
        "MINUSMA",
        "UNOCI",
        "UNAMID",
    } <= acronyms
    assert (
        Mission.objects.filter(
            acronym__in=["MINUSMA", "UNOCI", "UNAMID"], ended_on__isnull=False
        ).count()
        == 3
    )
    unifil = Contingent.objects.filter(mission__acronym="UNIFIL", partner_country="IN")
    assert unifil.exists()
    assert all(c.is_joint and c.planned_strength == 120 for c in unifil)
    assert Contingent.objects.filter(mission__acronym="UNDOF").exists()
    assert Deployment.objects.filter(mission__acronym="MINURSO").exists()
    assert RequirementProfile.objects.count() >= 5
    year = timezone.localdate().year
    assert GenderTarget.objects.filter(year=year).count() == len(GenderCategory.values)


def test_demo_users_have_meaningful_scopes(seeded):
    commander = User.objects.get(username="commander")
    instructor = User.objects.get(username="instructor")
    seen = people_for(commander)
    assert 0 < seen.count() < Person.objects.count()
    assert cohorts_for(instructor).exists()
    assert cohorts_for(instructor).count() < Cohort.objects.count()
