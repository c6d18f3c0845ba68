"""Every reminder links to a page its recipient can open, or to none: for every kind of
reminder and every kind of recipient the sweeps find, signed in as that recipient, the link on
the reminders page, on the home page's "Due soon" and in the digest answers 200."""

import datetime as dt
import re

import pytest
from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from courses.models import Cohort, Enrolment
from notifications.models import Reminder
from notifications.selectors import reminder_links
from notifications.services import (
    sweep_cohorts_starting,
    sweep_lapsing,
    sweep_recognition_lapsing,
    sweep_results_missing,
)
from notifications.services.digests import digest_groups
from tests import factories
from tests.notifications.test_pages import render_home_include

pytestmark = pytest.mark.django_db

LAPSING = (
    "certification_lapsing",
    "medical_lapsing",
    "passport_lapsing",
    "language_lapsing",
    "driving_lapsing",
    "weapons_lapsing",
)

# (kind, recipient) -> whether the recipient gets a link ("page") or none. Recipients:
# - commander: the Commander of the trainees' unit;
# - instructor-commander: an instructor named commander of a unit (without the Commander
#   role), told about a trainee of her cohort (her trainee: a page) and about someone else
#   in her unit (not hers: no page);
# - instructor-own: the instructor told of her own records (she is not her own trainee);
# - trainee: a trainee with an account and no role;
# - commander-trainee: a commander enrolled in a cohort (the course's page);
# - instructor, registrar: the cohort's instructor and the registrars.
EXPECTED = {
    **{(kind, "commander"): "page" for kind in LAPSING},
    **{(kind, "instructor-commander"): "page" for kind in ("certification_lapsing",)},
    **{(kind, "instructor-commander"): "page" for kind in LAPSING[1:]},
    **{(kind, "instructor-commander/not-hers"): "none" for kind in LAPSING},
    **{(kind, "instructor-own"): "none" for kind in LAPSING},
    **{(kind, "trainee"): "none" for kind in LAPSING},
    ("cohort_starting", "instructor"): "page",
    ("cohort_starting", "trainee"): "none",
    ("cohort_starting", "commander-trainee"): "page",
    ("results_missing", "instructor"): "page",
    ("results_missing", "registrar"): "page",
    ("recognition_lapsing", "registrar"): "page",
}


def lapsing_records(person, today):
    """One record of each kind lapsing in 20 days."""
    soon = today + dt.timedelta(days=20)
    factories.CertificationFactory(person=person, valid_until=soon)
    factories.MedicalClearanceFactory(person=person, valid_until=soon)
    factories.PassportFactory(person=person, valid_until=soon)
    factories.LanguageProficiencyFactory(person=person, valid_until=soon)
    from personnel.models import DrivingLicence, WeaponsQualification

    DrivingLicence.objects.create(
        person=person, issued_on=today - dt.timedelta(days=900), valid_until=soon, categories="B"
    )
    WeaponsQualification.objects.create(
        person=person,
        issued_on=today - dt.timedelta(days=300),
        valid_until=soon,
        weapon=WeaponsQualification.Weapon.RIFLE,
    )


@pytest.fixture
def scenario():
    """Who is told what, after the four sweeps of today; returns recipient label -> user."""
    today = timezone.localdate()
    users = {
        "commander": factories.UserFactory(username="cmdr", roles=[Role.COMMANDER]),
        "instructor": factories.UserFactory(username="instr", roles=[Role.INSTRUCTOR]),
        "registrar": factories.UserFactory(username="reg", roles=[Role.REGISTRAR]),
        "trainee": factories.UserFactory(username="trainee", roles=[]),
        "commander-trainee": factories.UserFactory(username="cmdr2", roles=[Role.COMMANDER]),
    }
    instructor = users["instructor"]
    battalion = factories.UnitFactory(code="BN", commander=users["commander"])
    school = factories.UnitFactory(code="SCHOOL", commander=instructor)  # no Commander role
    trainee = factories.PersonFactory(unit=battalion, user=users["trainee"], email="")
    her_trainee = factories.PersonFactory(unit=school, email="")
    not_hers = factories.PersonFactory(unit=school, email="")
    herself = factories.PersonFactory(unit=None, user=instructor, email="")
    officer = factories.PersonFactory(unit=None, user=users["commander-trainee"], email="")
    for person in (trainee, her_trainee, not_hers, herself):
        lapsing_records(person, today)
    course = factories.CourseFactory(
        un_recognised=True,
        recognised_on=today - relativedelta(years=3),
        recognition_valid_until=today + relativedelta(months=2),
    )
    starting = factories.CohortFactory(
        course=course,
        starts_on=today + dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=9),
        instructors=[instructor],
    )
    ended = factories.CohortFactory(
        course=course,
        starts_on=today - dt.timedelta(days=20),
        ends_on=today - dt.timedelta(days=6),
        status=Cohort.Status.IN_PROGRESS,
        instructors=[instructor],
    )
    for person in (trainee, her_trainee, officer):
        factories.EnrolmentFactory(cohort=starting, person=person)
    factories.EnrolmentFactory(cohort=ended, person=trainee, status=Enrolment.Status.ENROLLED)
    factories.AssessmentComponentFactory(course=course)
    sweep_lapsing(on=today)
    sweep_cohorts_starting(on=today)
    sweep_results_missing(on=today)
    sweep_recognition_lapsing(on=today)
    return {"users": users, "her_trainee": her_trainee, "not_hers": not_hers, "self": herself}


