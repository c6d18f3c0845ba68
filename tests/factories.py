"""factory_boy factories for the domain model: realistic defaults, every row valid."""

import datetime as dt
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from accounts.models import User
from courses import models as courses
from personnel import models as personnel
from readiness import models as readiness_models

TODAY = dt.date(2026, 11, 23)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@peacecentre.test")
    password = factory.django.Password("correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get(name=role.value))


class UnitFactory(factory.django.DjangoModelFactory):
    """A root unit by default; pass parent=<Unit> for a child (treebeard builds the path)."""

    class Meta:
        model = personnel.Unit

    code = factory.Sequence(lambda n: f"U{n:03d}")
    name = factory.LazyAttribute(lambda u: f"Unit {u.code}")
    kind = personnel.Unit.Kind.COMPANY

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.objects.add_root(create_kwargs=kwargs)
        parent.refresh_from_db()  # treebeard reads the parent's child count from the row
        return model_class.objects.add_child(parent, create_kwargs=kwargs)


class RankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = personnel.Rank
        django_get_or_create = ("code",)

    code = "CPT"
    name = "Captain"
    category = personnel.Category.MILITARY
    seniority = 12
    is_officer = True


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = personnel.Person

    service_number = factory.Sequence(lambda n: f"KZ-{n:06d}")
    rank = factory.SubFactory(RankFactory)
    last_name = factory.Faker("last_name")
    first_name = factory.Faker("first_name")
    gender = personnel.Gender.MALE
    date_of_birth = dt.date(1990, 5, 17)
    category = personnel.Category.MILITARY
    nationality = "KZ"
    unit = factory.SubFactory(UnitFactory)
    service_start_date = dt.date(2012, 8, 1)


class LanguageProficiencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = personnel.LanguageProficiency

    person = factory.SubFactory(PersonFactory)
    issued_on = TODAY - dt.timedelta(days=200)
    valid_until = TODAY + dt.timedelta(days=900)
    language = "en"
    listening = 3
    speaking = 2
    reading = 3
    writing = 2


class MedicalClearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = personnel.MedicalClearance

    person = factory.SubFactory(PersonFactory)
    issued_on = TODAY - dt.timedelta(days=100)
    valid_until = TODAY + dt.timedelta(days=265)


class PassportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = personnel.Passport

    person = factory.SubFactory(PersonFactory)
    document_number = factory.Sequence(lambda n: f"N{n:08d}")
    issued_on = dt.date(2022, 3, 1)
    valid_until = dt.date(2032, 3, 1)


class MissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = readiness_models.Mission
        django_get_or_create = ("acronym",)

    acronym = "UNIFIL"
    name = "United Nations Interim Force in Lebanon"
    host = "Lebanon"
    started_on = dt.date(1978, 3, 19)


class RequirementProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = readiness_models.RequirementProfile
        django_get_or_create = ("code",)

    # Not a seeded code (migration 0006 creates the five UN profiles): a new profile each time.
    code = factory.Sequence(lambda n: f"profile-{n}")
    name = factory.Sequence(lambda n: f"Profile {n}")
    gender_category = personnel.GenderCategory.CONTINGENT


class CertificationTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = courses.CertificationType
        django_get_or_create = ("code",)

    code = "UNSOC"
    name = "UN Staff Officer"


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = courses.Course

    code = factory.Sequence(lambda n: f"C{n:03d}")
    title = factory.LazyAttribute(lambda c: f"Course {c.code}")
    kind = courses.Course.Kind.UN_RECOGNISED
    duration_days = 10
    certification_type = factory.SubFactory(CertificationTypeFactory)
    validity_months = 48


class AssessmentComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = courses.AssessmentComponent

    course = factory.SubFactory(CourseFactory)
    name = factory.Sequence(lambda n: f"Component {n}")
    weight = Decimal("50")


class CohortFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = courses.Cohort
        skip_postgeneration_save = True

    course = factory.SubFactory(CourseFactory)
    code = factory.Sequence(lambda n: f"COH-{n:04d}")
    starts_on = TODAY + dt.timedelta(days=14)
    ends_on = TODAY + dt.timedelta(days=23)
    capacity = 20
    status = courses.Cohort.Status.OPEN

    @factory.post_generation
    def instructors(self, create, extracted, **kwargs):
        if extracted:
            self.instructors.add(*extracted)


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = courses.Enrolment

    cohort = factory.SubFactory(CohortFactory)
    person = factory.SubFactory(PersonFactory)


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = courses.Certification

    person = factory.SubFactory(PersonFactory)
    certification_type = factory.SubFactory(CertificationTypeFactory)
    number = factory.Sequence(lambda n: f"UNSOC-2026-{n:04d}")
    issued_on = dt.date(2026, 3, 1)
    valid_until = dt.date(2030, 3, 1)