def label_of(reminder: Reminder, scenario) -> str:
    users = scenario["users"]
    label = next(name for name, user in users.items() if user.pk == reminder.recipient_user_id)
    person_id = reminder.details.get("person_id")
    if label == "instructor" and person_id == scenario["self"].pk:
        return "instructor-own"
    if label == "instructor" and person_id == scenario["her_trainee"].pk:
        return "instructor-commander"
    if label == "instructor" and person_id == scenario["not_hers"].pk:
        return "instructor-commander/not-hers"
    return label


@pytest.mark.parametrize(
    ("kind", "recipient", "expected"),
    [(kind, recipient, expected) for (kind, recipient), expected in EXPECTED.items()],
    ids=[f"{kind}-{recipient}" for kind, recipient in EXPECTED],
)
def test_the_link_opens_for_its_recipient(client, scenario, kind, recipient, expected):
    reminders = [
        r
        for r in Reminder.objects.filter(kind=kind, recipient_user__isnull=False)
        if label_of(r, scenario) == recipient
    ]
    assert reminders, f"the sweeps told no {recipient} of a {kind}"
    user = reminders[0].recipient_user
    client.force_login(user)
    page = client.get(reverse("notifications:list"))
    page_links = {row["reminder"].pk: row["url"] for row in page.context["rows"]}
    # "Due soon" on the home page: every link it shows opens (the list's own link aside).
    home = re.findall(r'data-testid="home-reminder"><a href="([^"]+)"', render_home_include(user))
    assert all(client.get(url).status_code == 200 for url in home), home
    assert home or expected == "none"
    mailed = {
        line.text: line.url
        for group in digest_groups(reminders, day=timezone.localdate(), user=user)
        for line in group.lines
    }
    for reminder in reminders:
        url = page_links[reminder.pk]
        if expected == "none":
            assert url is None, url
            continue
        assert url, f"no link for {reminder}"
        assert client.get(url).status_code == 200, url
        assert any(mail_url and mail_url.endswith(url) for mail_url in mailed.values())


def test_every_kind_and_recipient_the_sweeps_find_is_in_the_table(scenario):
    found = {(r.kind, label_of(r, scenario)) for r in Reminder.objects.exclude(recipient_user=None)}
    assert found == set(EXPECTED)


def test_an_address_without_an_account_gets_no_link(scenario):
    reminders = list(Reminder.objects.all())
    assert set(reminder_links(user=None, reminders=reminders).values()) == {None}
    assert set(reminder_links(user=AnonymousUser(), reminders=reminders).values()) == {None}


@pytest.mark.parametrize("extra", [0, 12])
def test_the_links_take_a_fixed_number_of_queries(scenario, extra, django_assert_max_num_queries):
    registrar = scenario["users"]["registrar"]
    today = timezone.localdate()
    for _n in range(extra):
        lapsing_records(factories.PersonFactory(email="x@mod.kz"), today)
    sweep_lapsing(on=today)
    Reminder.objects.filter(recipient_email="x@mod.kz").update(recipient_user=registrar)
    reminders = list(Reminder.objects.filter(recipient_user=registrar))
    registrar.groups.all()  # the roles: read once per request, by the navigation too
    with django_assert_max_num_queries(6):
        links = reminder_links(user=registrar, reminders=reminders)
    assert all(links.values())
